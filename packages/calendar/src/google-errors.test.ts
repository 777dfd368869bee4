import { PermanentError, RetryableError } from '@meetlink/errors';
import { isConferenceDataRefusal, mapGoogleError, readGoogleFailure } from './google-errors';

/** What gaxios throws, reduced to the parts the mapping reads. */
const gaxiosError = (status: number, reason: string, message: string, headers: Record<string, string> = {}) =>
  Object.assign(new Error(message), {
    status,
    response: {
      status,
      headers: new Headers(headers),
      data: { error: { code: status, message, errors: [{ domain: 'global', reason, message }] } },
    },
  });

describe('mapGoogleError', () => {
  it('maps rate limits, 403 or 429, to a provider-wide retryable error with Retry-After', () => {
    const error = mapGoogleError(
      'events.patch',
      gaxiosError(403, 'rateLimitExceeded', 'Rate Limit Exceeded', { 'retry-after': '4' }),
    );
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.code).toBe('calendar_rate_limited');
    expect(error.details).toMatchObject({ retryAfterMs: 4000, rateLimitScope: 'provider' });
    // Google seldom sends Retry-After: the queue still pauses a little.
    expect(
      mapGoogleError('x', gaxiosError(429, 'rateLimitExceeded', 'Rate Limit Exceeded')).details,
    ).toMatchObject({
      retryAfterMs: 2000,
      rateLimitScope: 'provider',
    });
  });

  it('keeps Retry-After 0, a past date and fractional seconds as a wait, scope included', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const wait = (status: number, reason: string, retryAfter: string) =>
      mapGoogleError('x', gaxiosError(status, reason, 'limit', { 'retry-after': retryAfter }), now).details;
    expect(wait(429, 'rateLimitExceeded', '0')).toMatchObject({
      retryAfterMs: 0,
      rateLimitScope: 'provider',
    });
    expect(wait(403, 'userRateLimitExceeded', 'Mon, 31 Dec 2029 23:00:00 GMT')).toMatchObject({
      retryAfterMs: 0,
      rateLimitScope: 'provider',
    });
    expect(wait(403, 'quotaExceeded', '0')).toMatchObject({ retryAfterMs: 0, rateLimitScope: 'subject' });
    expect(wait(503, 'backendError', 'Mon, 31 Dec 2029 23:00:00 GMT')).toMatchObject({
      retryAfterMs: 0,
      rateLimitScope: 'provider',
    });
    expect(wait(429, 'rateLimitExceeded', '1.5')).toMatchObject({ retryAfterMs: 1500 });
    expect(wait(503, 'backendError', 'Tue, 01 Jan 2030 00:00:20 GMT')).toMatchObject({
      retryAfterMs: 20_000,
      rateLimitScope: 'provider',
    });
  });

  it('keeps a 403 that is not a limit permanent', () => {
    const error = mapGoogleError(
      'x',
      gaxiosError(
        403,
        'forbiddenForNonOrganizer',
        'Shared properties can only be changed by the organizer of the event.',
      ),
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe('calendar_access_denied');
    expect(error.message).toContain('forbiddenForNonOrganizer');
  });

  it('maps 5xx and network failures to calendar_unavailable', () => {
    expect(mapGoogleError('x', gaxiosError(500, 'backendError', 'Backend Error')).code).toBe(
      'calendar_unavailable',
    );
    const network = mapGoogleError(
      'x',
      Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
    );
    expect(network).toBeInstanceOf(RetryableError);
    expect(network.code).toBe('calendar_unavailable');
  });

  it('names the other 4xx', () => {
    expect(mapGoogleError('x', gaxiosError(404, 'notFound', 'Not Found')).code).toBe(
      'calendar_event_not_found',
    );
    expect(mapGoogleError('x', gaxiosError(410, 'deleted', 'Resource has been deleted')).code).toBe(
      'calendar_event_gone',
    );
    expect(mapGoogleError('x', gaxiosError(400, 'invalid', 'Invalid value')).code).toBe(
      'calendar_request_invalid',
    );
  });

  it('passes our own errors through unchanged', () => {
    const ours = new PermanentError('member_not_connected', 'no');
    expect(mapGoogleError('x', ours)).toBe(ours);
  });
});

describe('isConferenceDataRefusal', () => {
  it('recognises the 400 Google gives a third-party conference', () => {
    expect(
      isConferenceDataRefusal(readGoogleFailure(gaxiosError(400, 'invalid', 'Invalid conference data.'))),
    ).toBe(true);
    expect(
      isConferenceDataRefusal(readGoogleFailure(gaxiosError(400, 'invalid', 'Invalid value for: location'))),
    ).toBe(false);
  });
});
