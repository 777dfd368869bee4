// `retry <queue> [--code CODE]`: once the cause is fixed, runs the failed jobs again, oldest first.
import type { QueueKey } from '@meetlink/events';
import { redriveFailedJob } from '@meetlink/queue';
import type { OpsDeps } from './connect-ops';
import { findFailedJobs } from './list-failed-jobs';
import { renderTable } from './render-table';

export interface RetriedJob {
  queue: string;
  jobId: string;
  bookingId: string | null;
  /** The code it had failed with. */
  code: string;
  /** `retried`; `not_failed` (someone else moved it meanwhile); `invalid_payload` (it can never run). */
  outcome: 'retried' | 'not_failed' | 'invalid_payload';
}

/**
 * Each job is queued afresh under its own id (see redriveFailedJob): a whole retry horizon again, so a
 * job that ended after a day of outage is not failed at its first new error. A step job runs its step
 * again for the version it names; one a newer version superseded finishes at once without acting.
 */
export const retryFailedJobs = async (
  key: QueueKey,
  { code }: { code?: string | undefined },
  deps: Pick<OpsDeps, 'queue' | 'store'>,
): Promise<RetriedJob[]> => {
  const found = await findFailedJobs(key, { code }, deps);
  const queue = deps.queue(key);
  const retried: RetriedJob[] = [];
  // Oldest first: the order they were first queued in.
  for (const { job, failed } of found.reverse()) {
    const outcome = await redriveFailedJob(queue, job);
    retried.push({
      queue: failed.queue,
      jobId: failed.jobId,
      bookingId: failed.bookingId,
      code: failed.code,
      outcome: outcome.kind,
    });
  }
  return retried;
};

export const formatRetriedJobs = (rows: readonly RetriedJob[], code: string | undefined): string =>
  rows.length === 0
    ? `nothing to retry: no failed jobs${code ? ` with code ${code}` : ''}`
    : `${renderTable(
        [
          { header: 'booking', value: (r: RetriedJob) => r.bookingId },
          { header: 'job', value: (r) => r.jobId },
          { header: 'code', value: (r) => r.code },
          { header: 'outcome', value: (r) => r.outcome },
        ],
        rows,
      )}\n${rows.filter((r) => r.outcome === 'retried').length} of ${rows.length} retried`;
