// The end state every drill must reach, checked from the outside: the booking statuses, the meetings
// the fake Zoom holds, the emails the SMTP sink received and the calendar events. Pure: a snapshot in,
// the differences from what should be out.
import type { BookingStatus } from '@meetlink/events';
import type { FakeZoomMeeting, ParsedMessage } from '@meetlink/fakes';
import type { LedgerEntry } from './ledger';

export interface World {
  bookings: LedgerEntry[];
  statuses: ReadonlyMap<string, BookingStatus | null>;
  /** Live meetings in the fake Zoom. */
  meetings: FakeZoomMeeting[];
  /** Every message the sink received, in arrival order. */
  messages: ParsedMessage[];
  /** Each calendar booking's event as text (location and description or body); null when it is gone. */
  calendarTexts: ReadonlyMap<string, string | null>;
}

export interface EndStateCounts {
  bookings: number;
  liveMeetings: number;
  emailsSent: number;
  /** Messages beyond the first with the same Message-ID, plus confirmations beyond the first per booking. */
  duplicates: number;
  /** Steps of a booking's newest version that ended failed. */
  failedSteps: number;
}

export interface EndState {
  problems: string[];
  counts: EndStateCounts;
}

/** The conference worker writes it on the first line of the meeting's agenda. */
const MARKER = /^meetlink-booking:([A-Za-z0-9_-]+)$/;

/** Our Message-IDs: `<bookingId.key@domain>` (deliverOnce in the email worker). */
export const parseMessageId = (messageId: string | null): { bookingId: string; key: string } | null => {
  const match = /^<([A-Za-z0-9_-]+)\.([^@>]+)@[^>]+>$/.exec(messageId ?? '');
  return match ? { bookingId: match[1]!, key: match[2]! } : null;
};

