// Sends the customer the email that the booking's newest change calls for, once per change, and a
// short "your meeting link" email when the meeting arrives after a confirmation that went out without.
import { EventType } from '@meetlink/events';
import type { BookingSnapshot } from '@meetlink/events';
import type { EmailKind } from '@meetlink/email';
import type { StepOutcome, TypedQueue } from '@meetlink/queue';
import { deliverOnce } from './deliver-once';
import type { EmailDeps } from './email-ports';
import { describeSchedule, scheduleReminders } from './schedule-reminders';

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

export const sendBookingEmail = async (
  snapshot: BookingSnapshot,
  deps: EmailDeps & { remindersQueue: TypedQueue<'reminders'> },
): Promise<StepOutcome> => {
  const { booking } = snapshot;
  // Reminders first: cheap, idempotent, and right even if the email below has to be retried.
  const schedule = await scheduleReminders(snapshot, deps);
  const { kind, key } = emailForChange(snapshot);
  const isVideo = booking.service.location.kind === 'video_conference';
  const record = kind === 'canceled' ? null : await deps.store.getMeeting(booking.bookingId);
  const meeting = record?.meeting ?? null;

  const result = await deliverOnce(key, { kind, booking, meeting }, deps);
  const notes: string[] = [result.sent ? `${kind} email sent` : `${kind} email already sent`];

  if (kind !== 'canceled' && isVideo && !meeting) {
    const conference = (await deps.store.getStatus(booking.bookingId))?.steps.conference;
    notes.push(
      `without a join block: no meeting (${conference?.lastError?.code ?? conference?.state ?? 'unknown'})`,
    );
  }
  // The earlier email of this change went out without a meeting, and now there is one.
  if (!result.sent && meeting && result.previous.meetingId === null && kind !== 'canceled') {
    const link = await deliverOnce(
      `meeting_link-${meeting.id}`,
      { kind: 'meeting_link', booking, meeting },
      deps,
    );
    notes.push(link.sent ? 'meeting link email sent' : 'meeting link email already sent');
  }
  notes.push(describeSchedule(schedule));
  return { state: 'done', detail: notes.filter(Boolean).join('; ') };
};
