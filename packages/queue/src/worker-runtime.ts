// What every worker process needs: one Redis connection, the booking store, typed queues to hand work
// on, a step worker, and a graceful shutdown that closes them in the right order.
import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueueKey, StepName } from '@meetlink/events';
import { createLogger } from '@meetlink/observability';
import type { Logger } from '@meetlink/observability';
import { createRedisBookingStore } from '@meetlink/store';
import type { BookingStore } from '@meetlink/store';
import { createRedisConnection } from './connection';
import { createQueue, createWorker } from './queues';
import type { Processor, TypedQueue } from './queues';
import { installShutdown } from './shutdown';
import type { Closable } from './shutdown';
import { createStepWorker } from './step-worker';
import type { StepProcessor, StepWorkerOptions } from './step-worker';

export interface WorkerRuntimeConfig {
  name: string;
  REDIS_URL: string;
  REDIS_PREFIX: string;
  LOG_LEVEL: string;
  LOG_FORMAT?: 'json' | 'pretty' | undefined;
  SHUTDOWN_TIMEOUT_MS: number;
  WORKER_CONCURRENCY: number;
}

export interface WorkerRuntime {
  readonly connection: Redis;
  readonly store: BookingStore;
  readonly logger: Logger;
  /** A queue this worker hands work on to; closed on shutdown. */
  queue<Q extends QueueKey>(key: Q): TypedQueue<Q>;
  /** Starts a step worker; SIGTERM/SIGINT close it gracefully. */
  run<S extends StepName>(
    step: S,
    process: StepProcessor,
    hooks?: Pick<StepWorkerOptions<S>, 'next' | 'onFailed'>,
  ): Worker;
  /** Starts a plain worker on a queue that is not a pipeline step (reminders). */
  consume<Q extends QueueKey>(key: Q, processor: Processor<Q>): Worker;
}

export const createWorkerRuntime = (config: WorkerRuntimeConfig): WorkerRuntime => {
  const logger = createLogger({ name: config.name, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const connection = createRedisConnection(config.REDIS_URL, 'worker', config.name);
  connection.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));
  const store = createRedisBookingStore({ redis: connection, prefix: config.REDIS_PREFIX });
  const queues: TypedQueue<QueueKey>[] = [];
  const workers: { name: string; worker: Worker }[] = [];
  const context = { connection, prefix: config.REDIS_PREFIX, logger };

  // Evaluated at signal time: workers first (stop taking jobs, finish running ones), then the queues
  // they hand work to, then the connection.
  const closables: Closable[] = [];
  installShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, closables });
  const register = (name: string, worker: Worker): Worker => {
    worker.on('error', (error) => logger.error({ err: error }, 'worker error'));
    worker.on('ready', () =>
      logger.info({ queue: name, concurrency: config.WORKER_CONCURRENCY }, 'worker ready'),
    );
    workers.push({ name, worker });
    refreshClosables();
    return worker;
  };
  const refreshClosables = (): void => {
    closables.splice(
      0,
      closables.length,
      ...workers.map((w) => ({ name: `${w.name} worker`, close: () => w.worker.close() })),
      ...queues.map((queue) => ({ name: `${queue.key} queue`, close: () => queue.close() })),
      { name: 'redis', close: () => connection.quit() },
    );
  };

  return {
    connection,
    store,
    logger,
    queue: (key) => {
      const queue = createQueue(key, context);
      queues.push(queue);
      refreshClosables();
      return queue;
    },
    run: (step, process, hooks = {}) =>
      register(
        step,
        createStepWorker({
          step,
          store,
          process,
          ...hooks,
          ...context,
          concurrency: config.WORKER_CONCURRENCY,
        }),
      ),
    consume: (key, processor) =>
      register(key, createWorker(key, processor, { ...context, concurrency: config.WORKER_CONCURRENCY })),
  };
};
