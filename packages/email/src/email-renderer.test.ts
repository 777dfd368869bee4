import { sampleBooking } from '@meetlink/fakes';
import { PermanentError } from '@meetlink/errors';
import type { Booking, CanceledBooking } from '@meetlink/events';
import ICAL from 'ical.js';
import type { EmailInput, EmailKind } from './email-input';
import { EMAIL_KINDS } from './email-input';
import type { EmailRenderer } from './email-renderer';
import { createEmailRenderer, createPerEmailMjmlRenderer } from './email-renderer';
import { sampleMeeting } from './samples';

const booking = (overrides: Partial<Booking> = {}): Booking => ({
  ...sampleBooking({ bookingId: 'bk_render', version: 2, startsAt: new Date('2025-03-06T15:00:00Z') }),
  ...overrides,
});
const meeting = sampleMeeting({ startTime: '2025-03-06T15:00:00Z' });
const input = (kind: EmailKind, extra: Partial<EmailInput> = {}): EmailInput => ({
  kind,
  booking: booking(),
  meeting,
  reminderOffsetMinutes: 60,
  ...extra,
});
/** ICU puts thin and narrow no-break spaces into times; tests compare with plain ones. */
const plain = (value: string): string => value.replace(/[\u2009\u202f\u00a0]/g, ' ');
const htmlEscapedJoinUrl = meeting.joinUrl.replace(/=/g, '&#x3D;');

let renderer: EmailRenderer;
beforeAll(async () => {
  renderer = await createEmailRenderer({ now: () => new Date('2025-03-01T00:00:00Z') });
});

describe('every kind', () => {
  it.each(EMAIL_KINDS)('%s renders HTML and text with every placeholder filled', (kind) => {
    const email = renderer.render(input(kind));
    expect(email.subject).toContain('Intro call with Ada Host');
    expect(email.html).toMatch(/^<!doctype html>/i);
    expect(email.html).not.toContain('{{');
    expect(email.text).not.toContain('{{');
    expect(email.html).toContain('Grace Customer');
    expect(email.text).toContain('Hi Grace Customer');
    expect(plain(email.text)).toContain('Thursday, March 6, 2025, 10:00 – 10:30 AM EST');
  });
});

describe('subjects', () => {
  it.each<[EmailKind, string]>([
    ['confirmation', 'Confirmed: Intro call with Ada Host on Thu, Mar 6, 10:00 AM EST'],
    ['rescheduled', 'Rescheduled: Intro call with Ada Host, now on Thu, Mar 6, 10:00 AM EST'],
    ['canceled', 'Canceled: Intro call with Ada Host on Thu, Mar 6, 10:00 AM EST'],
    ['reminder', 'Reminder: Intro call with Ada Host in 1 hour (Thu, Mar 6, 10:00 AM EST)'],
    ['meeting_link', 'Your meeting link: Intro call with Ada Host on Thu, Mar 6, 10:00 AM EST'],
  ])('%s: %s', (kind, subject) => {
    expect(plain(renderer.render(input(kind)).subject)).toBe(subject);
  });

  it('keep a subject on one header line whatever the service name holds', () => {
    const b = booking();
    const email = renderer.render(
      input('confirmation', {
        booking: { ...b, service: { ...b.service, name: 'Intro\r\nBcc: x@evil.test' } },
      }),
    );
    expect(email.subject).not.toMatch(/[\r\n]/);
  });
});

