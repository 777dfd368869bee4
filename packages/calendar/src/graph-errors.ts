// Microsoft Graph's answers turned into ours, once, at the adapter boundary. Errors are
// `{error: {code, message, innerError}}`; throttling is 429 (or 503) with Retry-After
// (https://learn.microsoft.com/graph/errors, https://learn.microsoft.com/graph/throttling).
import { PermanentError, retryAfterFrom } from '@meetlink/errors';
import { CalendarHttpError } from './calendar-http';
import { calendarEditConflict, mapCalendarFailure } from './transient-errors';
import type { CalendarErrorMapper } from './transient-errors';

export interface GraphFailure {
  /** Undefined when no answer came (network, timeout). */
  status: number | undefined;
  code: string | undefined;
  message: string;
  headers: Headers | undefined;
}

/** What the Graph client threw: Graph's status, error code, message and headers; no status when no answer came. */
export const readGraphFailure = (error: unknown): GraphFailure => {
  if (!(error instanceof CalendarHttpError)) {
    return {
      status: undefined,
      code: undefined,
      message: error instanceof Error ? error.message : String(error),
      headers: undefined,
    };
  }
  const body = error.body && typeof error.body === 'object' ? (error.body as { error?: unknown }) : {};
  const graphError = body.error && typeof body.error === 'object' ? (body.error as { code?: unknown }) : {};
  const code = typeof graphError.code === 'string' && graphError.code ? graphError.code : undefined;
  return { status: error.status, code, message: error.message, headers: error.headers };
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

export const mapGraphError: CalendarErrorMapper = (operation, error, now = new Date()) =>
  mapCalendarFailure(
    'Microsoft Graph',
    operation,
    error,
    (thrown) => {
      const { status, code, message, headers } = readGraphFailure(thrown);
      if (status === undefined) return undefined;
      return {
        status,
        message: `Microsoft Graph ${operation} answered ${status}${code ? ` ${code}` : ''}: ${message}`,
        providerResponse: { status, error: { code, message } },
        retryAfterMs: retryAfterFrom(headers, now),
        code,
      };
    },
    (answer) => {
      if (answer.status === 409) return calendarEditConflict(answer);
      if (answer.status === 404 && USER_NOT_FOUND.has(answer.code ?? '')) {
        return new PermanentError('calendar_user_not_found', answer.message, {
          providerResponse: answer.providerResponse,
        });
      }
      return undefined;
    },
  );
