// A reminder fires: read the booking as it is now, send the newest link, skip a booking that was
// canceled or moved, and put the job back to sleep if the booking moved later.
import type { Job } from 'bullmq';
import type { ReminderJob } from '@meetlink/events';
import type { Logger } from '@meetlink/observability';
import { deferJob } from '@meetlink/queue';
import { deliverOnce } from './deliver-once';
import type { EmailDeps } from './email-ports';
import { reminderDueAt, reminderOffsets } from './schedule-reminders';

/** A reminder more than this ahead of its time is early (the booking moved later): it waits again. */
const EARLY_TOLERANCE_MS = 2 * 60_000;

export type ReminderOutcome = 'sent' | 'already_sent' | 'canceled' | 'not_wanted' | 'too_late' | 'gone';

export const sendReminder = async (
  payload: ReminderJob,
  deps: EmailDeps & { logger: Logger; job?: Job; token?: string | undefined },
): Promise<ReminderOutcome> => {
  const snapshot = await deps.store.getSnapshot(payload.bookingId);
  if (!snapshot) return 'gone';
  const { booking } = snapshot;
  const now = deps.now().getTime();
  const dueAt = reminderDueAt(booking.startsAt, payload.offsetMinutes);
  // A reminder that fires and sends nothing says why in the booking's timeline (a sent one is in it
  // through the email log). Usually the email step removed it first; this is when it raced that.
  const skip = async (outcome: ReminderOutcome, reason: string): Promise<ReminderOutcome> => {
    await deps.store.appendTimeline(booking.bookingId, [
      {
        kind: 'reminder',
        at: deps.now().toISOString(),
        action: 'skipped',
        offsetMinutes: payload.offsetMinutes,
        dueAt: new Date(dueAt).toISOString(),
        reason,
      },
    ]);
    return outcome;
  };
  if (snapshot.isCanceled) return skip('canceled', 'booking canceled');
  if (!reminderOffsets(snapshot).includes(payload.offsetMinutes)) {
    return skip('not_wanted', 'the booking no longer asks for it');
  }
  if (now >= Date.parse(booking.startsAt)) return skip('too_late', 'the booking had already started');
  if (dueAt - now > EARLY_TOLERANCE_MS && deps.job) return deferJob(deps.job, deps.token, dueAt);

  const meeting = (await deps.store.getMeeting(booking.bookingId))?.meeting ?? null;
  const key = `reminder-${payload.offsetMinutes}-${booking.startsAt}`;
  const result = await deliverOnce(
    key,
    { kind: 'reminder', booking, meeting, reminderOffsetMinutes: payload.offsetMinutes },
    deps,
  );
  if (result.sent) return 'sent';
  await deps.store.appendTimeline(booking.bookingId, [
    {
      kind: 'email',
      at: deps.now().toISOString(),
      action: 'skipped',
      email: 'reminder',
      key,
      messageId: result.previous.messageId,
      reason: `already sent at ${result.previous.sentAt}`,
    },
  ]);
  return 'already_sent';
};
