// The one Retry-After reader of the tree (RFC 9110 §10.2.3), beside RetryableError.retryAfterMs: for the
// token-endpoint client in connections and the zoom and calendar error mappers: delta-seconds (also the
// fractional '1.5' some servers send),
// the three HTTP-date forms, and the ISO date-time Zoom's docs show for daily limits.
export type HeaderSource = { get(name: string): string | null } | Record<string, unknown> | undefined | null;

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
/** The form Zoom's docs show for daily limits; without a zone it would be read as local time. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;

/**
 * Milliseconds from `now` to wait. '0' and a date already past are 0 (retry now, and still a rate
 * limit), never undefined. Undefined when the value is missing or unreadable: only the forms above
 * are read, because Date.parse alone takes '1.5' for 5 January 2001.
 */
export const parseRetryAfter = (value: string | null | undefined, now: Date): number | undefined => {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (DELTA_SECONDS.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  let at = Number.NaN;
  if (IMF_FIXDATE.test(trimmed) || RFC_850_DATE.test(trimmed) || ISO_DATE_TIME.test(trimmed))
    at = Date.parse(trimmed);
  else if (ASCTIME_DATE.test(trimmed)) at = Date.parse(`${trimmed} GMT`);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
};

/** The Retry-After header of a fetch `Headers` or a plain header record. */
export const retryAfterFrom = (headers: HeaderSource, now: Date): number | undefined =>
  parseRetryAfter(readHeader(headers, 'retry-after'), now);
