// A booking on the night New York falls back (2025-11-02, 01:00–02:00 happens twice), as the customer
// receives it: each end of the time range with its own zone, and an invitation in UTC.
import { sampleBooking } from '@meetlink/fakes';
import type { Booking } from '@meetlink/events';
import ICAL from 'ical.js';
import type { EmailRenderer } from './email-renderer';
import { createEmailRenderer } from './email-renderer';
import { sampleMeeting } from './samples';

/** ICU puts thin and narrow no-break spaces into times; tests compare with plain ones. */
const plain = (value: string): string => value.replace(/[\u2009\u202f\u00a0]/g, ' ');

/** 05:30Z is 1:30 AM EDT (UTC−4), 06:30Z is 1:30 AM EST (UTC−5). */
const fallBackNight = (): Booking => ({
  ...sampleBooking({ bookingId: 'bk_dst', startsAt: new Date('2025-11-02T05:30:00Z') }),
  endsAt: '2025-11-02T06:30:00.000Z',
});

let renderer: EmailRenderer;
beforeAll(async () => {
  renderer = await createEmailRenderer({ now: () => new Date('2025-10-20T00:00:00Z') });
});

describe('a booking on a DST night', () => {
  it('shows the customer both ends with their own offsets, in the text and the HTML', () => {
    const email = renderer.render({
      kind: 'confirmation',
      booking: fallBackNight(),
      meeting: sampleMeeting({ startTime: '2025-11-02T05:30:00Z' }),
    });
    const when = 'Sunday, November 2, 2025 at 1:30 AM EDT – 1:30 AM EST';
    expect(plain(email.text)).toContain(`When: ${when}`);
    expect(plain(email.html)).toContain(when);
    // The host in Berlin has no change that night: their line keeps the one-zone range.
    expect(plain(email.text)).toContain('their time: Sunday, November 2, 2025, 6:30 – 7:30 AM GMT+1');
  });

  it('sends an invitation whose start and end are the two different instants, in UTC', () => {
    const email = renderer.render({ kind: 'confirmation', booking: fallBackNight(), meeting: null });
    const content = email.ics?.content ?? '';
    expect(content).toContain('\r\nDTSTART:20251102T053000Z\r\n');
    expect(content).toContain('\r\nDTEND:20251102T063000Z\r\n');
    const vevent = new ICAL.Component(ICAL.parse(content) as unknown[]).getFirstSubcomponent('vevent');
    const event = new ICAL.Event(vevent ?? undefined);
    expect(event.duration.toSeconds()).toBe(3600);
  });

  it('leaves an ordinary booking looking as before', () => {
    const booking = sampleBooking({ bookingId: 'bk_plain', startsAt: new Date('2025-03-06T15:00:00Z') });
    const email = renderer.render({ kind: 'confirmation', booking, meeting: null });
    expect(plain(email.text)).toContain('When: Thursday, March 6, 2025, 10:00 – 10:30 AM EST');
  });
});
