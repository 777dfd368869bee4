// Queue names and job payloads: the catalog that the queue and worker factories take their types from.
import { z } from 'zod';
import { BookingId } from './booking';

/**
 * The W3C trace context of the span that queued a job (`traceparent`, `tracestate`), so that one
 * booking is one trace across processes. Only there while tracing is on; a malformed one is dropped,
 * never a reason to fail the job.
 */
export const TraceContext = z
  .object({
    traceparent: z.string().max(128),
    tracestate: z.string().max(512).optional(),
  })
  .optional()
  .catch(undefined);
export type TraceContext = z.infer<typeof TraceContext>;

/** Jobs carry ids and versions, never copies of state: workers read the booking snapshot. */
export const BookingJob = z.object({
  bookingId: BookingId,
  version: z.number().int().min(1),
  trace: TraceContext,
});
export type BookingJob = z.infer<typeof BookingJob>;

export const ConferenceJob = BookingJob;
export type ConferenceJob = z.infer<typeof ConferenceJob>;
export const CalendarJob = BookingJob;
export type CalendarJob = z.infer<typeof CalendarJob>;
export const EmailJob = BookingJob;
export type EmailJob = z.infer<typeof EmailJob>;

/** A reminder email, due `offsetMinutes` before the booking starts; it reads the booking when it fires. */
export const ReminderJob = z.object({
  bookingId: BookingId,
  offsetMinutes: z.number().int().min(1),
  trace: TraceContext,
});
export type ReminderJob = z.infer<typeof ReminderJob>;

/**
 * A meeting the booking no longer owns, to delete on its own (the old host's after a host change, or
 * an orphan of a crashed create found by the booking's marker): its failure blocks neither the new
 * meeting nor the customer's email.
 */
export const MeetingCleanupJob = z.object({
  bookingId: BookingId,
  host: z.object({ memberId: z.string().min(1).max(128), email: z.email() }),
  /** The meeting to delete; absent: whatever carries the booking's marker under this host. */
  meetingId: z.string().regex(/^\d+$/).optional(),
  trace: TraceContext,
});
export type MeetingCleanupJob = z.infer<typeof MeetingCleanupJob>;

/** BullMQ job ids must not contain `:`; booking ids cannot (see BookingId). */
export const bookingJobId = (job: BookingJob): string => `${job.bookingId}-v${job.version}`;
/** One reminder job per booking and offset: a reschedule moves it, a replay adds nothing. */
export const reminderJobId = (job: ReminderJob): string => `${job.bookingId}-r${job.offsetMinutes}`;

const idSafe = (text: string): string => text.replace(/[^A-Za-z0-9_-]/g, '_');
/** One cleanup per meeting (or per host's marker search) of a booking. */
export const meetingCleanupJobId = (job: MeetingCleanupJob): string =>
  `${job.bookingId}-c${job.meetingId ?? `h${idSafe(job.host.memberId)}`}`;

export interface RetryPolicy {
  /** First backoff; it doubles with every try and gets up to 50% jitter. */
  readonly backoffMs: number;
  /** Longest single backoff: a vendor that comes back is tried again within this long. */
  readonly maxBackoffMs: number;
  /**
   * How long transient failures (network, 5xx, 429, SMTP 4xx) are retried, from when the job was
   * queued; null: no limit in time, the processor ends the job itself (a reminder ends when its
   * meeting starts). Attempts are not counted: an outage of hours spends time, not a budget of tries.
   */
  readonly horizonMs: number | null;
}

const HOUR_MS = 3_600_000;

/** Transient failures of a booking step are retried for a day, at most 5 minutes apart. */
export const STEP_RETRY: RetryPolicy = {
  backoffMs: 1_000,
  maxBackoffMs: 5 * 60_000,
  horizonMs: 24 * HOUR_MS,
};

/**
 * BullMQ's own attempt budget, set far out of reach: the horizon in time decides when a job stops
 * (see the pipeline's retry policy), and BullMQ only ever sees a try as the last when we say so.
 */
export const UNLIMITED_ATTEMPTS = 1_000_000;

export const jobCatalog = {
  conference: {
    queue: 'conference',
    jobName: 'reconcile-meeting',
    payload: ConferenceJob,
    jobId: bookingJobId,
    retry: STEP_RETRY,
  },
  calendar: {
    queue: 'calendar',
    jobName: 'patch-calendar-event',
    payload: CalendarJob,
    jobId: bookingJobId,
    retry: STEP_RETRY,
  },
  email: {
    queue: 'email',
    jobName: 'send-booking-email',
    payload: EmailJob,
    jobId: bookingJobId,
    retry: STEP_RETRY,
  },
  meetingCleanup: {
    queue: 'meeting-cleanup',
    jobName: 'delete-stale-meeting',
    payload: MeetingCleanupJob,
    jobId: meetingCleanupJobId,
    retry: STEP_RETRY,
  },
  reminders: {
    queue: 'reminders',
    jobName: 'send-reminder',
    payload: ReminderJob,
    jobId: reminderJobId,
    retry: { backoffMs: 2_000, maxBackoffMs: 5 * 60_000, horizonMs: null },
  },
} as const satisfies Record<
  string,
  {
    queue: string;
    jobName: string;
    payload: z.ZodType;
    jobId: (payload: never) => string;
    retry: RetryPolicy;
  }
>;

export type QueueKey = keyof typeof jobCatalog;
export type JobPayload<Q extends QueueKey> = z.infer<(typeof jobCatalog)[Q]['payload']>;

export const QueueName = {
  conference: jobCatalog.conference.queue,
  calendar: jobCatalog.calendar.queue,
  email: jobCatalog.email.queue,
  reminders: jobCatalog.reminders.queue,
  meetingCleanup: jobCatalog.meetingCleanup.queue,
} as const;
