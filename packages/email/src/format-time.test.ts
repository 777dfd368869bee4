import { describeLeadTime, describeTimeZone, formatShortStart, formatTimeSpan } from './format-time';

const span = { startsAt: '2025-03-06T15:00:00Z', endsAt: '2025-03-06T15:30:00Z' };
/** ICU separates times with thin and narrow no-break spaces; compare with plain ones. */
const plain = (value: string): string => value.replace(/[\u2009\u202f\u00a0]/g, ' ');

describe('formatTimeSpan', () => {
  it('shows a New York booking to a German reader in German, in New York time', () => {
    const text = plain(formatTimeSpan(span, 'de-DE', 'America/New_York'));
    expect(text).toContain('Donnerstag, 6. März 2025');
    expect(text).toMatch(/10:00\s?–\s?10:30 Uhr/);
    expect(text).toContain('GMT-5');
  });

  it('shows the same booking to an American reader in 12-hour time with the zone abbreviation', () => {
    const text = plain(formatTimeSpan(span, 'en-US', 'America/New_York'));
    expect(text).toBe('Thursday, March 6, 2025, 10:00 – 10:30 AM EST');
  });

  it('moves the clock with the zone, not the locale', () => {
    expect(plain(formatTimeSpan(span, 'de-DE', 'Europe/Berlin'))).toMatch(/16:00\s?–\s?16:30 Uhr MEZ/);
    expect(plain(formatTimeSpan(span, 'en-US', 'Asia/Kolkata'))).toContain('8:30 – 9:00 PM GMT+5:30');
  });

  it('answers a repeated question from its cache with what each zone, locale and span asked for', () => {
    const later = { startsAt: '2025-03-06T16:00:00Z', endsAt: '2025-03-06T16:30:00Z' };
    const asks: [typeof span, string, string][] = [
      [span, 'en-US', 'America/New_York'],
      [span, 'de-DE', 'America/New_York'],
      [span, 'en-US', 'Europe/Berlin'],
      [later, 'en-US', 'America/New_York'],
    ];
    const first = asks.map((ask) => formatTimeSpan(...ask));
    expect(new Set(first).size).toBe(asks.length);
    expect(asks.map((ask) => formatTimeSpan(...ask))).toEqual(first);
    expect(plain(first[3]!)).toBe('Thursday, March 6, 2025, 11:00 – 11:30 AM EST');
  });

  it('names both days when the booking crosses midnight', () => {
    const late = { startsAt: '2025-03-07T04:30:00Z', endsAt: '2025-03-07T05:30:00Z' };
    const text = plain(formatTimeSpan(late, 'en-US', 'America/New_York'));
    expect(text).toContain('Thursday, March 6, 2025');
    expect(text).toContain('Friday, March 7, 2025');
  });
});

describe('formatTimeSpan across a DST change', () => {
  /** 05:30Z is 1:30 AM EDT (UTC−4), 06:30Z is 1:30 AM EST (UTC−5): the clock reads the same twice. */
  const fallBack = { startsAt: '2025-11-02T05:30:00Z', endsAt: '2025-11-02T06:30:00Z' };

  it('gives each end its own zone when New York falls back inside the booking', () => {
    expect(plain(formatTimeSpan(fallBack, 'en-US', 'America/New_York'))).toBe(
      'Sunday, November 2, 2025 at 1:30 AM EDT – 1:30 AM EST',
    );
  });

  it('gives each end its own offset where the locale has no zone abbreviation', () => {
    const text = plain(formatTimeSpan(fallBack, 'de-DE', 'America/New_York'));
    expect(text).toContain('Sonntag, 2. November 2025');
    expect(text).toMatch(/01:30 GMT-4 – 01:30 GMT-5$/);
  });

  it('labels the start with the zone before the change, not after it', () => {
    const early = { startsAt: '2025-11-02T04:30:00Z', endsAt: '2025-11-02T06:30:00Z' };
    expect(plain(formatTimeSpan(early, 'en-US', 'America/New_York'))).toBe(
      'Sunday, November 2, 2025 at 12:30 AM EDT – 1:30 AM EST',
    );
    const springForward = { startsAt: '2025-03-09T06:30:00Z', endsAt: '2025-03-09T07:30:00Z' };
    expect(plain(formatTimeSpan(springForward, 'en-US', 'America/New_York'))).toBe(
      'Sunday, March 9, 2025 at 1:30 AM EST – 3:30 AM EDT',
    );
  });

  it('names both days when a span with a DST change also crosses midnight', () => {
    const overnight = { startsAt: '2025-11-02T03:30:00Z', endsAt: '2025-11-02T06:30:00Z' };
    expect(plain(formatTimeSpan(overnight, 'en-US', 'America/New_York'))).toBe(
      'Saturday, November 1, 2025 at 11:30 PM EDT – Sunday, November 2, 2025 at 1:30 AM EST',
    );
  });

  it('keeps the one-zone range for the same night in a zone without DST', () => {
    expect(plain(formatTimeSpan(fallBack, 'en-US', 'UTC'))).toBe(
      'Sunday, November 2, 2025, 5:30 – 6:30 AM UTC',
    );
  });
});

describe('formatShortStart', () => {
  it('is short enough for a subject line', () => {
    expect(plain(formatShortStart(span.startsAt, 'en-US', 'America/New_York'))).toBe(
      'Thu, Mar 6, 10:00 AM EST',
    );
  });
});

describe('describeTimeZone', () => {
  it('names the zone in the reader language and adds its IANA id', () => {
    expect(describeTimeZone('en-US', 'America/New_York', span.startsAt)).toBe(
      'Eastern Time (America/New_York)',
    );
    expect(describeTimeZone('de-DE', 'Europe/Berlin', span.startsAt)).toBe(
      'Mitteleuropäische Zeit (Europe/Berlin)',
    );
  });

  it('falls back to the IANA id alone when ICU has no better name', () => {
    expect(describeTimeZone('en-US', 'UTC', span.startsAt)).toMatch(/UTC/);
  });
});

describe('describeLeadTime', () => {
  it.each([
    [1, '1 minute'],
    [30, '30 minutes'],
    [60, '1 hour'],
    [90, '1 hour 30 minutes'],
    [120, '2 hours'],
    [1440, '1 day'],
    [2880, '2 days'],
    [1500, '25 hours'],
  ])('%i minutes read as "%s"', (minutes, expected) => {
    expect(describeLeadTime(minutes)).toBe(expected);
  });
});
