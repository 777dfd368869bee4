import { PermanentError, RetryableError } from '@meetlink/errors';
import { mapNetworkError, mapZoomError, nextUtcMidnight, parseZoomErrorBody } from './zoom-errors';
import type { ZoomErrorContext } from './zoom-errors';

const NOW = new Date('2025-03-10T22:15:30Z');
const TOO_MANY = '{"code":429,"message":"Too many requests."}';

const context = (
  status: number,
  bodyText: string,
  headers: Record<string, string> = {},
  extra: Partial<ZoomErrorContext> = {},
): ZoomErrorContext => ({
  operation: 'createMeeting',
  status,
  headers: new Headers(headers),
  body: parseZoomErrorBody(bodyText),
  now: NOW,
  ...extra,
});

describe('parseZoomErrorBody', () => {
  it('reads JSON code, message and field errors', () => {
    expect(
      parseZoomErrorBody(
        '{"code":300,"message":"Validation Failed.","errors":[{"field":"password","message":"Invalid field."}]}',
      ),
    ).toEqual({
      code: 300,
      message: 'Validation Failed.',
      errors: [{ field: 'password', message: 'Invalid field.' }],
    });
  });

  it('reads the same document in XML', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><result><code>300</code>' +
      '<message>Validation &amp; more</message><errors><field>password</field><message>Too long</message></errors>' +
      '<errors><field>topic</field><message>Bad</message></errors></result>';
    expect(parseZoomErrorBody(xml)).toEqual({
      code: 300,
      message: 'Validation & more',
      errors: [
        { field: 'password', message: 'Too long' },
        { field: 'topic', message: 'Bad' },
      ],
    });
    expect(
      parseZoomErrorBody('<error><code>124</code><message>Invalid access token.</message></error>'),
    ).toEqual({
      code: 124,
      message: 'Invalid access token.',
    });
  });

  it('keeps a short excerpt of anything else', () => {
    expect(parseZoomErrorBody('<html><body><h1>502 Bad Gateway</h1></body></html>')).toEqual({
      message: '502 Bad Gateway',
    });
    expect(parseZoomErrorBody('')).toEqual({});
  });
});

// Retry-After itself is read by @meetlink/errors' parseRetryAfter, tested there.
describe('nextUtcMidnight', () => {
  it('finds the next UTC midnight', () => {
    expect(nextUtcMidnight(NOW).toISOString()).toBe('2025-03-11T00:00:00.000Z');
    expect(nextUtcMidnight(new Date('2025-12-31T23:59:59Z')).toISOString()).toBe('2026-01-01T00:00:00.000Z');
  });
});