describe('the join block', () => {
  it.each<EmailKind>(['confirmation', 'rescheduled', 'reminder', 'meeting_link'])(
    '%s carries the Join button, meeting ID, passcode, one-tap and dial-in numbers',
    (kind) => {
      const { html, text } = renderer.render(input(kind));
      expect(html).toContain(`href="${htmlEscapedJoinUrl}"`);
      expect(html).toContain('Join meeting');
      expect(html).toContain('812 3456 7890');
      expect(html).toContain('x7Kp2mQ');
      expect(html).toContain('href="tel:+16465588656,,81234567890%23,,,,*482915%23"');
      expect(html).toContain('+16465588656,,81234567890#,,,,*482915#');
      expect(html).toContain('+49 69 3807 9883');
      expect(html).toContain(booking().service.location.instructions);
      expect(text).toContain(`Join Zoom meeting\n${meeting.joinUrl}`);
      expect(text).toContain('+16465588656,,81234567890#,,,,*482915# US (New York)');
      expect(text).toContain('Passcode: 482915');
    },
  );

  it('leaves the phone section out when Zoom gave no numbers', () => {
    const { html, text } = renderer.render(input('confirmation', { meeting: sampleMeeting({ dialIn: [] }) }));
    expect(html).toContain('812 3456 7890');
    expect(html).not.toContain('One tap mobile');
    expect(html).not.toContain('Dial by your location');
    expect(text).not.toContain('Dial by your location');
  });

  it('is absent from a cancellation, even when the meeting is passed along', () => {
    const canceled: CanceledBooking = { ...booking(), reason: 'Host is ill' };
    const { html, text } = renderer.render(input('canceled', { booking: canceled }));
    expect(html).not.toContain('Join meeting');
    expect(html).not.toContain(meeting.joinUrl.slice(0, 30));
    expect(html).not.toContain('812 3456 7890');
    expect(text).not.toContain('Join Zoom meeting');
    expect(html).toContain('Host is ill');
    expect(text).toContain('Reason: Host is ill');
  });

  it('is absent when the conference step gave no meeting; the confirmation still goes out with the instructions', () => {
    const { html, text, ics } = renderer.render(input('confirmation', { meeting: null }));
    expect(html).not.toContain('Join meeting');
    expect(html).not.toContain('Meeting ID');
    expect(text).not.toContain('Join Zoom meeting');
    expect(html).toContain('Join from a quiet place; the link works in the browser too.');
    expect(text).toContain('Join from a quiet place; the link works in the browser too.');
    expect(html).toContain('Your meeting link will follow in a separate email.');
    expect(ics?.method).toBe('REQUEST');
    expect(ics?.content).not.toContain('LOCATION:');
  });

  it('does not promise a link for an in-person service', () => {
    const b = booking();
    const inPerson = {
      ...b,
      service: { ...b.service, location: { kind: 'in_person' as const, instructions: 'Room 4' } },
    };
    const { html } = renderer.render(input('confirmation', { booking: inPerson, meeting: null }));
    expect(html).not.toContain('will follow');
    expect(html).toContain('Room 4');
  });
});

