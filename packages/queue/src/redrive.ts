// Re-runs a job that failed for good, once its cause is fixed (the ops CLI's `retry`).
import type { Job } from 'bullmq';
import { jobCatalog } from '@meetlink/events';
import type { JobPayload, QueueKey } from '@meetlink/events';
import type { TypedQueue } from './queues';

export type RedriveOutcome =
  /** Queued again: a fresh job under the same id. */
  | { kind: 'retried'; job: Job }
  /** Someone else moved it meanwhile (retried, removed): left as it is. */
  | { kind: 'not_failed'; state: string }
  /** Its payload does not parse, so it could never run: it stays failed. */
  | { kind: 'invalid_payload'; message: string };

/**
 * BullMQ's own `job.retry()` puts a failed job back with its original timestamp, and the retry horizon
 * counts from that timestamp (classifyFailure, the step worker's busy lease): a job that ended because
 * the horizon was spent would end for good again at its first transient error, however long ago the
 * cause was fixed. So a redrive removes the failed job and adds it afresh under the same id: a new
 * timestamp (a whole horizon again), attempts from zero, and the deterministic id kept, so a hand-on of
 * the same job meanwhile still adds nothing twice. Should Redis go away between the remove and the
 * add, the job is gone but the booking's status still says failed with its code: `replay` re-runs it.
 */
export const redriveFailedJob = async <Q extends QueueKey>(
  queue: TypedQueue<Q>,
  job: Job,
): Promise<RedriveOutcome> => {
  const payload = jobCatalog[queue.key].payload.safeParse(job.data);
  if (!payload.success) return { kind: 'invalid_payload', message: payload.error.message };
  const state = await job.getState();
  if (state !== 'failed' || job.id === undefined) return { kind: 'not_failed', state };
  await job.remove();
  const added = await queue.add(payload.data as JobPayload<Q>, { jobId: job.id });
  return { kind: 'retried', job: added };
};
