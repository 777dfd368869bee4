// The answers Google and Graph share: throttling, a service that is briefly away, and 4xx that never succeed.
import { PermanentError, RetryableError } from '@meetlink/errors';

/** Without a Retry-After, pausing the queue a little beats spending attempts. */
export const DEFAULT_RATE_LIMIT_WAIT_MS = 2_000;

export const calendarRateLimited = (
  message: string,
  retryAfterMs: number | undefined,
  providerResponse: unknown,
  {
    scope = 'provider',
    fallbackMs = DEFAULT_RATE_LIMIT_WAIT_MS,
  }: { scope?: 'provider' | 'subject'; fallbackMs?: number } = {},
): RetryableError =>
  new RetryableError('calendar_rate_limited', message, {
    retryAfterMs: retryAfterMs ?? fallbackMs,
    rateLimitScope: scope,
    providerResponse,
  });

/** 5xx or 408; a Retry-After on it asks the whole client to back off. */
export const calendarUnavailable = (
  message: string,
  retryAfterMs: number | undefined,
  providerResponse: unknown,
): RetryableError =>
  new RetryableError('calendar_unavailable', message, {
    ...(retryAfterMs !== undefined ? { retryAfterMs, rateLimitScope: 'provider' as const } : {}),
    providerResponse,
  });

const REJECTED_CODES: Record<number, string> = {
  400: 'calendar_request_invalid',
  401: 'calendar_unauthorized',
  403: 'calendar_access_denied',
  404: 'calendar_event_not_found',
  410: 'calendar_event_gone',
};

/** A 4xx that will never succeed, in the one vocabulary both calendar vendors map to (docs/errors.md). */
export const calendarRejected = (
  status: number,
  message: string,
  providerResponse: unknown,
): PermanentError =>
  new PermanentError(REJECTED_CODES[status] ?? 'calendar_request_rejected', message, { providerResponse });

/** The event vanished between our read and our write: nothing left to put the join details into. */
export const eventGoneWhileWriting = (vendor: 'Google' | 'Outlook', eventId: string): PermanentError =>
  new PermanentError('calendar_event_gone', `${vendor} event ${eventId} was deleted while we wrote to it`);
