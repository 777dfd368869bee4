// What every worker process needs: one Redis connection, the booking store, typed queues to hand work
// on, step workers that settle every failure visibly, and a graceful shutdown that closes them in order.
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueKey, StepName } from '@meetlink/events';
import { createLogger } from '@meetlink/observability';
import type { Logger } from '@meetlink/observability';
import type { BookingStore } from '@meetlink/ports';
import { createRedisConnection } from './connection';
import { createQueue, createWorker } from './queues';
import type { Processor, TypedQueue } from './queues';
import type { RetryTiming } from './retry-policy';
import { installShutdown } from './shutdown';
import type { Closable } from './shutdown';
import { createStepWorker, settleFailedJobs } from './step-worker';
import type { StepHooks, StepProcessor } from './step-worker';

export interface WorkerRuntimeConfig {
  name: string;
  REDIS_URL: string;
  REDIS_PREFIX: string;
  LOG_LEVEL: string;
  LOG_FORMAT?: 'json' | 'pretty' | undefined;
  SHUTDOWN_TIMEOUT_MS: number;
  WORKER_CONCURRENCY: number;
  RETRY_HORIZON_MS?: number | undefined;
  RETRY_MAX_BACKOFF_MS?: number | undefined;
}

/** How often a worker looks for jobs that BullMQ failed behind our back (stalled too often). */
const SETTLE_FAILED_EVERY_MS = 10_000;

export interface WorkerRuntime {
  readonly connection: Redis;
  readonly store: BookingStore;
  readonly logger: Logger;
  readonly retryTiming: RetryTiming;
  /** A queue this worker hands work on to; closed on shutdown. */
  queue<Q extends QueueKey>(key: Q): TypedQueue<Q>;
  /** Starts a step worker; SIGTERM/SIGINT close it gracefully. */
  run<S extends StepName>(step: S, process: StepProcessor, hooks?: StepHooks): Worker;
  /** Starts a plain worker on a queue that is not a pipeline step (reminders, meeting clean-up). */
  consume<Q extends QueueKey>(key: Q, processor: Processor<Q>): Worker;
}

export interface WorkerRuntimeDeps {
  /** The booking store on this runtime's connection (main.ts builds it: packages/store on Redis). */
  createStore: (redis: Redis, prefix: string) => BookingStore;
}

export const createWorkerRuntime = (
  config: WorkerRuntimeConfig,
  { createStore }: WorkerRuntimeDeps,
): WorkerRuntime => {
  const logger = createLogger({ name: config.name, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const connection = createRedisConnection(config.REDIS_URL, 'worker', config.name);
  connection.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));
  const store = createStore(connection, config.REDIS_PREFIX);
  const retryTiming: RetryTiming = {
    horizonMs: config.RETRY_HORIZON_MS,
    maxBackoffMs: config.RETRY_MAX_BACKOFF_MS,
  };
  const queues: TypedQueue<QueueKey>[] = [];
  const workers: { name: string; worker: Worker }[] = [];
  const timers: NodeJS.Timeout[] = [];
  const context = { connection, prefix: config.REDIS_PREFIX, logger, retryTiming };

  // Evaluated at signal time: timers and workers first (stop taking jobs, finish running ones), then
  // the queues they hand work to, then the connection.
  const closables: Closable[] = [];
  installShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, closables });
  const refreshClosables = (): void => {
    closables.splice(
      0,
      closables.length,
      {
        name: 'timers',
        close: () => {
          for (const timer of timers) clearInterval(timer);
          return Promise.resolve();
        },
      },
      ...workers.map((w) => ({ name: `${w.name} worker`, close: () => w.worker.close() })),
      ...queues.map((queue) => ({ name: `${queue.key} queue`, close: () => queue.close() })),
      { name: 'redis', close: () => connection.quit() },
    );
  };
  const register = (name: string, worker: Worker): Worker => {
    worker.on('error', (error) => logger.error({ err: error }, 'worker error'));
    worker.on('ready', () =>
      logger.info({ queue: name, concurrency: config.WORKER_CONCURRENCY }, 'worker ready'),
    );
    workers.push({ name, worker });
    refreshClosables();
    return worker;
  };
  const queue = <Q extends QueueKey>(key: Q): TypedQueue<Q> => {
    const created = createQueue(key, context);
    queues.push(created);
    refreshClosables();
    return created;
  };

  return {
    connection,
    store,
    logger,
    retryTiming,
    queue,
    run: (step, process, hooks = {}) => {
      const worker = register(
        step,
        createStepWorker({
          step,
          store,
          process,
          ...hooks,
          ...context,
          concurrency: config.WORKER_CONCURRENCY,
        }),
      );
      const own = queue(step);
      let isSettling = false;
      // The first pass reads the newest failed jobs; later ones only what failed since the pass
      // before last (one interval of overlap covers clocks that differ between processes).
      let finishedAfter: number | undefined;
      let previousPassAt: number | undefined;
      const timer = setInterval(() => {
        if (isSettling) return;
        isSettling = true;
        const passAt = Date.now();
        settleFailedJobs({ queue: own.queue, step, store, logger, ...hooks, finishedAfter })
          .then(() => {
            finishedAfter = previousPassAt;
            previousPassAt = passAt;
          })
          .catch((error: unknown) => logger.warn({ err: error, step }, 'settling failed jobs failed'))
          .finally(() => {
            isSettling = false;
          });
      }, SETTLE_FAILED_EVERY_MS);
      timer.unref();
      timers.push(timer);
      return worker;
    },
    consume: (key, processor) =>
      register(key, createWorker(key, processor, { ...context, concurrency: config.WORKER_CONCURRENCY })),
  };
};
