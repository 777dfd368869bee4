// Typed queues and workers built from the job catalog in @meetlink/events.
import { DelayedError, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Job, JobsOptions, WorkerOptions } from 'bullmq';
import type { RedisClient } from '@meetlink/redis';
import { injectTraceContext, isTracingEnabled, secondsSince, withSpan } from '@meetlink/observability';
import type { JobOutcome, Logger, Metrics, TraceSpan } from '@meetlink/observability';
import { PermanentError, RetryableError, summarizeError } from '@meetlink/errors';
import { jobCatalog, UNLIMITED_ATTEMPTS } from '@meetlink/events';
import type { JobPayload, QueueKey, RetryPolicy } from '@meetlink/events';
import { applyRetryTiming, BACKOFF_TYPE, computeBackoffMs, isPastHorizon } from './retry-policy';
import type { RetryTiming } from './retry-policy';

export interface QueueContext {
  connection: RedisClient;
  /** BullMQ key prefix; tests give each run its own. */
  prefix: string;
  /** Where connection errors go (BullMQ prints them to the console otherwise). */
  logger?: Logger;
}

/**
 * BullMQ's key prefix for one queue: the queue's name as a hash tag, so that all its keys (and every
 * script BullMQ runs on them) share one Redis Cluster slot, while the queues spread over the nodes.
 * Keys read `<prefix>:{<queue>}:<queue>:<what>`.
 */
export const queueKeyPrefix = (prefix: string, queueName: string): string => `${prefix}:{${queueName}}`;

/** Failed jobs stay (for ops to read and re-drive) well past the longest retry horizon. */
const FAILED_RETENTION_S = 14 * 24 * 3600;

export const defaultJobOptions = (_key: QueueKey): JobsOptions => ({
  // The horizon in time ends a job (see classifyFailure); BullMQ's attempt count never does.
  attempts: UNLIMITED_ATTEMPTS,
  backoff: { type: BACKOFF_TYPE },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: FAILED_RETENTION_S, count: 50_000 },
});

export interface TypedQueue<Q extends QueueKey> {
  readonly key: Q;
  readonly queue: Queue;
  /**
   * Adds the job under its deterministic id: adding the same booking version twice is a no-op. While
   * tracing is on, the active span's context goes into the job's `trace`, so the job's span is its child.
   */
  add(payload: JobPayload<Q>, options?: JobsOptions): Promise<Job>;
  close(): Promise<void>;
}

export const createQueue = <Q extends QueueKey>(
  key: Q,
  { connection, prefix, logger }: QueueContext,
): TypedQueue<Q> => {
  const entry = jobCatalog[key];
  const queue = new Queue(entry.queue, {
    connection,
    prefix: queueKeyPrefix(prefix, entry.queue),
    defaultJobOptions: defaultJobOptions(key),
  });
  queue.on('error', (error) => logger?.warn({ queue: entry.queue, err: error.message }, 'queue error'));
  return {
    key,
    queue,
    add: (payload, options) => {
      const data = entry.payload.parse(payload);
      const jobId = (entry.jobId as (payload: JobPayload<Q>) => string)(data as JobPayload<Q>);
      const trace = injectTraceContext();
      return queue.add(entry.jobName, trace ? { ...data, trace } : data, { jobId, ...options });
    },
    close: () => queue.close(),
  };
};

/**
 * Added to every Retry-After we wait out: BullMQ's limiter and timers can wake a few milliseconds
 * early, and the provider's clock is not ours, so coming back exactly on time can still be too soon.
 */
export const RETRY_AFTER_MARGIN_MS = 250;

/** After this many rate-limit deferrals in a row a job's rate limits are retried with backoff instead. */
export const MAX_RATE_LIMIT_DEFERRALS = 50;

/**
 * Whether `error` is a rate limit this job should wait out without spending an attempt: a provider-wide
 * limit pauses the whole queue (BullMQ rate limiting), a per-subject one (Zoom's daily per-host cap)
 * delays only this job. BullMQ does not count either as an attempt, so we cap them ourselves. A
 * Retry-After of 0 (or a date already past) is still a rate limit: it waits the margin, not an attempt.
 */
export const isRateLimitDeferral = (error: unknown, job: Job): error is RetryableError =>
  error instanceof RetryableError &&
  error.details.rateLimitScope !== undefined &&
  (error.details.retryAfterMs ?? -1) >= 0 &&
  job.attemptsStarted - job.attemptsMade <= MAX_RATE_LIMIT_DEFERRALS;

export type FailureVerdict =
  /** Wait `waitMs` without spending an attempt (a rate limit). */
  | { kind: 'defer'; waitMs: number; scope: 'provider' | 'subject' }
  /** Try again after the policy's backoff. */
  | { kind: 'retry'; nextDelayMs: number }
  /** Ends for good: a permanent error, or the next try would fall past the retry horizon. */
  | { kind: 'final'; reason: 'permanent' | 'horizon' };

