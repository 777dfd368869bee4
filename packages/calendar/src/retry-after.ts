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

/** Milliseconds to wait, or undefined when the header is missing or unreadable. */
export const parseRetryAfter = (
  value: string | null | undefined,
  now: Date = new Date(),
): number | undefined => {
  if (value === null || value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now.getTime());
};

export const retryAfterFrom = (headers: HeaderSource, now: Date = new Date()): number | undefined =>
  parseRetryAfter(readHeader(headers, 'retry-after'), now);
