// The mapping both calendar vendors share (mapCalendarFailure), through each vendor's own mapper: the
// same answer must give the same code, Google or Graph.
import { PermanentError, RetryableError } from '@meetlink/errors';
import { mapGoogleError } from './google-errors';
import { mapGraphError } from './graph-errors';
import type { CalendarErrorMapper } from './transient-errors';
import { googleError, graphError } from '../test/vendor-errors';

interface Vendor {
  name: string;
  map: CalendarErrorMapper;
  /** The vendor's answer with this status (its own error code or reason) and headers. */
  answer: (status: number, headers?: Record<string, string>) => unknown;
  /** What its client throws when no answer came: fetch's own failure. */
  noAnswer: () => unknown;
}

const vendors: Vendor[] = [
  {
    name: 'Google',
    map: mapGoogleError,
    answer: (status, headers) =>
      googleError(status, status === 429 ? 'rateLimitExceeded' : 'x', 'no', headers),
    noAnswer: () =>
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      }),
  },
  {
    name: 'Graph',
    map: mapGraphError,
    answer: (status, headers) => graphError(status, status === 429 ? 'TooManyRequests' : 'x', 'no', headers),
    noAnswer: () => new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
  },
];

const now = new Date('2030-01-01T00:00:00Z');

describe.each(vendors)('$name', ({ map, answer, noAnswer }) => {
  it('maps 429 to a provider-wide rate limit, waiting its Retry-After or a little without one', () => {
    const error = map('x', answer(429, { 'Retry-After': '4' }), now);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.code).toBe('calendar_rate_limited');
    expect(error.details).toMatchObject({ retryAfterMs: 4000, rateLimitScope: 'provider' });
    expect(map('x', answer(429), now).details).toMatchObject({
      retryAfterMs: 2000,
      rateLimitScope: 'provider',
    });
  });

  it.each([
    [429, '0', 0],
    [429, 'Mon, 31 Dec 2029 23:00:00 GMT', 0],
    [429, '1.5', 1500],
    [503, '0', 0],
    [503, 'Mon, 31 Dec 2029 23:00:00 GMT', 0],
    [503, 'Tue, 01 Jan 2030 00:00:20 GMT', 20_000],
  ])('keeps Retry-After on a %i (%p) as a provider-wide wait of %i ms', (status, retryAfter, ms) => {
    expect(map('x', answer(status, { 'Retry-After': retryAfter }), now).details).toMatchObject({
      retryAfterMs: ms,
      rateLimitScope: 'provider',
    });
  });

  it('maps 5xx, 408 and no answer at all to calendar_unavailable', () => {
    for (const thrown of [answer(500), answer(503), answer(408), noAnswer()]) {
      const error = map('x', thrown, now);
      expect(error).toBeInstanceOf(RetryableError);
      expect(error.code).toBe('calendar_unavailable');
    }
  });

  it('maps 412 to a retryable calendar_edit_conflict', () => {
    const error = map('x', answer(412), now);
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.code).toBe('calendar_edit_conflict');
  });

  it.each([
    [400, 'calendar_request_invalid'],
    [401, 'calendar_unauthorized'],
    [403, 'calendar_access_denied'],
    [404, 'calendar_event_not_found'],
    [410, 'calendar_event_gone'],
    [422, 'calendar_request_rejected'],
  ])('maps a %i that will never succeed to %s', (status, code) => {
    const error = map('x', answer(status), now);
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe(code);
  });

  it('passes our own errors through unchanged', () => {
    const ours = new PermanentError('member_not_connected', 'no');
    expect(map('x', ours)).toBe(ours);
  });
});
