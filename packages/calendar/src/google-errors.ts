// Google Calendar's answers turned into ours, once, at the adapter boundary. Errors are
// `{error: {code, message, errors: [{domain, reason, message}]}}`; rate limits come as 403
// `rateLimitExceeded`/`userRateLimitExceeded` or 429, and a user's Calendar usage limit as 403
// `quotaExceeded` (https://developers.google.com/workspace/calendar/api/guides/errors).
import { PermanentError, RetryableError } from '@meetlink/errors';
import { retryAfterFrom } from '@meetlink/errors';
import { calendarRateLimited, calendarRejected, calendarUnavailable } from './transient-errors';

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
  headers: unknown;
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

/** What googleapis (gaxios) threw: its status, Google's error body and the response headers. */
export const readGoogleFailure = (error: unknown): GoogleFailure => {
  const e = asRecord(error) ?? {};
  const response = asRecord(e['response']);
  const statusValue = e['status'] ?? response?.['status'];
  const status = typeof statusValue === 'number' && statusValue > 0 ? statusValue : undefined;
  return { status, body: parseBody(response?.['data']), headers: response?.['headers'] };
};

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

export const mapGoogleError = (
  operation: string,
  error: unknown,
  now: Date = new Date(),
): PermanentError | RetryableError => {
  if (error instanceof PermanentError || error instanceof RetryableError) return error;
  const failure = readGoogleFailure(error);
  const { status } = failure;
  if (status === undefined) {
    const message = error instanceof Error ? error.message : String(error);
    return new RetryableError('calendar_unavailable', `Google Calendar ${operation} failed: ${message}`, {
      cause: error,
    });
  }
  const providerResponse = { status, error: failure.body };
  const retryAfterMs = retryAfterFrom(failure.headers as Headers | undefined, now);
  const wait = retryAfterMs !== undefined ? { retryAfterMs } : {};
  const reasons = googleReasons(failure);
  const message = describe(operation, failure);

  if (
    status === 429 ||
    (status === 403 && reasons.some((r) => r === 'rateLimitExceeded' || r === 'userRateLimitExceeded'))
  ) {
    // Google seldom sends Retry-After; pausing the queue a little still beats spending attempts.
    return calendarRateLimited(message, retryAfterMs, providerResponse);
  }
  if (status === 403 && reasons.includes('quotaExceeded')) {
    // "Calendar usage limits exceeded": the host's own limit, not the whole project's.
    return calendarRateLimited(message, retryAfterMs, providerResponse, {
      scope: 'subject',
      fallbackMs: DEFAULT_USAGE_LIMIT_WAIT_MS,
    });
  }
  if (status >= 500 || status === 408) return calendarUnavailable(message, retryAfterMs, providerResponse);
  if (status === 412)
    return new RetryableError('calendar_edit_conflict', message, { ...wait, providerResponse });
  return calendarRejected(status, message, providerResponse);
};
