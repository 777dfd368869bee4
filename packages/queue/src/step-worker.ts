// Runs one pipeline step for a booking and keeps its checkpoint in the booking status:
// running → done | skipped, or pending (retry scheduled) | failed, with the last error. Each attempt's
// end (and what the step noted meanwhile) goes into the booking's timeline with that same write.
import type { Job, Queue, Worker } from 'bullmq';
import { DelayedError, UnrecoverableError } from 'bullmq';
import { PermanentError, summarizeError } from '@meetlink/errors';
import type { ErrorSummary } from '@meetlink/errors';
import { BookingJob } from '@meetlink/events';
import type {
  AttemptOutcome,
  BookingSnapshot,
  StepName,
  TimelineEntry,
  TimelineFact,
} from '@meetlink/events';
import type { Logger } from '@meetlink/observability';
import type { AttemptEnd, BookingStore } from '@meetlink/ports';
import { acquireLease } from './lease';
import type { Lease } from './lease';
import { classifyFailure, createWorker, rememberVerdict, retryPolicyFor } from './queues';
import type { WorkerContext } from './queues';
import { isPastHorizon } from './retry-policy';

export interface StepOutcome {
  state: 'done' | 'skipped';
  /** Said in the booking status: why it was skipped, or what was done. */
  detail?: string;
}

export interface StepContext {
  logger: Logger;
  job: Job;
  /** The booking's lease for this step: check it (or wrap writers with `fenced`) before each write. */
  lease: Pick<Lease, 'assertHeld' | 'fence'>;
  /**
   * Notes a fact for the booking's timeline (the calendar patch, a reminder scheduled), stamped now. It
   * is written with this attempt's end, in the same store call, whether the attempt succeeds or fails.
   */
  note: (fact: TimelineFact) => void;
}

/** A step's processor: converge the outside world to `snapshot`. It must be idempotent. */
export type StepProcessor = (snapshot: BookingSnapshot, context: StepContext) => Promise<StepOutcome>;

export interface StepHooks {
  /**
   * Hands the booking on once this step has settled for good: done, skipped, or failed for good
   * (later steps still have work: a confirmation goes out without a meeting).
   */
  next?: (snapshot: BookingSnapshot) => Promise<void>;
  /** Told when the step failed for good (horizon spent, permanent error, stalled): never silent. */
  onFailed?: (snapshot: BookingSnapshot, error: ErrorSummary) => Promise<void>;
  /** Told after a try failed and another is scheduled (the conference step lets the customer's email go ahead). */
  onPending?: (snapshot: BookingSnapshot) => Promise<void>;
}

export interface StepWorkerOptions<Q extends StepName> extends WorkerContext, StepHooks {
  step: Q;
  store: BookingStore;
  logger: Logger;
  process: StepProcessor;
  /** The lease's TTL; it is renewed every third of it while the step runs. */
  leaseTtlMs?: number;
}

export const STEP_LEASE_TTL_MS = 20_000;
/** A job whose booking's lease is busy comes back after about this long, without spending an attempt. */
export const BUSY_LEASE_RETRY_MS = 750;

export const stepLeaseKey = (prefix: string, bookingId: string, step: StepName): string =>
  `${prefix}:lock:{${bookingId}}:${step}`;

/** An attempt's end for the timeline; `startedAtMs` null when no run of this process started it. */
const attemptEnd = (
  outcome: AttemptOutcome,
  run: { startedAt: string | null; startedAtMs: number | null; finishedAtMs: number },
  detail: string | null,
  error: ErrorSummary | null,
  retryInMs?: number,
): AttemptEnd => ({
  startedAt: run.startedAt,
  finishedAt: new Date(run.finishedAtMs).toISOString(),
  durationMs: run.startedAtMs === null ? null : Math.max(0, run.finishedAtMs - run.startedAtMs),
  outcome,
  detail,
  error,
  ...(retryInMs === undefined ? {} : { retryInMs: Math.max(0, Math.round(retryInMs)) }),
});

