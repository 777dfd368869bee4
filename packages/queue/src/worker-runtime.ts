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
import { createQueue } from './queues';
import type { TypedQueue } from './queues';
import { installShutdown } from './shutdown';
import type { Closable } from './shutdown';
import { createStepWorker } from './step-worker';
import type { StepProcessor } from './step-worker';

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
  /** Starts the step worker and installs the SIGTERM/SIGINT handler. */
  run<S extends StepName>(step: S, process: StepProcessor): Worker;
}

export const createWorkerRuntime = (config: WorkerRuntimeConfig): WorkerRuntime => {
  const logger = createLogger({ name: config.name, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const connection = createRedisConnection(config.REDIS_URL, 'worker', config.name);
  connection.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));
  const store = createRedisBookingStore({ redis: connection, prefix: config.REDIS_PREFIX });
  const queues: TypedQueue<QueueKey>[] = [];
  const context = { connection, prefix: config.REDIS_PREFIX, logger };
  return {
    connection,
    store,
    logger,
    queue: (key) => {
      const queue = createQueue(key, context);
      queues.push(queue);
      return queue;
    },
    run: (step, process) => {
      const worker = createStepWorker({
        step,
        store,
        process,
        ...context,
        concurrency: config.WORKER_CONCURRENCY,
      });
      worker.on('error', (error) => logger.error({ err: error }, 'worker error'));
      worker.on('ready', () =>
        logger.info({ queue: step, concurrency: config.WORKER_CONCURRENCY }, 'worker ready'),
      );
      const closables: Closable[] = [
        { name: `${step} worker`, close: () => worker.close() },
        ...queues.map((queue) => ({ name: `${queue.key} queue`, close: () => queue.close() })),
        { name: 'redis', close: () => connection.quit() },
      ];
      installShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, closables });
      return worker;
    },
  };
};
