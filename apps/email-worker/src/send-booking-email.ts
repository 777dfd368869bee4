// Sends the customer the email that the booking's newest change calls for, once per change, and a
// "your meeting link" email whenever the join details the customer holds are not the meeting's own:
// the meeting arrived after a confirmation that went out without it, or it was re-created or moved.
import { EventType, meetingFingerprint } from '@meetlink/events';
import type { BookingSnapshot, MeetingDetails } from '@meetlink/events';
import type { EmailKind } from '@meetlink/email';
import type { StepContext, StepOutcome, TypedQueue } from '@meetlink/queue';
import type { SentEmail } from '@meetlink/store';
import { deliverOnce } from './deliver-once';
import type { DeliveryResult } from './deliver-once';
import type { EmailDeps } from './email-ports';
import { describeSchedule, reminderFacts, scheduleReminders } from './schedule-reminders';

/** The email a change calls for, and the key that makes it once-only. */
export const emailForChange = (snapshot: BookingSnapshot): { kind: EmailKind; key: string } => {
  switch (snapshot.eventType) {
    case EventType.created:
      return { kind: 'confirmation', key: 'confirmation' };
    case EventType.rescheduled:
      return { kind: 'rescheduled', key: `rescheduled-v${snapshot.version}` };
    case EventType.canceled:
      return { kind: 'canceled', key: 'canceled' };
  }
};

/** One past every SEQUENCE already sent, so that each new invitation supersedes the one the customer has. */
const nextSequence = (sent: readonly SentEmail[]): number =>
  sent.reduce((highest, email) => Math.max(highest, email.sequence ?? -1), -1) + 1;

/** The newest email that told the customer how to join (or that the link would follow). */
const newestHeld = (sent: readonly SentEmail[]): SentEmail | null =>
  sent
    .filter((email) => email.kind !== 'canceled')
    .reduce<SentEmail | null>(
      (newest, email) => (!newest || email.sentAt > newest.sentAt ? email : newest),
      null,
    );

/** Whether the customer's newest email carries exactly this meeting's join details. */
const holdsMeeting = (held: SentEmail, meeting: MeetingDetails): boolean =>
  held.meetingFingerprint !== undefined
    ? held.meetingFingerprint === meetingFingerprint(meeting)
    : held.meetingId === meeting.id;

/** An email that was not sent again, for the timeline (a sent one is recorded by the email log). */
const noteIfSkipped = (
  note: StepContext['note'],
  result: DeliveryResult,
  email: EmailKind,
  key: string,
): void => {
  if (result.sent) return;
  note({
    kind: 'email',
    action: 'skipped',
    email,
    key,
    messageId: result.previous.messageId,
    reason: `already sent at ${result.previous.sentAt}`,
  });
};

export const sendBookingEmail = async (
  snapshot: BookingSnapshot,
  deps: EmailDeps & {
    remindersQueue: TypedQueue<'reminders'>;
    /** The step's note for the booking's timeline: reminders scheduled, emails not sent again. */
    note?: StepContext['note'];
  },
): Promise<StepOutcome> => {
  const { booking } = snapshot;
  const note = deps.note ?? (() => undefined);
  // Reminders first: cheap, idempotent, and right even if the email below has to be retried.
  const schedule = await scheduleReminders(snapshot, deps);
  for (const fact of reminderFacts(snapshot, schedule)) note(fact);
  const { kind, key } = emailForChange(snapshot);
  const isVideo = booking.service.location.kind === 'video_conference';
  const record = kind === 'canceled' ? null : await deps.store.getMeeting(booking.bookingId);
  const meeting = record?.meeting ?? null;
  const log = await deps.emailLog.list(booking.bookingId);
  const sentBefore = Object.values(log);

  const sequence = nextSequence(sentBefore);
  const result = await deliverOnce(key, { kind, booking, meeting, sequence }, deps, log);
  noteIfSkipped(note, result, kind, key);
  const notes: string[] = [result.sent ? `${kind} email sent` : `${kind} email already sent`];

  if (kind !== 'canceled' && isVideo && !meeting) {
    const conference = (await deps.store.getStatus(booking.bookingId))?.steps.conference;
    notes.push(
      `without a join block: no meeting yet (${conference?.lastError?.code ?? conference?.state ?? 'unknown'}); the link follows`,
    );
  }
  if (!result.sent && kind !== 'canceled' && meeting) {
    const held = newestHeld(sentBefore);
    if (held && !holdsMeeting(held, meeting)) {
      const isLinkChange = held.meetingId !== null;
      const linkKey = `meeting_link-${meeting.id}-${meetingFingerprint(meeting)}`;
      const link = await deliverOnce(
        linkKey,
        { kind: 'meeting_link', booking, meeting, isLinkChange, sequence },
        deps,
        log,
      );
      noteIfSkipped(note, link, 'meeting_link', linkKey);
      const what = isLinkChange ? 'meeting link changed email' : 'meeting link email';
      notes.push(link.sent ? `${what} sent` : `${what} already sent`);
    }
  }
  notes.push(describeSchedule(schedule));
  return { state: 'done', detail: notes.filter(Boolean).join('; ') };
};