const decided = new WeakMap<object, FailureVerdict>();

/**
 * Keeps the verdict a step worker already recorded in the booking status with its error, so the
 * queue worker acts on that same decision: deciding twice (another clock reading, other jitter)
 * could record "retrying" and then fail the job at the horizon's edge, or the other way round.
 */
export const rememberVerdict = (error: unknown, verdict: FailureVerdict): void => {
  if (typeof error === 'object' && error !== null) decided.set(error, verdict);
};

/** What becomes of a job whose try failed with `error`: one decision, used by every worker. */
export const classifyFailure = (
  error: unknown,
  job: Pick<Job, 'attemptsMade' | 'attemptsStarted' | 'timestamp'>,
  policy: RetryPolicy,
  now: number,
): FailureVerdict => {
  if (error instanceof PermanentError || error instanceof UnrecoverableError) {
    return { kind: 'final', reason: 'permanent' };
  }
  if (!(error instanceof RetryableError) && error instanceof Error && error.name === 'ZodError') {
    return { kind: 'final', reason: 'permanent' };
  }
  if (isRateLimitDeferral(error, job as Job)) {
    const waitMs = (error.details.retryAfterMs ?? 0) + RETRY_AFTER_MARGIN_MS;
    if (isPastHorizon(policy, job.timestamp, waitMs, now)) return { kind: 'final', reason: 'horizon' };
    return { kind: 'defer', waitMs, scope: error.details.rateLimitScope ?? 'subject' };
  }
  const nextDelayMs = computeBackoffMs(policy, job.attemptsMade + 1, error);
  if (isPastHorizon(policy, job.timestamp, nextDelayMs, now)) return { kind: 'final', reason: 'horizon' };
  return { kind: 'retry', nextDelayMs };
};

export type Processor<Q extends QueueKey> = (
  payload: JobPayload<Q>,
  job: Job,
  token?: string,
) => Promise<void>;

/** Puts the running job back to sleep until `timestamp` without spending an attempt. */
export const deferJob = async (job: Job, token: string | undefined, timestamp: number): Promise<never> => {
  await job.moveToDelayed(timestamp, token);
  throw new DelayedError();
};

export interface WorkerContext extends QueueContext {
  concurrency?: number;
  /** RETRY_HORIZON_MS / RETRY_MAX_BACKOFF_MS over the catalog's policy. */
  retryTiming?: RetryTiming;
  now?: () => number;
  /** Lock duration; a job whose worker stops renewing it is taken over (stalled) after this. */
  lockDurationMs?: number;
  /** At most `max` jobs start per `durationMs` on this queue, over every worker of it; absent: no cap. */
  rateLimit?: { max: number; durationMs: number };
  workerOptions?: Partial<WorkerOptions>;
  /** Where each try's outcome, duration and rate-limit wait is counted; absent: nowhere. */
  metrics?: Pick<Metrics, 'jobs' | 'jobDuration' | 'rateLimitWaits'> | undefined;
}

/** Where a job's stall count ends it: high, so that a crash loop of a few restarts never fails a job. */
export const MAX_STALLED_COUNT = 10;

/** How a try ended, from what the processor wrapper below let through to BullMQ. */
const outcomeOf = (error: unknown): JobOutcome =>
  error instanceof DelayedError ||
  (error instanceof Error && error.message === Worker.RateLimitError().message)
    ? 'deferred'
    : error instanceof UnrecoverableError
      ? 'failed'
      : 'retried';

/** Our error codes start with the vendor (`zoom_rate_limited`, `calendar_rate_limited`): a bounded label. */
const RATE_LIMITED_PROVIDERS = new Set(['zoom', 'calendar', 'google', 'microsoft', 'smtp']);
export const providerOfCode = (code: string): string => {
  const stem = code.split('_', 1)[0] ?? '';
  return RATE_LIMITED_PROVIDERS.has(stem) ? stem : 'other';
};

/** A failed try's error code for its span: ours, or the one an UnrecoverableError we threw wraps. */
const codeOf = (error: unknown): string => {
  const cause = error instanceof UnrecoverableError ? (error.cause ?? error) : error;
  if (cause instanceof UnrecoverableError)
    return /^([a-z][a-z0-9_]*):/.exec(cause.message)?.[1] ?? 'job_failed';
  return summarizeError(cause).code;
};

/** The catalog's retry policy for `key` with this worker's timing overrides. */
export const retryPolicyFor = (key: QueueKey, timing?: RetryTiming): RetryPolicy =>
  applyRetryTiming(jobCatalog[key].retry, timing);

