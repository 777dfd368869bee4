// Google Calendar's answers turned into ours, once, at the adapter boundary. Errors are
// `{error: {code, message, errors: [{domain, reason, message}]}}`; rate limits come as 403
// `rateLimitExceeded`/`userRateLimitExceeded` or 429, and a user's Calendar usage limit as 403
// `quotaExceeded` (https://developers.google.com/workspace/calendar/api/guides/errors).
import { retryAfterFrom } from '@meetlink/errors';
import { CalendarHttpError } from './calendar-http';
import { calendarRateLimited, mapCalendarFailure } from './transient-errors';
import type { CalendarErrorMapper } from './transient-errors';

/** How long a host's Calendar usage limit without Retry-After delays its job. */
export const DEFAULT_USAGE_LIMIT_WAIT_MS = 60_000;

export interface GoogleErrorItem {
  domain?: string;
  reason?: string;
  message?: string;
}

export interface GoogleErrorBody {
  code?: number;
  message?: string;
  errors?: GoogleErrorItem[];
}

export interface GoogleFailure {
  /** Undefined when no answer came (network, timeout). */
  status: number | undefined;
  body: GoogleErrorBody;
  headers: Headers | undefined;
}

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;

const parseBody = (data: unknown): GoogleErrorBody => {
  let value = data;
  if (typeof data === 'string') {
    try {
      value = JSON.parse(data);
    } catch {
      return { message: data.slice(0, 200) };
    }
  }
  const error = asRecord(asRecord(value)?.['error']);
  if (!error) return {};
  const errors = Array.isArray(error['errors'])
    ? error['errors'].map((item): GoogleErrorItem => {
        const r = asRecord(item) ?? {};
        return {
          ...(typeof r['domain'] === 'string' ? { domain: r['domain'] } : {}),
          ...(typeof r['reason'] === 'string' ? { reason: r['reason'] } : {}),
          ...(typeof r['message'] === 'string' ? { message: r['message'] } : {}),
        };
      })
    : [];
  return {
    ...(typeof error['code'] === 'number' ? { code: error['code'] } : {}),
    ...(typeof error['message'] === 'string' ? { message: error['message'] } : {}),
    errors,
  };
};

/** What the Calendar client threw: Google's status, error body and headers; no status when no answer came. */
export const readGoogleFailure = (error: unknown): GoogleFailure =>
  error instanceof CalendarHttpError
    ? { status: error.status, body: parseBody(error.body), headers: error.headers }
    : { status: undefined, body: {}, headers: undefined };

export const googleReasons = (failure: GoogleFailure): string[] =>
  (failure.body.errors ?? []).map((item) => item.reason ?? '').filter(Boolean);

/** Google said the conference data itself is unacceptable (a third-party `addOn` written by a non-add-on). */
export const isConferenceDataRefusal = (failure: GoogleFailure): boolean =>
  failure.status === 400 && /conference/i.test(failure.body.message ?? '');

const describe = (operation: string, failure: GoogleFailure): string => {
  const reason = googleReasons(failure)[0];
  const message = failure.body.message ?? '';
  return `Google Calendar ${operation} answered ${failure.status}${reason ? ` ${reason}` : ''}${message ? `: ${message}` : ''}`;
};

export const mapGoogleError: CalendarErrorMapper = (operation, error, now = new Date()) =>
  mapCalendarFailure(
    'Google Calendar',
    operation,
    error,
    (thrown) => {
      const failure = readGoogleFailure(thrown);
      if (failure.status === undefined) return undefined;
      return {
        status: failure.status,
        message: describe(operation, failure),
        providerResponse: { status: failure.status, error: failure.body },
        retryAfterMs: retryAfterFrom(failure.headers, now),
        reasons: googleReasons(failure),
      };
    },
    (answer) => {
      if (answer.status !== 403) return undefined;
      if (answer.reasons.some((r) => r === 'rateLimitExceeded' || r === 'userRateLimitExceeded')) {
        return calendarRateLimited(answer.message, answer.retryAfterMs, answer.providerResponse);
      }
      if (answer.reasons.includes('quotaExceeded')) {
        // "Calendar usage limits exceeded": the host's own limit, not the whole project's.
        return calendarRateLimited(answer.message, answer.retryAfterMs, answer.providerResponse, {
          scope: 'subject',
          fallbackMs: DEFAULT_USAGE_LIMIT_WAIT_MS,
        });
      }
      return undefined;
    },
  );
