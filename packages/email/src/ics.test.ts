import { sampleBooking } from '@meetlink/fakes';
import type { CanceledBooking } from '@meetlink/events';
import ICAL from 'ical.js';
import { buildIcs, escapeIcsText, foldIcsLine, icsSequence } from './ics';
import { sampleMeeting } from './samples';

const booking = sampleBooking({
  bookingId: 'bk_ics',
  version: 3,
  startsAt: new Date('2030-03-06T15:00:00Z'),
});
const meeting = sampleMeeting();
const now = new Date('2030-03-01T12:00:00Z');

/** Reads an ICS back the way a calendar client would, with ical.js. */
const parse = (ics: string) => {
  const calendar = new ICAL.Component(ICAL.parse(ics) as unknown[]);
  const vevent = calendar.getFirstSubcomponent('vevent');
  if (!vevent) throw new Error('no VEVENT');
  return { calendar, vevent, event: new ICAL.Event(vevent) };
};

const octets = (line: string): number => Buffer.byteLength(line, 'utf8');

describe('buildIcs', () => {
  it('writes a REQUEST that ical.js reads back with the booking times, the UID and the SEQUENCE', () => {
    const { calendar, vevent, event } = parse(
      buildIcs({ booking, meeting, method: 'REQUEST', sequence: 7, now }),
    );
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(event.uid).toBe('bk_ics@meetlink');
    expect(event.sequence).toBe(7);
    expect(event.startDate.toJSDate().toISOString()).toBe('2030-03-06T15:00:00.000Z');
    expect(event.endDate.toJSDate().toISOString()).toBe('2030-03-06T15:30:00.000Z');
    expect(event.startDate.zone?.tzid).toBe('UTC');
    expect(vevent.getFirstPropertyValue('dtstamp')?.toString()).toBe('2030-03-01T12:00:00Z');
    expect(event.summary).toBe('Intro call with Ada Host');
    expect(vevent.getFirstPropertyValue('status')).toBe('CONFIRMED');
  });

  it('puts the join URL in LOCATION and URL and the whole join block in DESCRIPTION', () => {
    const { vevent, event } = parse(buildIcs({ booking, meeting, method: 'REQUEST', sequence: 1, now }));
    expect(event.location).toBe(meeting.joinUrl);
    expect(vevent.getFirstPropertyValue('url')).toBe(meeting.joinUrl);
    expect(event.description).toContain(`Join Zoom meeting\n${meeting.joinUrl}\n`);
    expect(event.description).toContain('Meeting ID: 812 3456 7890');
    expect(event.description).toContain('Passcode: x7Kp2mQ');
    expect(event.description).toContain('+16465588656,,81234567890#,,,,*482915# US (New York)');
    expect(event.description).toContain(booking.service.location.instructions);
  });

  it('names the host as organizer and the customer as attendee', () => {
    const { vevent } = parse(buildIcs({ booking, meeting, method: 'REQUEST', sequence: 1, now }));
    const organizer = vevent.getFirstProperty('organizer');
    expect(organizer?.getFirstValue()).toBe('mailto:ada@example.com');
    expect(organizer?.getParameter('cn')).toBe('Ada Host');
    const attendee = vevent.getFirstProperty('attendee');
    expect(attendee?.getFirstValue()).toBe('mailto:grace@example.org');
    expect(attendee?.getParameter('rsvp')).toBe('FALSE');
  });

  it('writes a CANCEL with the same UID, STATUS:CANCELLED and no join details', () => {
    const canceled: CanceledBooking = { ...booking, version: 4, reason: 'Host is ill' };
    const ics = buildIcs({
      booking: canceled,
      meeting,
      method: 'CANCEL',
      sequence: 9,
      now,
      reason: 'Host is ill',
    });
    const { calendar, vevent, event } = parse(ics);
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(event.uid).toBe('bk_ics@meetlink');
    expect(event.sequence).toBe(9);
    expect(vevent.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(vevent.getFirstProperty('location')).toBeNull();
    expect(vevent.getFirstProperty('url')).toBeNull();
    expect(event.description).toContain('Reason: Host is ill');
    expect(ics).not.toContain('812 3456 7890');
  });

  it('without a meeting, says the link follows and has no LOCATION', () => {
    const { vevent, event } = parse(
      buildIcs({ booking, meeting: null, method: 'REQUEST', sequence: 1, now }),
    );
    expect(vevent.getFirstProperty('location')).toBeNull();
    expect(event.description).toContain('The meeting link will follow in a separate email.');
  });

  it('uses CRLF line endings only, and folds every line to at most 75 octets', () => {
    const long = {
      ...booking,
      service: { ...booking.service, name: 'Beratungsgespräch für Größenänderungen 🎉 '.repeat(4).trim() },
    };
    const ics = buildIcs({ booking: long, meeting, method: 'REQUEST', sequence: 1, now });
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = ics.split('\r\n').slice(0, -1);
    expect(Math.max(...lines.map(octets))).toBeLessThanOrEqual(75);
    expect(lines.some((line) => line.startsWith(' '))).toBe(true);
    expect(parse(ics).event.summary).toBe(`${long.service.name} with Ada Host`);
  });

  it('escapes backslashes, semicolons, commas and newlines in text, and survives a round trip', () => {
    const name = 'Q&A; pricing, terms \\ "fine print"\nsecond line';
    const tricky = { ...booking, service: { ...booking.service, name } };
    const hostName = 'Ada "The Host"; Lovelace, PhD';
    const withHost = { ...tricky, host: { ...tricky.host, name: hostName } };
    const ics = buildIcs({ booking: withHost, meeting, method: 'REQUEST', sequence: 1, now });
    const { vevent, event } = parse(ics);
    expect(event.summary).toBe(`${name} with ${hostName}`);
    expect(vevent.getFirstProperty('organizer')?.getParameter('cn')).toBe('Ada The Host; Lovelace, PhD');
  });
});

describe('escapeIcsText', () => {
  it('escapes what RFC 5545 3.3.11 lists', () => {
    expect(escapeIcsText('a\\b;c,d\r\ne\nf')).toBe('a\\\\b\\;c\\,d\\ne\\nf');
  });
});

describe('foldIcsLine', () => {
  it('leaves a 75-octet line alone and folds a 76-octet one', () => {
    expect(foldIcsLine('x'.repeat(75))).toBe('x'.repeat(75));
    expect(foldIcsLine('x'.repeat(76))).toBe(`${'x'.repeat(75)}\r\n x`);
  });

  it('never splits a UTF-8 sequence', () => {
    const folded = foldIcsLine(`SUMMARY:${'ä'.repeat(80)}`);
    for (const line of folded.split('\r\n')) {
      expect(octets(line)).toBeLessThanOrEqual(75);
      expect(line).not.toContain('\ufffd');
    }
    expect(folded.replace(/\r\n /g, '')).toBe(`SUMMARY:${'ä'.repeat(80)}`);
  });

  it('folds a long ASCII line into a 75-octet line and 74-octet continuations', () => {
    const line = `DESCRIPTION:${'0123456789'.repeat(30)}`;
    const folded = foldIcsLine(line).split('\r\n');
    expect(folded.map((part) => part.length)).toEqual([75, 75, 75, 75, 16]);
    expect(folded.slice(1).every((part) => part.startsWith(' '))).toBe(true);
    expect(folded.map((part, i) => (i ? part.slice(1) : part)).join('')).toBe(line);
  });

  it('counts four-octet characters and lone surrogates as UTF-8 encodes them', () => {
    const line = `SUMMARY:${'🚀'.repeat(20)}\ud800${'x'.repeat(20)}`;
    const folded = foldIcsLine(line);
    for (const part of folded.split('\r\n')) expect(octets(part)).toBeLessThanOrEqual(75);
    expect(octets(folded.split('\r\n')[0]!)).toBe(72); // SUMMARY: and 16 rockets; a 17th would not fit
    expect(folded.replace(/\r\n /g, '')).toBe(line);
  });
});

describe('icsSequence', () => {
  it('grows with every version, and when the meeting arrives within a version', () => {
    const steps = [
      icsSequence(1, false),
      icsSequence(1, true),
      icsSequence(2, false),
      icsSequence(2, true),
      icsSequence(3, true),
    ];
    expect([...steps].sort((a, b) => a - b)).toEqual(steps);
    expect(new Set(steps).size).toBe(steps.length);
  });
});
