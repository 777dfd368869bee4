// Zoom's time formats: it answers UTC as 'YYYY-MM-DDTHH:mm:ssZ' and reads a start_time without an
// offset as wall-clock time in the meeting's time zone.

/** 'YYYY-MM-DDTHH:mm:ssZ', no milliseconds, as Zoom writes start_time and created_at. */
export const formatZoomTime = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** The next 00:00:00 UTC after `date`: when Zoom's per-user daily limits reset. */
export const nextUtcMidnight = (date: Date): Date =>
  new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1));

/** 'YYYY-MM-DD' of the UTC day `date` falls in. */
export const utcDay = (date: Date): string => date.toISOString().slice(0, 10);

export const isTimeZone = (timezone: string): boolean => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return true;
  } catch {
    return false;
  }
};

/** The offset of `timezone` from UTC at the instant `utcMs`, in ms (east positive). */
const zoneOffsetMs = (utcMs: number, timezone: string): number => {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: timezone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(utcMs));
  const part = (type: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    part('year'),
    part('month') - 1,
    part('day'),
    part('hour'),
    part('minute'),
    part('second'),
  );
  return asUtc - Math.floor(utcMs / 1000) * 1000;
};

const START_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * Reads a start_time as Zoom does: with 'Z' (or an offset) it is an instant; without, wall-clock time
 * in `timezone`. Undefined for anything else.
 */
export const parseStartTime = (value: string, timezone: string): Date | undefined => {
  const match = START_TIME.exec(value);
  if (!match) return undefined;
  const [, y, mo, d, h, mi, s, , zone] = match;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  const check = new Date(wall);
  if (check.getUTCMonth() !== Number(mo) - 1 || check.getUTCDate() !== Number(d)) return undefined;
  if (zone === 'Z') return new Date(wall);
  if (zone !== undefined) {
    const sign = zone.startsWith('-') ? -1 : 1;
    const [oh, om] = zone.slice(1).split(':').map(Number);
    return new Date(wall - sign * ((oh ?? 0) * 3_600_000 + (om ?? 0) * 60_000));
  }
  // Wall time in a zone: correct once for the offset, then again in case the first guess crossed a DST change.
  let utc = wall - zoneOffsetMs(wall, timezone);
  utc = wall - zoneOffsetMs(utc, timezone);
  return new Date(utc);
};
