// Booking times as the customer reads them: their locale, their time zone, and the zone named.
// Intl formatters are costly to build and cheap to use, so they are cached per locale and zone.

const formatters = new Map<string, Intl.DateTimeFormat>();

const formatter = (
  locale: string,
  timeZone: string,
  style: 'long' | 'short' | 'zone',
): Intl.DateTimeFormat => {
  const key = `${style}|${locale}|${timeZone}`;
  let found = formatters.get(key);
  if (!found) {
    const options: Intl.DateTimeFormatOptions =
      style === 'long'
        ? {
            weekday: 'long',
            year: 'numeric',
            month: 'long',
            day: 'numeric',
            hour: 'numeric',
            minute: '2-digit',
          }
        : style === 'short'
          ? { weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }
          : {};
    found = new Intl.DateTimeFormat(locale, {
      ...options,
      timeZone,
      timeZoneName: style === 'zone' ? 'longGeneric' : 'short',
    });
    formatters.set(key, found);
  }
  return found;
};

export interface TimeSpan {
  startsAt: string;
  endsAt: string;
}

/** "Thursday, March 6, 2025, 10:00 – 10:30 AM EST"; both dates are shown when the span crosses midnight. */
export const formatTimeSpan = (span: TimeSpan, locale: string, timeZone: string): string =>
  formatter(locale, timeZone, 'long').formatRange(new Date(span.startsAt), new Date(span.endsAt));

/** "Thu, Mar 6, 10:00 AM EST", for subject lines. */
export const formatShortStart = (startsAt: string, locale: string, timeZone: string): string =>
  formatter(locale, timeZone, 'short').format(new Date(startsAt));

/** "Eastern Time (America/New_York)": the zone's name in the reader's language, and its IANA id. */
export const describeTimeZone = (locale: string, timeZone: string, at: string): string => {
  const name = formatter(locale, timeZone, 'zone')
    .formatToParts(new Date(at))
    .find((part) => part.type === 'timeZoneName')?.value;
  return name && name !== timeZone ? `${name} (${timeZone})` : timeZone;
};

/** "1 hour", "30 minutes", "2 days", "1 hour 30 minutes": how far ahead a reminder goes out. */
export const describeLeadTime = (minutes: number): string => {
  const plural = (n: number, unit: string): string => `${n} ${unit}${n === 1 ? '' : 's'}`;
  if (minutes >= 1440 && minutes % 1440 === 0) return plural(minutes / 1440, 'day');
  if (minutes >= 60 && minutes % 60 === 0) return plural(minutes / 60, 'hour');
  if (minutes > 60) return `${plural(Math.floor(minutes / 60), 'hour')} ${plural(minutes % 60, 'minute')}`;
  return plural(minutes, 'minute');
};