/** Records a step as failed for good and runs the failure path: the notice, then the hand-on. */
const settleAsFailed = async (
  snapshot: BookingSnapshot,
  step: StepName,
  summary: ErrorSummary,
  {
    store,
    onFailed,
    next,
    log,
    ended,
    timeline = [],
  }: StepHooks & { store: BookingStore; log: Logger; ended: AttemptEnd; timeline?: TimelineEntry[] },
): Promise<void> => {
  await store.updateStep(
    snapshot.bookingId,
    snapshot.version,
    step,
    { state: 'failed', lastError: summary, detail: null, finishedAt: ended.finishedAt },
    { timeline, attemptEnded: ended },
  );
  if (onFailed) {
    await onFailed(snapshot, summary).catch((notifyError: unknown) =>
      log.error({ err: notifyError }, 'telling about a failed step failed too'),
    );
  }
  if (next) {
    await next(snapshot).catch((handOffError: unknown) =>
      log.error({ err: handOffError }, 'hand-off after a failed step failed too'),
    );
  }
};

export const createStepWorker = <Q extends StepName>({
  step,
  store,
  logger,
  process,
  next,
  onFailed,
  onPending,
  leaseTtlMs = STEP_LEASE_TTL_MS,
  ...context
}: StepWorkerOptions<Q>): Worker => {
  const now = context.now ?? Date.now;
  const iso = (): string => new Date(now()).toISOString();
  const policy = retryPolicyFor(step, context.retryTiming);

  const runStep = async (payload: BookingJob, job: Job, log: Logger, lease: Lease): Promise<void> => {
    const snapshot = await store.getSnapshot(payload.bookingId);
    if (!snapshot) {
      throw new PermanentError('booking_not_found', `booking ${payload.bookingId} has no stored snapshot`);
    }
    if (snapshot.version > payload.version) {
      // Level-triggered: the job for the newer version (queued when it was accepted) converges it.
      log.info({ jobVersion: payload.version, version: snapshot.version }, 'superseded by a newer version');
      return;
    }
    await lease.assertHeld();
    const startedAtMs = now();
    const startedAt = new Date(startedAtMs).toISOString();
    await store.updateStep(
      snapshot.bookingId,
      snapshot.version,
      step,
      { state: 'running', startedAt },
      { countAttempt: true },
    );
    const notes: TimelineEntry[] = [];
    const note = (fact: TimelineFact): void => {
      notes.push({ ...fact, at: iso() });
    };
    const run = () => ({ startedAt, startedAtMs, finishedAtMs: now() });
    try {
      const outcome = await process(snapshot, { logger: log, job, lease, note });
      await lease.assertHeld();
      // Hand on before recording done: a crash in between re-runs the job, and the deterministic
      // job ids make the second hand-off a no-op.
      await next?.(snapshot);
      const ended = attemptEnd(outcome.state, run(), outcome.detail ?? null, null);
      await store.updateStep(
        snapshot.bookingId,
        snapshot.version,
        step,
        {
          state: outcome.state,
          detail: outcome.detail ?? null,
          lastError: null,
          finishedAt: ended.finishedAt,
        },
        { timeline: notes, attemptEnded: ended },
      );
      log.info({ state: outcome.state, detail: outcome.detail }, 'step finished');
    } catch (error) {
      const summary = summarizeError(error);
      const verdict = classifyFailure(error, job, policy, now());
      rememberVerdict(error, verdict);
      log.warn({ err: error, code: summary.code, verdict: verdict.kind }, 'step failed');
      if (verdict.kind === 'final') {
        const why = verdict.reason === 'horizon' ? 'retry horizon spent' : null;
        const ended = attemptEnd('failed', run(), why, summary);
        await settleAsFailed(snapshot, step, summary, { store, onFailed, next, log, ended, timeline: notes });
      } else {
        const isDeferred = verdict.kind === 'defer';
        const waitMs = isDeferred ? verdict.waitMs : verdict.nextDelayMs;
        const detail = isDeferred
          ? `rate limited: waiting ${Math.ceil(waitMs / 1000)}s before trying again`
          : `retrying in ${Math.ceil(waitMs / 1000)}s`;
        await store.updateStep(
          snapshot.bookingId,
          snapshot.version,
          step,
          { state: 'pending', lastError: summary, detail, finishedAt: null },
          {
            timeline: notes,
            attemptEnded: attemptEnd(isDeferred ? 'deferred' : 'retrying', run(), detail, summary, waitMs),
          },
        );
        await onPending?.(snapshot).catch((pendingError: unknown) =>
          log.error({ err: pendingError }, 'hand-off while the step retries failed'),
        );
      }
      throw error;
    }
  };

  const worker = createWorker(
    step,
    async (payload, job, token) => {
      const log = logger.child({ bookingId: payload.bookingId, jobId: job.id, queue: step });
      // One run of a step per booking at a time, across processes, and the snapshot read inside the
      // lease: otherwise a job for an older version that read its snapshot just before a newer one
      // arrived could act after the newer job had converged (a meeting made for a canceled booking).
      const lease = await acquireLease(
        context.connection,
        stepLeaseKey(context.prefix, payload.bookingId, step),
        {
          ttlMs: leaseTtlMs,
          now,
        },
      );
      if (!lease) {
        if (!isPastHorizon(policy, job.timestamp, BUSY_LEASE_RETRY_MS, now())) {
          // Busy: come back shortly; moveToDelayed spends no attempt.
          await job.moveToDelayed(now() + BUSY_LEASE_RETRY_MS + Math.round(Math.random() * 500), token);
          throw new DelayedError();
        }
        const summary: ErrorSummary = {
          code: 'booking_locked',
          message: `the ${step} step of this booking stayed locked by another run for the whole retry horizon`,
          retryable: false,
        };
        const snapshot = await store.getSnapshot(payload.bookingId);
        if (snapshot && snapshot.version === payload.version) {
          const ended = attemptEnd(
            'failed',
            { startedAt: null, startedAtMs: null, finishedAtMs: now() },
            'never got the booking lease',
            summary,
          );
          await settleAsFailed(snapshot, step, summary, { store, onFailed, next, log, ended });
        }
        throw new UnrecoverableError(`${summary.code}: ${summary.message}`);
      }
      try {
        await runStep(payload, job, log, lease);
      } finally {
        await lease.release().catch((error: unknown) => log.warn({ err: error }, 'lease release failed'));
      }
    },
    context,
  );
  return worker;
};

