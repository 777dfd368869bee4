// Zoom's error answers turned into ours, once, at the adapter boundary: RetryableError for what may
// pass later (network, 5xx, 429), PermanentError for what never will. Bodies are `{code, message}`
// (validation adds `errors: [{field, message}]`), or the same document in XML, which Zoom has been
// seen to send.
import { parseRetryAfter } from '@meetlink/errors';
import { PermanentError, RetryableError } from '@meetlink/errors';

export interface ZoomFieldError {
  field: string;
  message: string;
}

export interface ZoomErrorBody {
  code?: number;
  message?: string;
  errors?: ZoomFieldError[];
}

/** What a per-second 429 without Retry-After waits before the next try. */
export const DEFAULT_QPS_RETRY_MS = 1_000;

const MAX_MESSAGE_LENGTH = 300;

const decodeXml = (text: string): string =>
  text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');

const xmlValue = (xml: string, tag: string): string | undefined => {
  const match = new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`).exec(xml);
  return match?.[1] === undefined ? undefined : decodeXml(match[1].trim());
};

const toCode = (value: unknown): number | undefined => {
  const code = typeof value === 'string' ? Number(value) : value;
  return typeof code === 'number' && Number.isInteger(code) ? code : undefined;
};

const toFieldErrors = (value: unknown): ZoomFieldError[] | undefined => {
  if (!Array.isArray(value)) return undefined;
  const errors = value.flatMap((entry: unknown): ZoomFieldError[] => {
    if (!entry || typeof entry !== 'object') return [];
    const field: unknown = 'field' in entry ? entry.field : undefined;
    const message: unknown = 'message' in entry ? entry.message : undefined;
    return [
      { field: typeof field === 'string' ? field : '', message: typeof message === 'string' ? message : '' },
    ];
  });
  return errors.length > 0 ? errors : undefined;
};

/** Reads `{code, message, errors}` from a JSON or XML error answer; whatever is missing stays undefined. */
export const parseZoomErrorBody = (text: string): ZoomErrorBody => {
  const trimmed = text.trim();
  if (trimmed.startsWith('<') && /<(code|message)>/.test(trimmed)) {
    const errors = [...trimmed.matchAll(/<errors>([\s\S]*?)<\/errors>/g)].map((m) => ({
      field: xmlValue(m[1] ?? '', 'field') ?? '',
      message: xmlValue(m[1] ?? '', 'message') ?? '',
    }));
    // The top-level code/message come before any <errors> block.
    const head = trimmed.replace(/<errors>[\s\S]*?<\/errors>/g, '');
    return {
      code: toCode(xmlValue(head, 'code')),
      message: xmlValue(head, 'message'),
      ...(errors.length > 0 ? { errors } : {}),
    };
  }
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (parsed && typeof parsed === 'object') {
      const code = toCode('code' in parsed ? parsed.code : undefined);
      const message = 'message' in parsed && typeof parsed.message === 'string' ? parsed.message : undefined;
      const errors = toFieldErrors('errors' in parsed ? parsed.errors : undefined);
      return { code, message, ...(errors ? { errors } : {}) };
    }
  } catch {
    // Not JSON either (an HTML page from a proxy, say): keep a short excerpt as the message.
  }
  const excerpt = trimmed
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_MESSAGE_LENGTH);
  return excerpt ? { message: excerpt } : {};
};

/** The next 00:00:00 UTC after `now`: when Zoom's per-user daily limits reset. */
export const nextUtcMidnight = (now: Date): Date =>
  new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1));

export interface ZoomErrorContext {
  /** What we were doing, for the message: 'createMeeting'. */
  operation: string;
  status: number;
  headers: Headers;
  body: ZoomErrorBody;
  now: Date;
  /** A meeting create or update: the calls Zoom's per-user daily limit counts. */
  isMeetingWrite?: boolean;
}

const describe = ({ operation, status, body }: ZoomErrorContext): string => {
  const code = body.code === undefined ? '' : ` code ${body.code}`;
  const message = body.message ? `: ${body.message.slice(0, MAX_MESSAGE_LENGTH)}` : '';
  return `Zoom ${operation} answered ${status}${code}${message}`;
};

const providerResponse = ({ status, body, headers }: ZoomErrorContext): Record<string, unknown> => {
  const response: Record<string, unknown> = { status, ...body };
  for (const name of ['x-ratelimit-type', 'x-ratelimit-category', 'retry-after', 'x-zm-trackingid']) {
    const value = headers.get(name);
    if (value !== null) response[name] = value;
  }
  return response;
};

const mapRateLimit = (context: ZoomErrorContext): RetryableError => {
  const { headers, body, now, isMeetingWrite = false } = context;
  const type = headers.get('x-ratelimit-type') ?? '';
  const message = body.message ?? '';
  // A 429 may come without X-RateLimit-Type (or Retry-After): the body's message tells the limits
  // apart. The per-user one: "You have exceeded the daily rate limit (100) of Meeting Create/Update
  // API requests permitted for this particular user. You may resume these requests at GMT
  // 00:00:00."; the account's: "You have reached the maximum daily rate limit for this API. …".
  const saysDaily = /daily|per[- ]day|GMT 00:00/i.test(message);
  const isDaily = saysDaily || /daily/i.test(type);
  const isPerUser = saysDaily
    ? /\buser\b/i.test(message)
    : // No word from the body: a daily limit on a meeting create/update is the per-user one.
      isDaily && isMeetingWrite;
  const fromHeader = parseRetryAfter(headers.get('retry-after'), now);
  const retryAfterMs =
    fromHeader ?? (isDaily ? nextUtcMidnight(now).getTime() - now.getTime() : DEFAULT_QPS_RETRY_MS);
  return new RetryableError('zoom_rate_limited', describe(context), {
    retryAfterMs,
    rateLimitScope: isPerUser ? 'subject' : 'provider',
    providerResponse: providerResponse(context),
  });
};

/**
 * A validation failure (400, code 300) about the meeting passcode: a field error on `password`, as
 * Zoom answers a passcode that breaks the account's rules ("Password provided does not match the
 * password requirement settings set for this account…"), or that message with no field errors.
 */
const isPasscodeRejection = ({ message, errors }: ZoomErrorBody): boolean =>
  (errors ?? []).some((error) => /^(password|passcode)$/i.test(error.field.trim())) ||
  (!errors?.some((error) => error.field.trim() !== '') && /\b(password|passcode)\b/i.test(message ?? ''));

/**
 * Our error for a Zoom error answer. 401 arrives here only after the one refresh-and-retry, so it
 * means the member's access is gone. 404 with 3001 (meeting gone) is the caller's to treat as
 * "nothing there"; here it is `zoom_meeting_not_found`.
 */
export const mapZoomError = (context: ZoomErrorContext): RetryableError | PermanentError => {
  const { status, body } = context;
  const message = describe(context);
  const details = { providerResponse: providerResponse(context) };
  if (status === 429) return mapRateLimit(context);
  if (status >= 500 || status === 408) return new RetryableError('zoom_unavailable', message, details);
  if (status === 401) return new PermanentError('connection_revoked', message, details);
  if (body.code === 1001) return new PermanentError('zoom_user_not_found', message, details);
  if (body.code === 3001) return new PermanentError('zoom_meeting_not_found', message, details);
  if (status === 400 && body.code === 300)
    return new PermanentError(
      isPasscodeRejection(body) ? 'zoom_passcode_rejected' : 'zoom_validation_failed',
      message,
      details,
    );
  if (status === 403) return new PermanentError('zoom_forbidden', message, details);
  if (status === 404) return new PermanentError('zoom_not_found', message, details);
  return new PermanentError('zoom_request_rejected', message, details);
};

/** A request that never got an answer (connection refused or reset, DNS, timeout). */
export const mapNetworkError = (operation: string, cause: unknown): RetryableError => {
  // Duck-typed: fetch's DOMException (TimeoutError, AbortError) may come from another realm.
  const nameOf = (value: unknown): string =>
    value && typeof value === 'object' && 'name' in value ? String(value.name) : '';
  const messageOf = (value: unknown): string =>
    value && typeof value === 'object' && 'message' in value ? String(value.message) : String(value);
  const inner = cause && typeof cause === 'object' && 'cause' in cause ? cause.cause : undefined;
  const reason =
    nameOf(cause) === 'TimeoutError' || nameOf(cause) === 'AbortError'
      ? 'timed out'
      : `${messageOf(cause)}${inner ? ` (${messageOf(inner)})` : ''}`;
  return new RetryableError('zoom_unavailable', `Zoom ${operation} got no answer: ${reason}`, { cause });
};