describe('mapZoomError', () => {
  it('maps a per-second 429 with Retry-After to a provider-wide rate limit', () => {
    const error = mapZoomError(
      context(
        429,
        '{"code":429,"message":"You have reached the maximum per-second rate limit for this API."}',
        {
          'retry-after': '3',
          'x-ratelimit-type': 'QPS',
        },
      ),
    );
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.code).toBe('zoom_rate_limited');
    expect(error.details).toMatchObject({ retryAfterMs: 3_000, rateLimitScope: 'provider' });
  });

  it.each([
    ['0', 'QPS', 'provider'],
    ['Mon, 10 Mar 2025 22:00:00 GMT', 'QPS', 'provider'],
    ['2025-03-10T00:00:00Z', 'Daily-limit', 'subject'],
  ] as const)('keeps Retry-After %s as retryAfterMs 0 with its scope (%s)', (retryAfter, type, scope) => {
    const error = mapZoomError(
      context(
        429,
        '{"code":429,"message":"Too many requests."}',
        { 'retry-after': retryAfter, 'x-ratelimit-type': type },
        { isMeetingWrite: true },
      ),
    );
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.details).toMatchObject({ retryAfterMs: 0, rateLimitScope: scope });
  });

  // Each test: a 429's body, its headers and the context's extras, and the wait and scope read from them.
  it.each<[string, string, Record<string, string>, Partial<ZoomErrorContext>, object]>([
    [
      'keeps a fractional Retry-After on a 429',
      TOO_MANY,
      { 'retry-after': '1.5', 'x-ratelimit-type': 'QPS' },
      {},
      { retryAfterMs: 1_500, rateLimitScope: 'provider' },
    ],
    [
      'waits a second on a per-second 429 that names no Retry-After',
      TOO_MANY,
      {},
      {},
      { retryAfterMs: 1_000, rateLimitScope: 'provider' },
    ],
    [
      'recognises the daily per-user limit from the body alone and waits until UTC midnight',
      JSON.stringify({
        code: 429,
        message:
          'You have exceeded the daily rate limit (100) of Meeting Create/Update API requests permitted for this particular user. You may resume these requests at GMT 00:00:00.',
      }),
      { 'x-ratelimit-category': 'Light' },
      {},
      { retryAfterMs: 6_270_000, rateLimitScope: 'subject' },
    ],
    [
      'treats a Daily-limit header on a meeting write as the per-user limit',
      TOO_MANY,
      { 'x-ratelimit-type': 'Daily-limit' },
      { isMeetingWrite: true },
      { retryAfterMs: 6_270_000, rateLimitScope: 'subject' },
    ],
    [
      'tells the account-wide daily limit apart by its message, even on a meeting write',
      '{"code":429,"message":"You have reached the maximum daily rate limit for this API. Refer to the response header for details on when you can make another request."}',
      {},
      { isMeetingWrite: true },
      { retryAfterMs: 6_270_000, rateLimitScope: 'provider' },
    ],
    [
      'treats an account-wide daily limit on a read as provider-wide, until midnight',
      TOO_MANY,
      { 'x-ratelimit-type': 'Daily-limit', 'retry-after': '2025-03-11T00:00:00Z' },
      {},
      { retryAfterMs: 6_270_000, rateLimitScope: 'provider' },
    ],
  ])('%s', (_name, body, headers, extra, details) => {
    expect(mapZoomError(context(429, body, headers, extra)).details).toMatchObject(details);
  });

  it.each([
    [500, '{"code":500,"message":"Internal error"}', RetryableError, 'zoom_unavailable'],
    [503, '<html>Service Unavailable</html>', RetryableError, 'zoom_unavailable'],
    [401, '{"code":124,"message":"Invalid access token."}', PermanentError, 'connection_revoked'],
    [404, '{"code":1001,"message":"User does not exist: a@b.c."}', PermanentError, 'zoom_user_not_found'],
    [404, '{"code":3001,"message":"Meeting does not exist: 1."}', PermanentError, 'zoom_meeting_not_found'],
    [400, '{"code":300,"message":"Validation Failed."}', PermanentError, 'zoom_validation_failed'],
    [
      400,
      '<result><code>300</code><message>Validation Failed.</message></result>',
      PermanentError,
      'zoom_validation_failed',
    ],
    [403, '{"code":200,"message":"No permission."}', PermanentError, 'zoom_forbidden'],
    [400, '{"code":3000,"message":"Cannot access webinar info."}', PermanentError, 'zoom_request_rejected'],
  ])('maps %i %s', (status, body, type, code) => {
    const error = mapZoomError(context(status, body));
    expect(error).toBeInstanceOf(type);
    expect(error.code).toBe(code);
    expect(error.message).toContain(`answered ${status}`);
  });

  it.each([
    [
      'a field error on password',
      '{"code":300,"message":"Validation Failed.","errors":[{"field":"password","message":"Password provided does not match the password requirement settings set for this account."}]}',
    ],
    [
      'the same in XML',
      '<result><code>300</code><message>Validation Failed.</message><errors><field>password</field><message>Invalid field.</message></errors></result>',
    ],
    [
      'the message alone',
      '{"code":300,"message":"Password provided does not match the password requirement settings set for this account."}',
    ],
  ])('maps a passcode refusal (%s) to zoom_passcode_rejected', (_, body) => {
    const error = mapZoomError(context(400, body));
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe('zoom_passcode_rejected');
  });

  /** Zoom's 400 "Validation Failed." with one field error. */
  const validationFailure = (field: string, message: string) =>
    mapZoomError(
      context(
        400,
        JSON.stringify({ code: 300, message: 'Validation Failed.', errors: [{ field, message }] }),
      ),
    );

  it('keeps a validation failure on another field zoom_validation_failed', () => {
    expect(validationFailure('topic', 'Invalid field.').code).toBe('zoom_validation_failed');
  });

  it('keeps the field errors of a validation failure in providerResponse', () => {
    expect(validationFailure('password', 'Bad').details.providerResponse).toMatchObject({
      status: 400,
      code: 300,
      errors: [{ field: 'password', message: 'Bad' }],
    });
  });
});

describe('mapNetworkError', () => {
  it('is retryable and says what happened', () => {
    const error = mapNetworkError(
      'getMeeting',
      new TypeError('fetch failed', { cause: new Error('other side closed') }),
    );
    expect(error.code).toBe('zoom_unavailable');
    expect(error.message).toBe('Zoom getMeeting got no answer: fetch failed (other side closed)');
    expect(mapNetworkError('getMeeting', new DOMException('x', 'TimeoutError')).message).toContain(
      'timed out',
    );
  });
});