const FINAL_STATES = new Set(['failed', 'done', 'skipped']);

/** Splits BullMQ's failedReason (`code: message`, as our workers write it) back into a summary. */
export const summarizeFailedReason = (reason: string | undefined): ErrorSummary => {
  const text = reason ?? 'the job failed without a reason';
  if (text.includes('stalled more than allowable limit')) {
    return {
      code: 'job_stalled',
      message: `the worker running it stopped (crashed or was killed) too many times: ${text}`,
      retryable: false,
    };
  }
  const match = /^([a-z][a-z0-9_]*): ([\s\S]*)$/.exec(text);
  return match
    ? { code: match[1]!, message: match[2]!, retryable: false }
    : { code: 'job_failed', message: text, retryable: false };
};

export interface SettleFailedJobsOptions extends StepHooks {
  queue: Queue;
  step: StepName;
  store: BookingStore;
  logger: Logger;
  /** How many of the newest failed jobs to look at. */
  limit?: number;
  /** Only jobs that failed after this (ms): a repeated pass reads what is new, not the same 100 again. */
  finishedAfter?: number;
  now?: () => number;
}

/**
 * Every way a job ends for good that our processor did not see (BullMQ failed it after it stalled too
 * often; its payload was bad) still ends the booking's step visibly: failed with a code, the notice,
 * the hand-on. Looks at the newest failed jobs and settles those whose step still says otherwise.
 */
export const settleFailedJobs = async ({
  queue,
  step,
  store,
  logger,
  limit = 100,
  finishedAfter,
  now = Date.now,
  ...hooks
}: SettleFailedJobsOptions): Promise<number> => {
  let settled = 0;
  for (const job of await queue.getFailed(0, limit - 1)) {
    // Newest first: the rest were read by an earlier pass.
    if (finishedAfter !== undefined && (job.finishedOn ?? 0) <= finishedAfter) break;
    const payload = BookingJob.safeParse(job.data);
    if (!payload.success) continue;
    const status = await store.getStatus(payload.data.bookingId);
    const checkpoint = status?.steps[step];
    if (!status || !checkpoint || checkpoint.version !== payload.data.version) continue;
    if (FINAL_STATES.has(checkpoint.state)) continue;
    const snapshot = await store.getSnapshot(payload.data.bookingId);
    if (!snapshot || snapshot.version !== payload.data.version) continue;
    const log = logger.child({ bookingId: snapshot.bookingId, jobId: job.id, queue: step });
    const summary = summarizeFailedReason(job.failedReason);
    log.warn({ code: summary.code }, 'step ended for good outside its processor');
    // When the run that stalled began is known; how long it ran before it stopped is not.
    const ended = attemptEnd(
      'failed',
      { startedAt: checkpoint.startedAt, startedAtMs: null, finishedAtMs: now() },
      null,
      summary,
    );
    await settleAsFailed(snapshot, step, summary, { ...hooks, store, log, ended });
    settled += 1;
  }
  return settled;
};