/** The ids of the Zoom meetings a text links to (`…/j/<id>…`). */
export const linkedMeetingIds = (text: string): string[] => [
  ...new Set([...text.matchAll(/https?:\/\/[^\s"'<>]*\/j\/(\d+)/g)].map((m) => m[1]!)),
];

const bodyOf = (message: ParsedMessage): string => message.text ?? message.html ?? '';

export const checkEndState = (world: World): EndState => {
  const problems: string[] = [];
  let failedSteps = 0;
  let duplicates = 0;

  const meetingsByBooking = new Map<string, FakeZoomMeeting[]>();
  for (const meeting of world.meetings) {
    const bookingId = MARKER.exec(meeting.agenda.split('\n')[0] ?? '')?.[1];
    if (!bookingId) {
      problems.push(`meeting ${meeting.id} has no booking marker on its agenda's first line`);
      continue;
    }
    meetingsByBooking.set(bookingId, [...(meetingsByBooking.get(bookingId) ?? []), meeting]);
  }
  const known = new Set(world.bookings.map((b) => b.bookingId));
  for (const [bookingId, meetings] of meetingsByBooking) {
    if (!known.has(bookingId))
      problems.push(`${meetings.length} meeting(s) for unknown booking ${bookingId}`);
  }

  const messagesByBooking = new Map<string, { message: ParsedMessage; key: string }[]>();
  const byMessageId = new Map<string, number>();
  for (const message of world.messages) {
    if (message.messageId) byMessageId.set(message.messageId, (byMessageId.get(message.messageId) ?? 0) + 1);
    const parsed = parseMessageId(message.messageId);
    if (!parsed) continue;
    const list = messagesByBooking.get(parsed.bookingId) ?? [];
    list.push({ message, key: parsed.key });
    messagesByBooking.set(parsed.bookingId, list);
  }
  for (const [messageId, count] of byMessageId) {
    if (count > 1) {
      duplicates += count - 1;
      problems.push(`${messageId} sent ${count} times`);
    }
  }

  for (const entry of world.bookings) {
    const { bookingId, booking } = entry;
    const say = (problem: string) => problems.push(`${bookingId}: ${problem}`);
    const isLive = !entry.isCanceled;
    const wantsMeeting = isLive && entry.isVideo;

    // Settled: every step done or skipped, for the newest version sent.
    const status = world.statuses.get(bookingId) ?? null;
    if (!status) say('no booking status');
    else {
      if (status.version !== booking.version)
        say(`status is at v${status.version}, newest sent is v${booking.version}`);
      for (const [name, step] of Object.entries(status.steps)) {
        if (step.state === 'failed' && step.version === status.version) failedSteps += 1;
        if (step.version !== status.version)
          say(`${name} is at v${step.version}, the booking at v${status.version}`);
        else if (step.state === 'failed')
          say(
            `${name} failed: ${step.lastError?.code ?? '?'} (${step.attempts} attempts): ${step.lastError?.message ?? ''}`,
          );
        else if (step.state !== 'done' && step.state !== 'skipped')
          say(`${name} still ${step.state}${step.lastError ? ` (last error ${step.lastError.code})` : ''}`);
      }
    }

    // Meetings: exactly one per live video booking, at the booking's time, the one the status names.
    const meetings = meetingsByBooking.get(bookingId) ?? [];
    const meeting = meetings.length === 1 ? meetings[0]! : null;
    if (wantsMeeting) {
      if (meetings.length !== 1) say(`${meetings.length} live meetings in Zoom, want 1`);
      if (meeting) {
        if (status?.meeting?.joinUrl !== meeting.join_url)
          say(`status names ${status?.meeting?.joinUrl ?? 'no meeting'}, Zoom holds ${meeting.join_url}`);
        if (Date.parse(meeting.start_time) !== Date.parse(booking.startsAt))
          say(`meeting ${meeting.id} starts ${meeting.start_time}, the booking ${booking.startsAt}`);
      }
    } else {
      if (meetings.length > 0)
        say(
          `${meetings.length} meeting(s) left in Zoom (${meetings.map((m) => m.id).join(', ')}) for a ${entry.isCanceled ? 'canceled' : 'non-video'} booking`,
        );
      if (status?.meeting) say(`status still names meeting ${status.meeting.id}`);
    }

    // Emails: the newest one with a join URL carries the current link; a canceled booking ends canceled.
    const messages = messagesByBooking.get(bookingId) ?? [];
    const customer = booking.customer.email.toLowerCase();
    for (const { message, key } of messages) {
      if (!message.to.map((to) => to.toLowerCase()).includes(customer))
        say(`email ${key} went to ${message.to.join(', ')}`);
    }
    const confirmations = messages.filter((m) => m.key === 'confirmation').length;
    if (confirmations > 1) {
      duplicates += confirmations - 1;
      say(`${confirmations} confirmations`);
    }
    const withLink = messages.filter(({ message }) => linkedMeetingIds(bodyOf(message)).length > 0);
    if (entry.isCanceled) {
      const last = messages.at(-1);
      if (!last) say('no email at all; want the cancellation last');
      else if (last.key !== 'canceled') say(`last email is ${last.key}, want the cancellation`);
    } else if (wantsMeeting) {
      const newest = withLink.at(-1);
      if (!newest)
        say(`no email carries a join URL (got: ${messages.map((m) => m.key).join(', ') || 'none'})`);
      else if (meeting) {
        const body = bodyOf(newest.message);
        const ids = linkedMeetingIds(body);
        if (!body.includes(meeting.join_url) || ids.some((id) => id !== String(meeting.id)))
          say(
            `newest email with a join URL (${newest.key}) links meeting ${ids.join(', ')}, current is ${meeting.id}`,
          );
      }
    } else {
      if (messages.length === 0) say('no email at all');
      for (const { message, key } of withLink)
        say(`email ${key} of a non-video booking links ${linkedMeetingIds(bodyOf(message)).join(', ')}`);
    }

    // Calendar: the event shows the current meeting's link, and none once the booking is canceled.
    if (entry.calendar) {
      const text = world.calendarTexts.get(bookingId) ?? null;
      if (text === null) say(`${entry.calendar.provider} event ${entry.calendar.eventId} is gone`);
      else {
        const ids = linkedMeetingIds(text);
        if (wantsMeeting && meeting && (ids.length !== 1 || ids[0] !== String(meeting.id)))
          say(
            `${entry.calendar.provider} event links meeting ${ids.join(', ') || 'none'}, current is ${meeting.id}`,
          );
        if (!wantsMeeting && ids.length > 0)
          say(`${entry.calendar.provider} event still links meeting ${ids.join(', ')}`);
      }
    }
  }

  return {
    problems,
    counts: {
      bookings: world.bookings.length,
      liveMeetings: world.meetings.length,
      emailsSent: world.messages.length,
      duplicates,
      failedSteps,
    },
  };
};

/** The emails one booking received, in arrival order, by Message-ID key. */
export const emailKeysOf = (world: Pick<World, 'messages'>, bookingId: string): string[] =>
  world.messages
    .map((message) => parseMessageId(message.messageId))
    .filter((parsed) => parsed?.bookingId === bookingId)
    .map((parsed) => parsed!.key);
