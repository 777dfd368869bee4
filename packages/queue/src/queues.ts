// Typed queues and workers built from the job catalog in @meetlink/events.
import { DelayedError, Queue, UnrecoverableError, Worker } from 'bullmq';
import type { Job, JobsOptions, WorkerOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '@meetlink/observability';
import { PermanentError, RetryableError } from '@meetlink/errors';
import { jobCatalog } from '@meetlink/events';
import type { JobPayload, QueueKey } from '@meetlink/events';
import { BACKOFF_TYPE, computeBackoffMs } from './retry-policy';

export interface QueueContext {
  connection: Redis;
  /** BullMQ key prefix; tests give each run its own. */
  prefix: string;
  /** Where connection errors go (BullMQ prints them to the console otherwise). */
  logger?: Logger;
}

export const defaultJobOptions = (key: QueueKey): JobsOptions => ({
  attempts: jobCatalog[key].retry.attempts,
  backoff: { type: BACKOFF_TYPE },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 14 * 24 * 3600, count: 50_000 },
});

export interface TypedQueue<Q extends QueueKey> {
  readonly key: Q;
  readonly queue: Queue;
  /** Adds the job under its deterministic id: adding the same booking version twice is a no-op. */
  add(payload: JobPayload<Q>, options?: JobsOptions): Promise<Job>;
  close(): Promise<void>;
}

export const createQueue = <Q extends QueueKey>(
  key: Q,
  { connection, prefix, logger }: QueueContext,
): TypedQueue<Q> => {
  const entry = jobCatalog[key];
  const queue = new Queue(entry.queue, { connection, prefix, defaultJobOptions: defaultJobOptions(key) });
  queue.on('error', (error) => logger?.warn({ queue: entry.queue, err: error.message }, 'queue error'));
  return {
    key,
    queue,
    add: (payload, options) => {
      const data = entry.payload.parse(payload);
      const jobId = (entry.jobId as (payload: JobPayload<Q>) => string)(data as JobPayload<Q>);
      return queue.add(entry.jobName, data, { jobId, ...options });
    },
    close: () => queue.close(),
  };
};

/**
 * Added to every Retry-After we wait out: BullMQ's limiter and timers can wake a few milliseconds
 * early, and the provider's clock is not ours, so coming back exactly on time can still be too soon.
 */
export const RETRY_AFTER_MARGIN_MS = 250;

/** After this many rate-limit deferrals a job's rate limits count as failed attempts again. */
export const MAX_RATE_LIMIT_DEFERRALS = 50;

/**
 * Whether `error` is a rate limit this job should wait out without spending an attempt: a provider-wide
 * limit pauses the whole queue (BullMQ rate limiting), a per-subject one (Zoom's daily per-host cap)
 * delays only this job. BullMQ does not count either as an attempt, so we cap them ourselves.
 */
export const isRateLimitDeferral = (error: unknown, job: Job): error is RetryableError =>
  error instanceof RetryableError &&
  error.details.rateLimitScope !== undefined &&
  (error.details.retryAfterMs ?? 0) > 0 &&
  job.attemptsStarted - job.attemptsMade <= MAX_RATE_LIMIT_DEFERRALS;

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
  /** Lock duration; a job whose worker stops renewing it is taken over (stalled) after this. */
  lockDurationMs?: number;
  workerOptions?: Partial<WorkerOptions>;
}

/**
 * A worker for queue `key`: the payload is parsed with the catalog's schema (a bad payload can never
 * succeed, so it is unrecoverable), PermanentError skips the remaining attempts, and backoff follows
 * the catalog's retry policy.
 */
export const createWorker = <Q extends QueueKey>(
  key: Q,
  processor: Processor<Q>,
  { connection, prefix, concurrency = 5, lockDurationMs = 30_000, workerOptions }: WorkerContext,
): Worker => {
  const entry = jobCatalog[key];
  const worker: Worker = new Worker(
    entry.queue,
    async (job: Job, token?: string) => {
      const parsed = entry.payload.safeParse(job.data);
      if (!parsed.success) {
        throw new UnrecoverableError(`invalid_job_payload: ${parsed.error.message}`);
      }
      try {
        await processor(parsed.data as JobPayload<Q>, job, token);
      } catch (error) {
        if (isRateLimitDeferral(error, job)) {
          const waitMs = (error.details.retryAfterMs ?? 0) + RETRY_AFTER_MARGIN_MS;
          if (error.details.rateLimitScope === 'provider') {
            await worker.rateLimit(waitMs);
            throw Worker.RateLimitError();
          }
          await job.moveToDelayed(Date.now() + waitMs, token);
          throw new DelayedError();
        }
        if (error instanceof PermanentError) {
          throw Object.assign(new UnrecoverableError(`${error.code}: ${error.message}`), { cause: error });
        }
        throw error;
      }
    },
    {
      connection,
      prefix,
      concurrency,
      lockDuration: lockDurationMs,
      // A limiter must be configured for worker.rateLimit() to hold the queue back; this one is
      // generous (vendors' own limits are waited out through rateLimit when they answer 429).
      limiter: { max: 100, duration: 1_000 },
      settings: {
        backoffStrategy: (attemptsMade: number, _type?: string, error?: Error) =>
          computeBackoffMs(entry.retry, attemptsMade, error),
      },
      ...workerOptions,
    },
  );
  return worker;
};
