import { GraphError } from '@microsoft/microsoft-graph-client';
import { PermanentError, RetryableError } from '@meetlink/errors';
import { isEventNotFound, mapGraphError, readGraphFailure } from './graph-errors';

const graphError = (
  statusCode: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): GraphError => Object.assign(new GraphError(statusCode, message), { code, headers: new Headers(headers) });

describe('mapGraphError', () => {
  it('maps 429 to a provider-wide rate limit with Retry-After', () => {
    const error = mapGraphError(
      'PATCH event',
      graphError(429, 'TooManyRequests', 'Please retry again later.', { 'Retry-After': '30' }),
    );
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.code).toBe('calendar_rate_limited');
    expect(error.details).toMatchObject({ retryAfterMs: 30_000, rateLimitScope: 'provider' });
  });

  it('maps 503 to calendar_unavailable and a fetch failure too', () => {
    expect(
      mapGraphError('x', graphError(503, 'serviceNotAvailable', 'later', { 'Retry-After': '2' })).details,
    ).toMatchObject({
      retryAfterMs: 2000,
    });
    const network = mapGraphError('x', new GraphError(-1, 'fetch failed'));
    expect(network).toBeInstanceOf(RetryableError);
    expect(network.code).toBe('calendar_unavailable');
  });

  it('keeps Retry-After 0, a past date and fractional seconds as a provider-wide wait', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const wait = (status: number, retryAfter: string) =>
      mapGraphError('x', graphError(status, 'TooManyRequests', 'later', { 'Retry-After': retryAfter }), now)
        .details;
    expect(wait(429, '0')).toMatchObject({ retryAfterMs: 0, rateLimitScope: 'provider' });
    expect(wait(429, 'Mon, 31 Dec 2029 23:00:00 GMT')).toMatchObject({
      retryAfterMs: 0,
      rateLimitScope: 'provider',
    });
    expect(wait(503, '0')).toMatchObject({ retryAfterMs: 0, rateLimitScope: 'provider' });
    expect(wait(503, 'Mon, 31 Dec 2029 23:00:00 GMT')).toMatchObject({
      retryAfterMs: 0,
      rateLimitScope: 'provider',
    });
    expect(wait(429, '1.5')).toMatchObject({ retryAfterMs: 1500, rateLimitScope: 'provider' });
    expect(wait(503, 'Tue, 01 Jan 2030 00:00:20 GMT')).toMatchObject({
      retryAfterMs: 20_000,
      rateLimitScope: 'provider',
    });
  });

  it('tells a missing mailbox from a missing event', () => {
    expect(
      mapGraphError('x', graphError(404, 'ErrorInvalidUser', "The requested user 'x' is invalid.")).code,
    ).toBe('calendar_user_not_found');
    expect(
      mapGraphError(
        'x',
        graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.'),
      ).code,
    ).toBe('calendar_event_not_found');
    expect(isEventNotFound(readGraphFailure(graphError(404, 'ErrorInvalidUser', 'x')))).toBe(false);
    expect(isEventNotFound(readGraphFailure(graphError(404, 'ErrorItemNotFound', 'x')))).toBe(true);
  });

  it('keeps other 4xx permanent, with the code Graph gave', () => {
    const error = mapGraphError(
      'PATCH event',
      graphError(400, 'ErrorInvalidPropertySet', 'Set action is invalid for property.'),
    );
    expect(error).toBeInstanceOf(PermanentError);
    expect(error.code).toBe('calendar_request_invalid');
    expect(error.message).toContain('ErrorInvalidPropertySet');
    expect(mapGraphError('x', graphError(403, 'ErrorAccessDenied', 'Access is denied.')).code).toBe(
      'calendar_access_denied',
    );
  });
});
