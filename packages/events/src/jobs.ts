// Queue names and job payloads: the catalog that the queue and worker factories take their types from.
import { z } from 'zod';
import { BookingId } from './booking';

/** Jobs carry ids and versions, never copies of state: workers read the booking snapshot. */
export const BookingJob = z.object({
  bookingId: BookingId,
  version: z.number().int().min(1),
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
});
export type ReminderJob = z.infer<typeof ReminderJob>;

/** BullMQ job ids must not contain `:`; booking ids cannot (see BookingId). */
export const bookingJobId = (job: BookingJob): string => `${job.bookingId}-v${job.version}`;
/** One reminder job per booking and offset: a reschedule moves it, a replay adds nothing. */
export const reminderJobId = (job: ReminderJob): string => `${job.bookingId}-r${job.offsetMinutes}`;

export interface RetryPolicy {
  /** Total tries, the first included. */
  readonly attempts: number;
  /** First backoff; it doubles with every attempt and gets up to 50% jitter. */
  readonly backoffMs: number;
  /** Longest single backoff. */
  readonly maxBackoffMs: number;
}

export const jobCatalog = {
  conference: {
    queue: 'conference',
    jobName: 'reconcile-meeting',
    payload: ConferenceJob,
    jobId: bookingJobId,
    retry: { attempts: 10, backoffMs: 1_000, maxBackoffMs: 5 * 60_000 },
  },
  calendar: {
    queue: 'calendar',
    jobName: 'patch-calendar-event',
    payload: CalendarJob,
    jobId: bookingJobId,
    retry: { attempts: 10, backoffMs: 1_000, maxBackoffMs: 5 * 60_000 },
  },
  email: {
    queue: 'email',
    jobName: 'send-booking-email',
    payload: EmailJob,
    jobId: bookingJobId,
    retry: { attempts: 8, backoffMs: 2_000, maxBackoffMs: 10 * 60_000 },
  },
  reminders: {
    queue: 'reminders',
    jobName: 'send-reminder',
    payload: ReminderJob,
    jobId: reminderJobId,
    retry: { attempts: 8, backoffMs: 2_000, maxBackoffMs: 10 * 60_000 },
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
} as const;
