// Keeps one delayed reminder job per booking and offset in step with the booking: a reschedule moves
// it, a cancellation removes it, a reminder whose time has passed is not scheduled.
import type { BookingSnapshot, TimelineFact, TimelineReminder } from '@meetlink/events';
import type { TypedQueue } from '@meetlink/queue';

export const DEFAULT_REMINDER_OFFSETS_MINUTES: readonly number[] = [24 * 60, 60];

export const reminderOffsets = (snapshot: BookingSnapshot): readonly number[] =>
  snapshot.booking.reminderOffsetsMinutes ?? DEFAULT_REMINDER_OFFSETS_MINUTES;

export const reminderDueAt = (startsAt: string, offsetMinutes: number): number =>
  Date.parse(startsAt) - offsetMinutes * 60_000;

export interface ReminderSchedule {
  scheduled: number[];
  moved: number[];
  removed: number[];
  skippedPast: number[];
}

export const scheduleReminders = async (
  snapshot: BookingSnapshot,
  { remindersQueue, now }: { remindersQueue: TypedQueue<'reminders'>; now: () => Date },
): Promise<ReminderSchedule> => {
  const result: ReminderSchedule = { scheduled: [], moved: [], removed: [], skippedPast: [] };
  const offsets = new Set(reminderOffsets(snapshot));
  // Offsets the booking no longer asks for are removed too (the defaults cover the usual ones).
  const candidates = new Set([...offsets, ...DEFAULT_REMINDER_OFFSETS_MINUTES]);
  for (const offsetMinutes of candidates) {
    const payload = { bookingId: snapshot.bookingId, offsetMinutes };
    const existing = await remindersQueue.queue.getJob(`${snapshot.bookingId}-r${offsetMinutes}`);
    const state = existing ? await existing.getState() : null;
    const delay = reminderDueAt(snapshot.booking.startsAt, offsetMinutes) - now().getTime();
    const isWanted = offsets.has(offsetMinutes) && !snapshot.isCanceled && delay > 0;

    if (!isWanted) {
      // An active reminder re-reads the booking when it runs and will skip by itself.
      if (existing && state !== 'active') {
        await existing.remove();
        result.removed.push(offsetMinutes);
      } else if (offsets.has(offsetMinutes) && delay <= 0 && !snapshot.isCanceled) {
        result.skippedPast.push(offsetMinutes);
      }
      continue;
    }
    if (existing && state === 'delayed') {
      await existing.changeDelay(delay);
      result.moved.push(offsetMinutes);
    } else if (existing && (state === 'waiting' || state === 'active' || state === 'prioritized')) {
      // Already due or running: it re-reads the booking and defers itself if it is early now.
      result.moved.push(offsetMinutes);
    } else {
      if (existing) await existing.remove(); // completed or failed: an old reminder's record
      await remindersQueue.add(payload, { delay });
      result.scheduled.push(offsetMinutes);
    }
  }
  return result;
};

/** The schedule as timeline facts: each reminder's job scheduled, moved, canceled or skipped, and when it is due. */
export const reminderFacts = (snapshot: BookingSnapshot, s: ReminderSchedule): TimelineFact[] => {
  const offsets = reminderOffsets(snapshot);
  const dueAt = (offsetMinutes: number): string =>
    new Date(reminderDueAt(snapshot.booking.startsAt, offsetMinutes)).toISOString();
  const fact = (
    action: TimelineReminder['action'],
    offsetMinutes: number,
    due: string | null,
    reason: string | null,
  ): TimelineFact => ({ kind: 'reminder', action, offsetMinutes, dueAt: due, reason });
  const whyRemoved = (offsetMinutes: number): string => {
    if (snapshot.isCanceled) return 'booking canceled';
    return offsets.includes(offsetMinutes) ? 'its time has passed' : 'the booking no longer asks for it';
  };
  return [
    ...s.scheduled.map((o) => fact('scheduled', o, dueAt(o), null)),
    ...s.moved.map((o) => fact('moved', o, dueAt(o), null)),
    ...s.removed.map((o) => fact('canceled', o, null, whyRemoved(o))),
    ...s.skippedPast.map((o) => fact('skipped', o, dueAt(o), 'its time had already passed')),
  ];
};

export const describeSchedule = (s: ReminderSchedule): string =>
  [
    s.scheduled.length ? `reminders scheduled at ${s.scheduled.join(', ')} min` : '',
    s.moved.length ? `moved ${s.moved.join(', ')} min` : '',
    s.removed.length ? `removed ${s.removed.join(', ')} min` : '',
    s.skippedPast.length ? `skipped (already past) ${s.skippedPast.join(', ')} min` : '',
  ]
    .filter(Boolean)
    .join('; ');