describe('escaping', () => {
  const hostile = '<script>alert(1)</script>';

  it('escapes a customer named <script>alert(1)</script> in the HTML and keeps it verbatim in the text', () => {
    const b = booking();
    const { html, text, subject } = renderer.render(
      input('confirmation', { booking: { ...b, customer: { ...b.customer, name: hostile } } }),
    );
    expect(html).not.toContain(hostile);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(text).toContain(`Hi ${hostile},`);
    expect(subject).not.toContain(hostile);
  });

  it('escapes every outside value: service, host, instructions, reason, meeting fields', () => {
    const b = booking();
    const evil: CanceledBooking = {
      ...b,
      service: {
        ...b.service,
        name: `${hostile}svc`,
        location: { ...b.service.location, instructions: `<img src=x onerror=alert(2)>` },
      },
      host: { ...b.host, name: `"><b>host</b>` },
      reason: '<i>why</i>',
    };
    const evilMeeting = {
      ...meeting,
      joinUrl: 'https://zoom.us/j/1?x="><script>alert(3)</script>',
      passcode: '<u>p</u>',
      dialIn: [{ country: 'US', city: '<marquee>', number: '+1 646 558 8656' }],
    };
    for (const kind of EMAIL_KINDS) {
      const { html } = renderer.render({ kind, booking: evil, meeting: evilMeeting, reason: '<i>why</i>' });
      expect(html).not.toMatch(/<script>|<img src=x|<b>host|<i>why|<u>p|<marquee>|"><script/);
    }
  });

  it('refuses a join URL that is not http(s) instead of rendering it as a link', () => {
    expect(() =>
      renderer.render(input('confirmation', { meeting: { ...meeting, joinUrl: 'javascript:alert(1)' } })),
    ).toThrow(PermanentError);
  });
});

describe("the customer's zone and locale", () => {
  const german = (): Booking => {
    const b = booking();
    return { ...b, customer: { ...b.customer, locale: 'de-DE', timezone: 'America/New_York' } };
  };

  it('shows the time in German, in New York time, and names both zones', () => {
    const { html, text } = renderer.render(input('confirmation', { booking: german() }));
    expect(plain(text)).toMatch(/Donnerstag, 6\. März 2025, 10:00\s?–\s?10:30 Uhr GMT-5/);
    expect(html).toContain('lang="de-DE"');
    expect(plain(html)).toContain('Donnerstag, 6. März 2025');
    expect(html).toContain('America/New_York');
    expect(html).toContain('Europe/Berlin');
    expect(plain(text)).toMatch(/their time: Donnerstag, 6\. März 2025, 16:00\s?–\s?16:30 Uhr MEZ/);
  });

  it('says the host shares the zone instead of repeating the time', () => {
    const b = booking();
    const same = { ...b, host: { ...b.host, timezone: b.customer.timezone } };
    expect(renderer.render(input('confirmation', { booking: same })).text).toContain(
      'Host: Ada Host, in your time zone',
    );
  });

  it('shows the old time on a reschedule when given', () => {
    const previous = { startsAt: '2025-03-05T15:00:00Z', endsAt: '2025-03-05T15:30:00Z' };
    const { html, text } = renderer.render(input('rescheduled', { previous }));
    expect(plain(text)).toContain('(was Wednesday, March 5, 2025, 10:00 – 10:30 AM EST)');
    expect(plain(html)).toContain('Wednesday, March 5, 2025');
  });
});

describe('the invitation', () => {
  const method = (kind: EmailKind) => renderer.render(input(kind)).ics?.method ?? null;

  it('is a REQUEST for confirmation, reschedule and meeting link, a CANCEL for a cancellation, none for a reminder', () => {
    expect(EMAIL_KINDS.map((kind) => [kind, method(kind)])).toEqual([
      ['confirmation', 'REQUEST'],
      ['rescheduled', 'REQUEST'],
      ['canceled', 'CANCEL'],
      ['reminder', null],
      ['meeting_link', 'REQUEST'],
    ]);
  });

  it('keeps one UID per booking and raises SEQUENCE when the meeting link follows a link-less confirmation', () => {
    const read = (email: EmailInput) => {
      const content = renderer.render(email).ics?.content ?? '';
      return new ICAL.Event(
        new ICAL.Component(ICAL.parse(content) as unknown[]).getFirstSubcomponent('vevent')!,
      );
    };
    const first = read(input('confirmation', { meeting: null }));
    const link = read(input('meeting_link'));
    const moved = read(input('rescheduled', { booking: booking({ version: 3 }) }));
    expect(new Set([first.uid, link.uid, moved.uid])).toEqual(new Set(['bk_render@meetlink']));
    expect(first.sequence).toBeLessThan(link.sequence);
    expect(link.sequence).toBeLessThan(moved.sequence);
  });
});

describe('inputs', () => {
  it('refuses a meeting_link email without a meeting', () => {
    expect(() => renderer.render(input('meeting_link', { meeting: null }))).toThrow(PermanentError);
  });

  it('titles a reminder without an offset plainly', () => {
    const email = renderer.render({ kind: 'reminder', booking: booking(), meeting });
    expect(email.text.startsWith('Coming up soon')).toBe(true);
    expect(email.subject.startsWith('Reminder: Intro call with Ada Host on ')).toBe(true);
  });
});

describe('createPerEmailMjmlRenderer (the benchmark baseline)', () => {
  it('produces the same email as the precompiled renderer', async () => {
    const baseline = await createPerEmailMjmlRenderer({ now: () => new Date('2025-03-01T00:00:00Z') });
    for (const kind of EMAIL_KINDS) {
      expect(await baseline.render(input(kind))).toEqual(renderer.render(input(kind)));
    }
  });
});
