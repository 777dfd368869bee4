// Retry-After as vendors send it: delta-seconds or an HTTP date (RFC 9110 §10.2.3).
type HeaderSource = { get(name: string): string | null } | Record<string, unknown> | undefined | null;

const readHeader = (headers: HeaderSource, name: string): string | undefined => {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null }).get(name) ?? undefined;
  }
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return undefined;
};

const DELTA_SECONDS = /^\d+(\.\d+)?$/;
/** RFC 9110's three HTTP-date forms; asctime has no zone and means GMT. */
const IMF_FIXDATE = /^[A-Za-z]{3}, \d{1,2} [A-Za-z]{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/;
const RFC_850_DATE = /^[A-Za-z]+, \d{1,2}-[A-Za-z]{3}-\d{2,4} \d{2}:\d{2}:\d{2} GMT$/;
const ASCTIME_DATE = /^[A-Za-z]{3} [A-Za-z]{3} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/;

/**
 * Milliseconds to wait: delta-seconds ('2', and the fractional '1.5' some servers send) or an HTTP
 * date. '0' and a date already past are 0 (retry now, and still a rate limit), never undefined.
 * Undefined when the header is missing or unreadable: only those forms are read, because
 * Date.parse alone takes '1.5' for 5 January 2001.
 */
export const parseRetryAfter = (
  value: string | null | undefined,
  now: Date = new Date(),
): number | undefined => {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (DELTA_SECONDS.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  let at = Number.NaN;
  if (IMF_FIXDATE.test(trimmed) || RFC_850_DATE.test(trimmed)) at = Date.parse(trimmed);
  else if (ASCTIME_DATE.test(trimmed)) at = Date.parse(`${trimmed} GMT`);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
};

export const retryAfterFrom = (headers: HeaderSource, now: Date = new Date()): number | undefined =>
  parseRetryAfter(readHeader(headers, 'retry-after'), now);
