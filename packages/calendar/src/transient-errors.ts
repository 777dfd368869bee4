// The retryable answers Google and Graph share: throttling and a service that is briefly away.
import { RetryableError } from '@meetlink/errors';

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
