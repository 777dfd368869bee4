// Converges the booking's video meeting to its newest snapshot, then hands the booking on to the
// calendar and email steps.
import type { BookingSnapshot } from '@meetlink/events';
import type { StepOutcome, TypedQueue } from '@meetlink/queue';

export interface ReconcileMeetingDeps {
  calendarQueue: Pick<TypedQueue<'calendar'>, 'add'>;
  emailQueue: Pick<TypedQueue<'email'>, 'add'>;
}

export const reconcileMeeting = async (
  snapshot: BookingSnapshot,
  { calendarQueue, emailQueue }: ReconcileMeetingDeps,
): Promise<StepOutcome> => {
  const { location } = snapshot.booking.service;
  const needsMeeting = location.kind === 'video_conference' && !snapshot.isCanceled;
  // Hand on before reporting done: a crash in between re-runs this job, and the deterministic job
  // ids make the second hand-off a no-op.
  const job = { bookingId: snapshot.bookingId, version: snapshot.version };
  await Promise.all([calendarQueue.add(job), emailQueue.add(job)]);
  if (!needsMeeting) {
    return {
      state: 'skipped',
      detail: snapshot.isCanceled
        ? 'booking is canceled: no meeting kept'
        : `location is ${location.kind}: no meeting needed`,
    };
  }
  return {
    state: 'done',
    detail: 'handed on to calendar and email; no Zoom meeting is created by this build yet',
  };
};
