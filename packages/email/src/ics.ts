// The calendar invitation (RFC 5545 iCalendar with RFC 5546 iTIP methods) sent with each email:
// one stable UID per booking, so every client updates or removes the same event.
import type { Booking, CanceledBooking, MeetingDetails } from '@meetlink/events';
import type { IcsMethod } from './email-input';
import { buildJoinDetails, formatJoinDetailsText } from './join-details';
import type { JoinDetails } from './join-details';

export interface BuildIcsInput {
  booking: Booking | CanceledBooking;
  meeting: MeetingDetails | null;
  /** `buildJoinDetails(meeting)` when the caller has it already (the renderer's view does). */
  join?: JoinDetails | null;
  method: IcsMethod;
  /** Must grow with every change of the event; see `icsSequence`. */
  sequence: number;
  /** DTSTAMP: when this invitation was made. Default: now. */
  now?: Date;
  /** Cancellations: why, shown in the description. */
  reason?: string;
  /** Right-hand side of the UID. Changing it orphans every event already in customers' calendars. */
  uidDomain?: string;
}

export const DEFAULT_UID_DOMAIN = 'meetlink';
const PRODID = '-//Meetlink//Booking emails 1.0//EN';
const CRLF = '\r\n';
const MAX_LINE_OCTETS = 75;

/**
 * SEQUENCE for a booking version: it grows with every version, and once more within a version when
 * the meeting arrives after an invitation went out without one (the "meeting link" email), because
 * clients ignore a REQUEST whose SEQUENCE they have already seen.
 */
export const icsSequence = (version: number, hasMeeting: boolean): number =>
  version * 2 + (hasMeeting ? 1 : 0);

/** The event's UID: the same for every version of a booking. */
export const icsUid = (bookingId: string, uidDomain = DEFAULT_UID_DOMAIN): string =>
  `${bookingId}@${uidDomain}`;

const TEXT_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  ';': '\\;',
  ',': '\\,',
  '\r\n': '\\n',
  '\r': '\\n',
  '\n': '\\n',
};

/** RFC 5545 3.3.11: backslash, semicolon, comma and newlines are escaped; other control characters go. */
export const escapeIcsText = (value: string): string =>
  // One pass: an escape's own backslash is never looked at again.
  // eslint-disable-next-line no-control-regex
  value.replace(/\r\n|[\\;,\r\n\u0000-\u0008\u000b-\u001f\u007f]/g, (match) => TEXT_ESCAPES[match] ?? '');

/** A quoted parameter value (RFC 5545 3.1): no DQUOTE and no control characters inside. */
const quoteParam = (value: string): string =>
  // eslint-disable-next-line no-control-regex
  `"${value.replace(/["\u0000-\u001f\u007f]/g, '')}"`;

/** A URI value is not TEXT (no escaping), but must stay on its logical line. */
// eslint-disable-next-line no-control-regex
const cleanUri = (value: string): string => value.replace(/[\u0000-\u001f\u007f\s]/g, '');

/**
 * RFC 5545 3.1: lines longer than 75 octets are folded with CRLF and one space. Splits between code
 * points, never inside a UTF-8 sequence.
 */
export const foldIcsLine = (line: string): string => {
  const octetCount = Buffer.byteLength(line);
  if (octetCount <= MAX_LINE_OCTETS) return line;
  // As many octets as UTF-16 units: all ASCII, so the lines fold at fixed offsets.
  if (octetCount === line.length) {
    const parts = [line.slice(0, MAX_LINE_OCTETS)];
    for (let at = MAX_LINE_OCTETS; at < line.length; at += MAX_LINE_OCTETS - 1) {
      parts.push(line.slice(at, at + MAX_LINE_OCTETS - 1));
    }
    return parts.join(`${CRLF} `);
  }
  const parts: string[] = [];
  let current = '';
  let currentOctets = 0;
  let limit = MAX_LINE_OCTETS;
  for (const char of line) {
    const octets = utf8Octets(char.codePointAt(0) ?? 0);
    if (currentOctets + octets > limit) {
      parts.push(current);
      current = '';
      currentOctets = 0;
      limit = MAX_LINE_OCTETS - 1; // the leading space of a continuation line counts
    }
    current += char;
    currentOctets += octets;
  }
  parts.push(current);
  return parts.join(`${CRLF} `);
};

