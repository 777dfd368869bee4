// What the pipeline keeps about a booking: the newest snapshot and each step's checkpoint.
import { z } from 'zod';
import { Booking, CanceledBooking, EventType } from './booking';
import { MeetingDetails } from './meeting';
import { MeetingEvent } from './meeting-events';

export const StepName = z.enum(['conference', 'calendar', 'email']);
export type StepName = z.infer<typeof StepName>;
export const stepNames: readonly StepName[] = StepName.options;

export const StepState = z.enum(['pending', 'running', 'done', 'failed', 'skipped']);
export type StepState = z.infer<typeof StepState>;

export const StepError = z.object({
  code: z.string(),
  message: z.string(),
  retryable: z.boolean(),
});
export type StepError = z.infer<typeof StepError>;

export const StepStatus = z.object({
  state: StepState,
  /** The booking version this checkpoint belongs to. */
  version: z.number().int(),
  attempts: z.number().int().min(0),
  lastError: StepError.nullable(),
  /** Why the step ended as it did, for people reading the status ("no calendar reference"). */
  detail: z.string().nullable(),
  updatedAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
});
export type StepStatus = z.infer<typeof StepStatus>;

export const BookingSnapshot = z.object({
  bookingId: z.string(),
  version: z.number().int(),
  eventId: z.string(),
  eventType: z.enum([EventType.created, EventType.rescheduled, EventType.canceled]),
  isCanceled: z.boolean(),
  booking: z.union([CanceledBooking, Booking]),
  receivedAt: z.string(),
});
export type BookingSnapshot = z.infer<typeof BookingSnapshot>;

/**
 * Recorded before a meeting is created and cleared with the meeting record: a run that finds an
 * intent but no record knows a create may have reached the provider, and only then searches for it.
 */
export const MeetingIntent = z.object({
  marker: z.string(),
  host: z.object({ memberId: z.string(), email: z.string() }),
  at: z.string(),
});
export type MeetingIntent = z.infer<typeof MeetingIntent>;

/** A meeting the booking no longer owns, being deleted on its own (see MeetingCleanupJob). */
export const MeetingCleanup = z.object({
  /** The meeting, or null for "whatever carries the booking's marker under this host". */
  meetingId: z.string().nullable(),
  hostMemberId: z.string(),
  state: z.enum(['pending', 'failed']),
  lastError: StepError.nullable(),
  updatedAt: z.string(),
});
export type MeetingCleanup = z.infer<typeof MeetingCleanup>;

/** What the store keeps about a booking; `GET /v1/bookings/:bookingId` adds its timeline (BookingStatusWithTimeline). */
export const BookingStatus = BookingSnapshot.extend({
  /** The booking's video meeting, once the conference step made one. */
  meeting: MeetingDetails.nullable(),
  steps: z.object({
    conference: StepStatus,
    calendar: StepStatus,
    email: StepStatus,
  }),
  /** What the video provider reported about the booking's meetings (host deleted or changed one), newest first. */
  meetingEvents: z.array(MeetingEvent).optional(),
  /** The newest such event that changed the booking's meeting and has not been reconciled since. */
  meetingAlert: MeetingEvent.nullable().optional(),
  /** Meetings the booking no longer owns that are still being deleted, or could not be. */
  meetingCleanups: z.array(MeetingCleanup).optional(),
});
export type BookingStatus = z.infer<typeof BookingStatus>;
