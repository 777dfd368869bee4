// Booking times as the customer reads them: their locale, their time zone, and the zone named.
// Intl formatters are costly to build and cheap to use, so they are cached per locale and zone.

type Style = 'long' | 'short' | 'time' | 'zone' | 'offset' | 'day';

const STYLES: Record<Style, Intl.DateTimeFormatOptions> = {
  long: {
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  },
  short: {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  },
  time: { hour: 'numeric', minute: '2-digit', timeZoneName: 'short' },
  zone: { timeZoneName: 'longGeneric' },
  /** "GMT-04:00": compares the UTC offsets of two instants. */
  offset: { timeZoneName: 'longOffset' },
  /** "2025-11-02" (en-CA): the local calendar day. */
  day: { year: 'numeric', month: '2-digit', day: '2-digit' },
};

const formatters = new Map<string, Intl.DateTimeFormat>();

const formatter = (locale: string, timeZone: string, style: Style): Intl.DateTimeFormat => {
  const key = `${style}|${locale}|${timeZone}`;
  let found = formatters.get(key);
  if (!found) {
    found = new Intl.DateTimeFormat(locale, { ...STYLES[style], timeZone });
    formatters.set(key, found);
  }
  return found;
};

/**
 * A formatted span costs ICU 20-30 µs (formatRange) and a zone's generic name 10-15 µs, most of an
 * email's render; yet the same ones recur: every email of a booking (confirmation, meeting link,
 * reminders) formats the same instants in the same zones, and bookings share slots. So results are
 * kept by every argument they depend on; when full, the cache starts over rather than track ages.
 */
const RESULT_CACHE_ENTRIES = 5000;
const results = new Map<string, string>();

const remembered = (key: string, compute: () => string): string => {
  let value = results.get(key);
  if (value === undefined) {
    value = compute();
    if (results.size >= RESULT_CACHE_ENTRIES) results.clear();
    results.set(key, value);
  }
  return value;
};

const offsetAt = (timeZone: string, at: Date): string | undefined =>
  formatter('en-US', timeZone, 'offset')
    .formatToParts(at)
    .find((part) => part.type === 'timeZoneName')?.value;

const dayAt = (timeZone: string, at: Date): string => formatter('en-CA', timeZone, 'day').format(at);

export interface TimeSpan {
  startsAt: string;
  endsAt: string;
}

/**
 * "Thursday, March 6, 2025, 10:00 – 10:30 AM EST"; both dates are shown when the span crosses
 * midnight. When the two ends have different UTC offsets (a DST change inside the booking), each end
 * carries its own zone: "Sunday, November 2, 2025 at 1:30 AM EDT – 1:30 AM EST".
 */
export const formatTimeSpan = (span: TimeSpan, locale: string, timeZone: string): string =>
  remembered(`span|${locale}|${timeZone}|${span.startsAt}|${span.endsAt}`, () =>
    formatTimeSpanNow(span, locale, timeZone),
  );

const formatTimeSpanNow = (span: TimeSpan, locale: string, timeZone: string): string => {
  const start = new Date(span.startsAt);
  const end = new Date(span.endsAt);
  const long = formatter(locale, timeZone, 'long');
  if (offsetAt(timeZone, start) === offsetAt(timeZone, end)) return long.formatRange(start, end);
  // ICU's formatRange names the zone once, for both ends: across a DST change it collapses
  // 05:30Z–06:30Z on 2025-11-02 in New York into one "1:30 AM EDT", and labels a span from before
  // the change with the zone of after it. So each end is formatted on its own.
  const endText =
    dayAt(timeZone, start) === dayAt(timeZone, end)
      ? formatter(locale, timeZone, 'time').format(end)
      : long.format(end);
  return `${long.format(start)} – ${endText}`;
};

/** "Thu, Mar 6, 10:00 AM EST", for subject lines. */
export const formatShortStart = (startsAt: string, locale: string, timeZone: string): string =>
  remembered(`short|${locale}|${timeZone}|${startsAt}`, () =>
    formatter(locale, timeZone, 'short').format(new Date(startsAt)),
  );

/** "Eastern Time (America/New_York)": the zone's name in the reader's language, and its IANA id. */
export const describeTimeZone = (locale: string, timeZone: string, at: string): string =>
  remembered(`zone|${locale}|${timeZone}|${at}`, () => {
    const name = formatter(locale, timeZone, 'zone')
      .formatToParts(new Date(at))
      .find((part) => part.type === 'timeZoneName')?.value;
    return name && name !== timeZone ? `${name} (${timeZone})` : timeZone;
  });

/** "1 hour", "30 minutes", "2 days", "1 hour 30 minutes": how far ahead a reminder goes out. */
export const describeLeadTime = (minutes: number): string => {
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (minutes >= 1440 && minutes % 1440 === 0) return plural(minutes / 1440, 'day');
  if (minutes >= 60 && minutes % 60 === 0) return plural(minutes / 60, 'hour');
  if (minutes > 60) return `${plural(Math.floor(minutes / 60), 'hour')} ${plural(minutes % 60, 'minute')}`;
  return plural(minutes, 'minute');
};
