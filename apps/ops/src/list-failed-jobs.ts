// `failed <queue>`: the jobs that ended for good, newest first, each with the booking, the error code
// and message the step recorded, and what the booking's step says now.
import type { Job } from 'bullmq';
import { jobCatalog, stepNames } from '@meetlink/events';
import type { BookingStatus, QueueKey, StepError, StepName } from '@meetlink/events';
import { summarizeFailedReason } from '@meetlink/queue';
import type { OpsDeps } from './connect-ops';
import { queueNameOf } from './parse-command';
import { renderTable } from './render-table';

export interface FailedJob {
  queue: string;
  jobId: string;
  bookingId: string | null;
  /** The booking version a step job was for (reminders and clean-ups have none). */
  version: number | null;
  /** Tries BullMQ counted for this job. */
  attempts: number;
  code: string;
  message: string;
  failedAt: string | null;
  /**
   * What the booking's status says about this work now: the step's state when it is still this
   * version's (`failed`, or `done` once something else converged it), `superseded by vN`, or
   * `booking gone`; for a clean-up its state, or `gone` once done; null for reminders.
   */
  stepState: string | null;
}

export interface FailedJobFilter {
  code?: string | undefined;
  /** At most this many (newest first); default all. */
  limit?: number;
}

/** Failed jobs are read in pages of this many, newest first. */
const PAGE = 200;

const isStep = (key: QueueKey): key is StepName => (stepNames as readonly string[]).includes(key);

const bookingIdOf = (data: unknown): string | null => {
  const id = (data as { bookingId?: unknown } | null)?.bookingId;
  return typeof id === 'string' ? id : null;
};

/**
 * The code and message the processor recorded for the job's booking (a step's lastError, a clean-up's)
 * when the record is still about this job; else what BullMQ kept, `code: message` as our workers write
 * it. The recorded one is preferred: BullMQ's reason says `Error: …` where the step said internal_error.
 */
const recordedErrorOf = (
  key: QueueKey,
  job: Job,
  status: BookingStatus | null,
): { error: StepError | null; stepState: string | null } => {
  const parsed = jobCatalog[key].payload.safeParse(job.data);
  if (key === 'reminders') return { error: null, stepState: null };
  if (!status) return { error: null, stepState: 'booking gone' };
  if (!parsed.success) return { error: null, stepState: null };
  if (isStep(key)) {
    const version = (parsed.data as { version: number }).version;
    const checkpoint = status.steps[key];
    if (checkpoint.version !== version) {
      return { error: null, stepState: `superseded by v${checkpoint.version}` };
    }
    return {
      error: checkpoint.state === 'failed' ? checkpoint.lastError : null,
      stepState: checkpoint.state,
    };
  }
  const cleanup = parsed.data as { host: { memberId: string }; meetingId?: string };
  const entry = (status.meetingCleanups ?? []).find(
    (c) => c.hostMemberId === cleanup.host.memberId && c.meetingId === (cleanup.meetingId ?? null),
  );
  if (!entry) return { error: null, stepState: 'gone' };
  return { error: entry.state === 'failed' ? entry.lastError : null, stepState: entry.state };
};

export const describeFailedJob = async (
  key: QueueKey,
  job: Job,
  deps: Pick<OpsDeps, 'store'>,
): Promise<FailedJob> => {
  const bookingId = bookingIdOf(job.data);
  const status = bookingId ? await deps.store.getStatus(bookingId) : null;
  const { error, stepState } = recordedErrorOf(key, job, status);
  const summary = error ?? summarizeFailedReason(job.failedReason);
  const version = (job.data as { version?: unknown } | null)?.version;
  return {
    queue: queueNameOf(key),
    jobId: job.id ?? '',
    bookingId,
    version: typeof version === 'number' ? version : null,
    attempts: job.attemptsMade,
    code: summary.code,
    message: summary.message,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    stepState,
  };
};

/** The failed jobs of `key` that match, newest first, with their descriptions. */
export const findFailedJobs = async (
  key: QueueKey,
  { code, limit = Number.POSITIVE_INFINITY }: FailedJobFilter,
  deps: Pick<OpsDeps, 'queue' | 'store'>,
): Promise<{ job: Job; failed: FailedJob }[]> => {
  const { queue } = deps.queue(key);
  const found: { job: Job; failed: FailedJob }[] = [];
  for (let start = 0; found.length < limit; start += PAGE) {
    const page = await queue.getFailed(start, start + PAGE - 1);
    for (const job of page) {
      const failed = await describeFailedJob(key, job, deps);
      if (code === undefined || failed.code === code) found.push({ job, failed });
      if (found.length >= limit) break;
    }
    if (page.length < PAGE) break;
  }
  return found;
};

export const listFailedJobs = async (
  key: QueueKey,
  filter: FailedJobFilter,
  deps: Pick<OpsDeps, 'queue' | 'store'>,
): Promise<FailedJob[]> => (await findFailedJobs(key, filter, deps)).map(({ failed }) => failed);

export const formatFailedJobs = (rows: readonly FailedJob[]): string =>
  renderTable(
    [
      { header: 'failed at', value: (r: FailedJob) => r.failedAt },
      { header: 'booking', value: (r) => r.bookingId },
      { header: 'job', value: (r) => r.jobId },
      { header: 'attempts', value: (r) => r.attempts, align: 'right' },
      { header: 'code', value: (r) => r.code },
      { header: 'step now', value: (r) => r.stepState },
      { header: 'message', value: (r) => r.message, maxWidth: 80 },
    ],
    rows,
  );
