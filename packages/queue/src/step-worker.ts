// Runs one pipeline step for a booking and keeps its checkpoint in the booking status:
// running → done | skipped, or pending (retry scheduled) | failed, with the last error.
import type { Job, Worker } from 'bullmq';
import { PermanentError, RetryableError, summarizeError } from '@meetlink/errors';
import type { ErrorSummary } from '@meetlink/errors';
import type { BookingJob, BookingSnapshot, StepName } from '@meetlink/events';
import type { Logger } from '@meetlink/observability';
import { tryLock } from '@meetlink/store';
import type { BookingStore } from '@meetlink/store';
import { createWorker, isRateLimitDeferral } from './queues';
import type { WorkerContext } from './queues';

export interface StepOutcome {
  state: 'done' | 'skipped';
  /** Said in the booking status: why it was skipped, or what was done. */
  detail?: string;
}

export interface StepContext {
  logger: Logger;
  job: Job;
}

/** A step's processor: converge the outside world to `snapshot`. It must be idempotent. */
export type StepProcessor = (snapshot: BookingSnapshot, context: StepContext) => Promise<StepOutcome>;

export interface StepWorkerOptions<Q extends StepName> extends WorkerContext {
  step: Q;
  store: BookingStore;
  logger: Logger;
  process: StepProcessor;
  /**
   * Hands the booking on once this step has settled for good: done, skipped, or failed with no
   * attempts left (later steps still have work: a confirmation goes out without a meeting).
   */
  next?: (snapshot: BookingSnapshot) => Promise<void>;
  /** Told when the step failed for good (no attempts left, or a permanent error): never silent. */
  onFailed?: (snapshot: BookingSnapshot, error: ErrorSummary) => Promise<void>;
  now?: () => Date;
}

/** Long enough for a step's slowest vendor calls; a dead holder's lock expires by itself. */
const STEP_LOCK_TTL_MS = 60_000;
const STEP_LOCK_WAIT_MS = 5_000;

export const createStepWorker = <Q extends StepName>({
  step,
  store,
  logger,
  process,
  next,
  onFailed,
  now = () => new Date(),
  ...context
}: StepWorkerOptions<Q>): Worker => {
  const runStep = async (payload: BookingJob, job: Job, log: Logger): Promise<void> => {
    const snapshot = await store.getSnapshot(payload.bookingId);
    if (!snapshot) {
      throw new PermanentError('booking_not_found', `booking ${payload.bookingId} has no stored snapshot`);
    }
    if (snapshot.version > payload.version) {
      // Level-triggered: the job for the newer version (queued when it was accepted) converges it.
      log.info({ jobVersion: payload.version, version: snapshot.version }, 'superseded by a newer version');
      return;
    }
    await store.updateStep(
      snapshot.bookingId,
      snapshot.version,
      step,
      { state: 'running', startedAt: now().toISOString() },
      { countAttempt: true },
    );
    try {
      const outcome = await process(snapshot, { logger: log, job });
      // Hand on before recording done: a crash in between re-runs the job, and the deterministic
      // job ids make the second hand-off a no-op.
      await next?.(snapshot);
      await store.updateStep(snapshot.bookingId, snapshot.version, step, {
        state: outcome.state,
        detail: outcome.detail ?? null,
        lastError: null,
        finishedAt: now().toISOString(),
      });
      log.info({ state: outcome.state, detail: outcome.detail }, 'step finished');
    } catch (error) {
      const summary = summarizeError(error);
      const isDeferred = isRateLimitDeferral(error, job);
      const isFinal = !isDeferred && (!summary.retryable || job.attemptsMade + 1 >= (job.opts.attempts ?? 1));
      await store.updateStep(snapshot.bookingId, snapshot.version, step, {
        state: isFinal ? 'failed' : 'pending',
        lastError: summary,
        detail: isDeferred
          ? `rate limited: waiting ${Math.ceil((error.details.retryAfterMs ?? 0) / 1000)}s before trying again`
          : null,
        finishedAt: isFinal ? now().toISOString() : null,
      });
      log.warn({ err: error, code: summary.code, isFinal }, 'step failed');
      if (isFinal && onFailed) {
        await onFailed(snapshot, summary).catch((notifyError: unknown) =>
          log.error({ err: notifyError }, 'telling about a failed step failed too'),
        );
      }
      if (isFinal && next) {
        await next(snapshot).catch((handOffError: unknown) =>
          log.error({ err: handOffError }, 'hand-off after a failed step failed too'),
        );
      }
      throw error;
    }
  };

  return createWorker(
    step,
    async (payload, job) => {
      const log = logger.child({ bookingId: payload.bookingId, jobId: job.id, queue: step });
      // One run of a step per booking at a time, across processes, and the snapshot read inside the
      // lock: otherwise a job for an older version that read its snapshot just before a newer one
      // arrived could act after the newer job had converged (a meeting made for a canceled booking).
      const lock = await tryLock(
        context.connection,
        `${context.prefix}:lock:{${payload.bookingId}}:${step}`,
        {
          ttlMs: STEP_LOCK_TTL_MS,
          waitMs: STEP_LOCK_WAIT_MS,
        },
      );
      if (!lock) {
        throw new RetryableError(
          'booking_locked',
          `another worker is running the ${step} step of this booking`,
        );
      }
      try {
        await runStep(payload, job, log);
      } finally {
        await lock.release();
      }
    },
    context,
  );
};
