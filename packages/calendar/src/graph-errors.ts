// Microsoft Graph's answers turned into ours, once, at the adapter boundary. Errors are
// `{error: {code, message, innerError}}`; throttling is 429 (or 503) with Retry-After
// (https://learn.microsoft.com/graph/errors, https://learn.microsoft.com/graph/throttling).
import { PermanentError, RetryableError } from '@meetlink/errors';
import { retryAfterFrom } from '@meetlink/errors';
import { calendarRateLimited, calendarRejected, calendarUnavailable } from './transient-errors';

export interface GraphFailure {
  /** Undefined when no answer came (network, timeout). */
  status: number | undefined;
  code: string | undefined;
  message: string;
  headers: Headers | undefined;
}

/** What @microsoft/microsoft-graph-client threw (a GraphError), read without trusting its shape. */
export const readGraphFailure = (error: unknown): GraphFailure => {
  const e = (error && typeof error === 'object' ? error : {}) as Record<string, unknown>;
  const statusCode = e['statusCode'];
  const status = typeof statusCode === 'number' && statusCode > 0 ? statusCode : undefined;
  const headers = e['headers'] instanceof Headers ? e['headers'] : undefined;
  const code = typeof e['code'] === 'string' && e['code'] ? e['code'] : undefined;
  const message = error instanceof Error ? error.message : String(error);
  return { status, code, message, headers };
};

/** 404s that name the mailbox, not the event: the user id is wrong, or has no Exchange Online mailbox. */
const USER_NOT_FOUND = new Set([
  'ErrorInvalidUser',
  'MailboxNotEnabledForRESTAPI',
  'ResourceNotFound',
  'Request_ResourceNotFound',
]);

export const isEventNotFound = (failure: GraphFailure): boolean =>
  (failure.status === 404 && !USER_NOT_FOUND.has(failure.code ?? '')) || failure.status === 410;

export const mapGraphError = (
  operation: string,
  error: unknown,
  now: Date = new Date(),
): PermanentError | RetryableError => {
  if (error instanceof PermanentError || error instanceof RetryableError) return error;
  const failure = readGraphFailure(error);
  const { status, code } = failure;
  if (status === undefined) {
    return new RetryableError(
      'calendar_unavailable',
      `Microsoft Graph ${operation} failed: ${failure.message}`,
      {
        cause: error,
      },
    );
  }
  const message = `Microsoft Graph ${operation} answered ${status}${code ? ` ${code}` : ''}: ${failure.message}`;
  const providerResponse = { status, error: { code, message: failure.message } };
  const retryAfterMs = retryAfterFrom(failure.headers, now);
  const wait = retryAfterMs !== undefined ? { retryAfterMs } : {};

  if (status === 429) {
    // Without Retry-After Graph asks for backoff; pausing the queue a little beats spending attempts.
    return calendarRateLimited(message, retryAfterMs, providerResponse);
  }
  // "503 … repeat the request after a delay, the length of which may be specified in Retry-After".
  if (status >= 500 || status === 408) return calendarUnavailable(message, retryAfterMs, providerResponse);
  if (status === 412 || status === 409)
    return new RetryableError('calendar_edit_conflict', message, { ...wait, providerResponse });
  if (status === 404 && USER_NOT_FOUND.has(code ?? ''))
    return new PermanentError('calendar_user_not_found', message, { providerResponse });
  return calendarRejected(status, message, providerResponse);
};
