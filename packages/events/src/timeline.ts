// The booking's story, as `GET /v1/bookings/:bookingId` tells it under `timeline`: one small record per
// fact (an event received, a step's attempt, the meeting, the calendar patch, an email or reminder),
// oldest first. Never a token, a passcode, an email body or a join URL (Zoom's carries the passcode).
import { z } from 'zod';
import { EventType } from './booking';
import { BookingStatus, StepError, StepName } from './status';

/** When the fact happened, ISO 8601, by the clock of the process that recorded it. */
const At = z.string();

export const EventOutcome = z.enum([
  /** A newer version: stored and queued. */
  'accepted',
  /** The same webhook again while its job may not have been queued: queued again (a no-op if it was). */
  'replay',
  /** The same webhook again, already queued: nothing done. */
  'duplicate',
  /** Not newer than the stored version: ignored. */
  'stale',
]);
export type EventOutcome = z.infer<typeof EventOutcome>;

export const TimelineEvent = z.object({
  kind: z.literal('event'),
  at: At,
  eventType: z.enum([EventType.created, EventType.rescheduled, EventType.canceled]),
  version: z.number().int(),
  eventId: z.string(),
  webhookId: z.string(),
  outcome: EventOutcome,
});
export type TimelineEvent = z.infer<typeof TimelineEvent>;

export const AttemptOutcome = z.enum([
  'done',
  'skipped',
  /** Failed; tried again after `retryInMs`. */
  'retrying',
  /** Rate limited; waits `retryInMs` without spending an attempt of the retry policy. */
  'deferred',
  /** Failed for good (permanent error, retry horizon spent, stalled too often, never got the lease). */
  'failed',
]);
export type AttemptOutcome = z.infer<typeof AttemptOutcome>;

export const TimelineAttempt = z.object({
  kind: z.literal('attempt'),
  at: At,
  step: StepName,
  version: z.number().int(),
  /** The step's run count for this version when the attempt ended (its checkpoint's `attempts`). */
  attempt: z.number().int().min(0),
  /** Null when no run started (the booking's lease was never obtained). */
  startedAt: z.string().nullable(),
  finishedAt: z.string(),
  /** Null when the end was recorded outside the run (a job BullMQ failed after it stalled too often). */
  durationMs: z.number().int().min(0).nullable(),
  outcome: AttemptOutcome,
  /** What the step said: what it did, why it skipped, when it tries again. */
  detail: z.string().nullable(),
  error: StepError.nullable(),
  /** `retrying` and `deferred`: how long until the next try. */
  retryInMs: z.number().int().min(0).optional(),
});
export type TimelineAttempt = z.infer<typeof TimelineAttempt>;

export const MeetingChange = z.enum([
  'created',
  /** Found at the provider by the booking's marker (a create whose answer was lost) and kept. */
  'adopted',
  'updated',
  /** Deleted at the provider: the booking was canceled or stopped being a video call. */
  'deleted',
  /** No longer the booking's (the host changed): deleted on the meeting-cleanup queue. */
  'released',
  /** Gone at the provider (a host deleted it there): the booking gets a new one. */
  'gone',
]);
export type MeetingChange = z.infer<typeof MeetingChange>;

export const TimelineMeeting = z.object({
  kind: z.literal('meeting'),
  at: At,
  action: MeetingChange,
  provider: z.literal('zoom'),
  meetingId: z.string(),
  hostMemberId: z.string(),
  /** The meeting's start, as the provider holds it (not for `deleted`, `released`, `gone`). */
  startTime: z.string().optional(),
  durationMinutes: z.number().int().optional(),
});
export type TimelineMeeting = z.infer<typeof TimelineMeeting>;

export const TimelineCalendar = z.object({
  kind: z.literal('calendar'),
  at: At,
  version: z.number().int(),
  /** `skipped`: nothing was written or removed; `reason` says why. */
  action: z.enum(['written', 'removed', 'skipped']),
  provider: z.enum(['google', 'outlook']).nullable(),
  eventId: z.string().nullable(),
  /** The meeting whose join block was written. */
  meetingId: z.string().nullable(),
  reason: z.string().nullable(),
});
export type TimelineCalendar = z.infer<typeof TimelineCalendar>;

export const TimelineEmail = z.object({
  kind: z.literal('email'),
  at: At,
  action: z.enum(['sent', 'skipped']),
  /** confirmation, rescheduled, canceled, meeting_link, reminder. */
  email: z.string(),
  /** The once-only key (`confirmation`, `rescheduled-v3`, `reminder-60-…`). */
  key: z.string(),
  messageId: z.string().optional(),
  /** The meeting whose join details it carried; null: sent without one. */
  meetingId: z.string().nullable().optional(),
  reason: z.string().nullable(),
});
export type TimelineEmail = z.infer<typeof TimelineEmail>;

export const TimelineReminder = z.object({
  kind: z.literal('reminder'),
  at: At,
  /** The delayed job's fate; the reminder email itself is an `email` entry (`email: reminder`). */
  action: z.enum(['scheduled', 'moved', 'canceled', 'skipped']),
  offsetMinutes: z.number().int(),
  /** When it is due (`scheduled`, `moved`). */
  dueAt: z.string().nullable(),
  reason: z.string().nullable(),
});
export type TimelineReminder = z.infer<typeof TimelineReminder>;

export const TimelineEntry = z.discriminatedUnion('kind', [
  TimelineEvent,
  TimelineAttempt,
  TimelineMeeting,
  TimelineCalendar,
  TimelineEmail,
  TimelineReminder,
]);
export type TimelineEntry = z.infer<typeof TimelineEntry>;

type WithoutAt<E> = E extends unknown ? Omit<E, 'at'> : never;
/** An entry before it is stamped with the time it is recorded. */
export type TimelineFact = WithoutAt<TimelineEntry>;

/** The body of `GET /v1/bookings/:bookingId`: the booking's status and its timeline, oldest first. */
export const BookingStatusWithTimeline = BookingStatus.extend({
  timeline: z.array(TimelineEntry),
});
export type BookingStatusWithTimeline = z.infer<typeof BookingStatusWithTimeline>;