/** A code point's UTF-8 length; a lone surrogate goes out as U+FFFD, three octets, as Buffer writes it. */
const utf8Octets = (codePoint: number): number => {
  if (codePoint < 0x80) return 1;
  if (codePoint < 0x800) return 2;
  return codePoint < 0x10000 ? 3 : 4;
};

/** `2025-03-06T15:00:00.000Z` → `20250306T150000Z` (UTC date-time, RFC 5545 3.3.5 form 2). */
const icsDateTime = (value: string | Date): string => {
  const iso = new Date(value).toISOString();
  // Cut at fixed offsets (cheaper than two regular expressions) unless the year has more than four
  // digits (`+010000-01-01T…`).
  if (iso.length !== 24) return iso.replace(/[-:]/g, '').replace(/\.\d{3}/, '');
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
};

const describe = (input: BuildIcsInput, join: JoinDetails | null): string => {
  const { booking, method } = input;
  const instructions = booking.service.location.instructions?.trim();
  const parts: string[] = [];
  if (method === 'CANCEL') {
    const reason = input.reason?.trim();
    parts.push(`${booking.service.name} with ${booking.host.name} is canceled.`);
    if (reason) parts.push(`Reason: ${reason}`);
    return parts.join('\n\n');
  }
  if (join) parts.push(formatJoinDetailsText(join));
  else if (booking.service.location.kind === 'video_conference')
    parts.push('The meeting link will follow in a separate email.');
  if (instructions) parts.push(instructions);
  return parts.join('\n\n');
};

/** One VCALENDAR with one VEVENT, CRLF line endings, folded at 75 octets. */
export const buildIcs = (input: BuildIcsInput): string => {
  const { booking, meeting, method, sequence } = input;
  const isCancel = method === 'CANCEL';
  const join = !isCancel && meeting ? (input.join ?? buildJoinDetails(meeting)) : null;
  const joinUrl = join?.joinUrl ?? null;
  const description = describe(input, join);
  const lines = [
    'BEGIN:VCALENDAR',
    `PRODID:${PRODID}`,
    'VERSION:2.0',
    'CALSCALE:GREGORIAN',
    `METHOD:${method}`,
    'BEGIN:VEVENT',
    `UID:${icsUid(booking.bookingId, input.uidDomain)}`,
    `SEQUENCE:${Math.max(0, Math.trunc(sequence))}`,
    `DTSTAMP:${icsDateTime(input.now ?? new Date())}`,
    `DTSTART:${icsDateTime(booking.startsAt)}`,
    `DTEND:${icsDateTime(booking.endsAt)}`,
    `SUMMARY:${escapeIcsText(`${booking.service.name} with ${booking.host.name}`)}`,
    `ORGANIZER;CN=${quoteParam(booking.host.name)}:mailto:${cleanUri(booking.host.email)}`,
    `ATTENDEE;CN=${quoteParam(booking.customer.name)};CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;` +
      `PARTSTAT=${isCancel ? 'NEEDS-ACTION' : 'ACCEPTED'};RSVP=FALSE:mailto:${cleanUri(booking.customer.email)}`,
    ...(joinUrl ? [`LOCATION:${escapeIcsText(joinUrl)}`, `URL:${cleanUri(joinUrl)}`] : []),
    ...(description ? [`DESCRIPTION:${escapeIcsText(description)}`] : []),
    `STATUS:${isCancel ? 'CANCELLED' : 'CONFIRMED'}`,
    `TRANSP:${isCancel ? 'TRANSPARENT' : 'OPAQUE'}`,
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldIcsLine).join(CRLF) + CRLF;
};
