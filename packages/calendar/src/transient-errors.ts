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

/** A vendor's answer, as the shared mapping reads it. */
export interface CalendarAnswer {
  status: number;
  /** `<API> <operation> answered <status> …`: the message of the error it becomes. */
  message: string;
  providerResponse: unknown;
  retryAfterMs: number | undefined;
}

/** A concurrent edit overtook ours (412, or Graph's 409); another read and write may well succeed. */
export const calendarEditConflict = ({
  message,
  retryAfterMs,
  providerResponse,
}: CalendarAnswer): RetryableError =>
  new RetryableError('calendar_edit_conflict', message, {
    ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    providerResponse,
  });

/** A vendor's error mapping: what the vendor's client threw during `operation`, as our error. */
export type CalendarErrorMapper = (
  operation: string,
  error: unknown,
  now?: Date,
) => PermanentError | RetryableError;

/**
 * What both calendar vendors' failures become: our own errors pass through, no answer at all
 * (network, timeout) is `calendar_unavailable`; then what only this vendor answers (`special`),
 * then 429, 5xx/408 and 412 alike for both, and every other 4xx in the one rejected vocabulary.
 */
export const mapCalendarFailure = <Answer extends CalendarAnswer>(
  api: 'Google Calendar' | 'Microsoft Graph',
  operation: string,
  error: unknown,
  answerOf: (error: unknown) => Answer | undefined,
  special: (answer: Answer) => PermanentError | RetryableError | undefined,
): PermanentError | RetryableError => {
  if (error instanceof PermanentError || error instanceof RetryableError) return error;
  const answer = answerOf(error);
  if (!answer) {
    const message = error instanceof Error ? error.message : String(error);
    return new RetryableError('calendar_unavailable', `${api} ${operation} failed: ${message}`, {
      cause: error,
    });
  }
  const specific = special(answer);
  if (specific) return specific;
  const { status, message, retryAfterMs, providerResponse } = answer;
  // Neither vendor always sends Retry-After; pausing the queue a little beats spending attempts.
  if (status === 429) return calendarRateLimited(message, retryAfterMs, providerResponse);
  // Graph: "503 … repeat the request after a delay, the length of which may be specified in Retry-After".
  if (status >= 500 || status === 408) return calendarUnavailable(message, retryAfterMs, providerResponse);
  if (status === 412) return calendarEditConflict(answer);
  return calendarRejected(status, message, providerResponse);
};

/** The event vanished between our read and our write: nothing left to put the join details into. */
export const eventGoneWhileWriting = (vendor: 'Google' | 'Outlook', eventId: string): PermanentError =>
  new PermanentError('calendar_event_gone', `${vendor} event ${eventId} was deleted while we wrote to it`);