/**
 * A worker for queue `key`: the payload is parsed with the catalog's schema (a bad payload can never
 * succeed, so it is unrecoverable), PermanentError and a spent retry horizon end the job, rate limits
 * wait without spending an attempt, and backoff follows the catalog's retry policy.
 */
export const createWorker = <Q extends QueueKey>(
  key: Q,
  processor: Processor<Q>,
  {
    connection,
    prefix,
    concurrency = 5,
    lockDurationMs = 30_000,
    rateLimit,
    workerOptions,
    retryTiming,
    now = Date.now,
    metrics,
  }: WorkerContext,
): Worker => {
  const entry = jobCatalog[key];
  const policy = retryPolicyFor(key, retryTiming);
  const queueName = entry.queue;

  const attempt = async (job: Job, token: string | undefined): Promise<void> => {
    const parsed = entry.payload.safeParse(job.data);
    if (!parsed.success) {
      throw new UnrecoverableError(`invalid_job_payload: ${parsed.error.message}`);
    }
    try {
      await processor(parsed.data as JobPayload<Q>, job, token);
    } catch (error) {
      if (error instanceof DelayedError || error instanceof UnrecoverableError) throw error;
      if (error instanceof Error && error.message === Worker.RateLimitError().message) throw error;
      const verdict =
        (typeof error === 'object' && error !== null ? decided.get(error) : undefined) ??
        classifyFailure(error, job, policy, now());
      if (verdict.kind === 'defer') {
        if (error instanceof RetryableError) {
          metrics?.rateLimitWaits.inc({ provider: providerOfCode(error.code), scope: verdict.scope });
        }
        if (verdict.scope === 'provider') {
          await worker.rateLimit(verdict.waitMs);
          throw Worker.RateLimitError();
        }
        await job.moveToDelayed(now() + verdict.waitMs, token);
        throw new DelayedError();
      }
      if (verdict.kind === 'final') {
        const summary =
          error instanceof PermanentError || error instanceof RetryableError
            ? `${error.code}: ${error.message}`
            : `${(error as Error)?.name ?? 'Error'}: ${(error as Error)?.message ?? String(error)}`;
        const why = verdict.reason === 'horizon' ? ' (retry horizon spent)' : '';
        throw Object.assign(new UnrecoverableError(`${summary}${why}`), { cause: error });
      }
      throw error;
    }
  };

  /** One try, counted by outcome (and timed unless it only went back to wait). */
  const measured = async (job: Job, token: string | undefined, span?: TraceSpan): Promise<void> => {
    const startedAt = performance.now();
    let outcome: JobOutcome = 'completed';
    try {
      await attempt(job, token);
    } catch (error) {
      outcome = outcomeOf(error);
      if (span && outcome !== 'deferred') span.fail(codeOf(error));
      throw error;
    } finally {
      metrics?.jobs.inc({ queue: queueName, outcome });
      if (outcome !== 'deferred') metrics?.jobDuration.observe({ queue: queueName }, secondsSince(startedAt));
      span?.setAttribute('meetlink.job.outcome', outcome);
    }
  };

  const worker: Worker = new Worker(
    queueName,
    async (job: Job, token?: string) => {
      if (!isTracingEnabled()) return measured(job, token);
      const data = (typeof job.data === 'object' && job.data !== null ? job.data : {}) as {
        trace?: unknown;
        bookingId?: unknown;
      };
      // The job's span continues the trace of whoever queued it (the intake's request, the step
      // before); a job queued while tracing was off starts a trace of its own.
      return withSpan(
        `process ${queueName}`,
        {
          kind: 'consumer',
          parent: data.trace ?? null,
          isFailure: (error) => outcomeOf(error) !== 'deferred',
          attributes: {
            'messaging.system': 'bullmq',
            'messaging.operation.type': 'process',
            'messaging.destination.name': queueName,
            'messaging.message.id': job.id ?? '',
            'meetlink.job.attempt': job.attemptsStarted,
            ...(typeof data.bookingId === 'string' ? { 'meetlink.booking.id': data.bookingId } : {}),
          },
        },
        (span) => measured(job, token, span),
      );
    },
    {
      connection,
      prefix: queueKeyPrefix(prefix, queueName),
      concurrency,
      lockDuration: lockDurationMs,
      // Stalled jobs (their worker died) are looked for as often as a lock would expire.
      stalledInterval: lockDurationMs,
      maxStalledCount: MAX_STALLED_COUNT,
      // A limiter must be configured for worker.rateLimit() to hold the queue back (a provider-wide
      // 429). Without a configured rate it caps nothing: vendors' own limits are waited out.
      limiter: rateLimit
        ? { max: rateLimit.max, duration: rateLimit.durationMs }
        : { max: Number.MAX_SAFE_INTEGER, duration: 1_000 },
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) =>
          computeBackoffMs(policy, attemptsMade, error),
      },
      ...workerOptions,
    },
  );
  return worker;
};
