// What every worker process needs: one Redis connection, the booking store, typed queues to hand work
// on, step workers that settle every failure visibly, its metrics and traces (and the ops port that
// serves them with its health), and a graceful shutdown that closes them in order.
import type { Queue, Worker } from 'bullmq';
import type { RedisClient, RedisNode } from '@meetlink/redis';
import type { BookingSnapshot, QueueKey, StepName } from '@meetlink/events';
import { createLogger, createMetrics, startTracing } from '@meetlink/observability';
import type { Logger, Metrics } from '@meetlink/observability';
import type { BookingStore } from '@meetlink/ports';
import { createRedisConnection } from '@meetlink/redis';
import { checkWorkerReadiness, startOpsServer } from './ops-server';
import type { OpsServer } from './ops-server';
import { queueJobCountsSource } from './queue-job-counts';
import { createQueue, createWorker } from './queues';
import type { Processor, TypedQueue } from './queues';
import type { RetryTiming } from './retry-policy';
import { closeAll, installShutdown } from './shutdown';
import type { Closable } from './shutdown';
import { createStepWorker, settleFailedJobs } from './step-worker';
import type { StepHooks, StepProcessor } from './step-worker';

export interface WorkerRuntimeConfig {
  name: string;
  REDIS_URL?: string | undefined;
  /** A Redis Cluster's nodes, instead of REDIS_URL. */
  REDIS_CLUSTER_NODES?: readonly RedisNode[] | undefined;
  REDIS_PREFIX: string;
  LOG_LEVEL: string;
  LOG_FORMAT?: 'json' | 'pretty' | undefined;
  SHUTDOWN_TIMEOUT_MS: number;
  WORKER_CONCURRENCY: number;
  RETRY_HORIZON_MS?: number | undefined;
  RETRY_MAX_BACKOFF_MS?: number | undefined;
  /** Serve /healthz, /readyz and /metrics on this port (0: any free one); unset: no ops server. */
  OPS_PORT?: number | undefined;
  OPS_HOST?: string | undefined;
  /** Export traces over OTLP/HTTP to this collector; unset: tracing off. */
  OTEL_EXPORTER_OTLP_ENDPOINT?: string | undefined;
  /** Jobs per WORKER_RATE_LIMIT_DURATION_MS on each queue, over all replicas; unset: no cap of ours. */
  WORKER_RATE_LIMIT_MAX?: number | undefined;
  WORKER_RATE_LIMIT_DURATION_MS?: number | undefined;
  /** A job's lock, and the stalled-job check's interval (default 30 s). */
  WORKER_LOCK_DURATION_MS?: number | undefined;
}

/** How often a worker looks for jobs that BullMQ failed behind our back (stalled too often). */
const SETTLE_FAILED_EVERY_MS = 10_000;

export interface WorkerRuntime {
  readonly connection: RedisClient;
  readonly store: BookingStore;
  readonly logger: Logger;
  readonly retryTiming: RetryTiming;
  /** This process's metrics: hand them to the instrumented vendor fetches (observeFetch). */
  readonly metrics: Metrics;
  /** The ops port's server, when OPS_PORT is set. */
  readonly ops: OpsServer | null;
  /** A queue this worker hands work on to; closed on shutdown. */
  queue<Q extends QueueKey>(key: Q): TypedQueue<Q>;
  /** Starts a step worker; SIGTERM/SIGINT close it gracefully. */
  run<S extends StepName>(step: S, process: StepProcessor, hooks?: StepHooks): Worker;
  /** Starts a plain worker on a queue that is not a pipeline step (reminders, meeting clean-up). */
  consume<Q extends QueueKey>(key: Q, processor: Processor<Q>): Worker;
  /** What SIGTERM does, without exiting: for tests that run a runtime in their own process. */
  close(): Promise<void>;
}

export interface WorkerRuntimeDeps {
  /** The booking store on this runtime's connection (main.ts builds it: packages/store on Redis). */
  createStore: (redis: RedisClient, prefix: string) => BookingStore;
  /** For tests: a registry of their own to read (default: a new one with the process metrics). */
  metrics?: Metrics;
}

/** Seconds from the event's acceptance at the intake (the snapshot's receivedAt) to now. */
const secondsSinceAccepted = (snapshot: BookingSnapshot, now: number): number | undefined => {
  const acceptedAt = Date.parse(snapshot.receivedAt);
  return Number.isNaN(acceptedAt) ? undefined : Math.max(0, (now - acceptedAt) / 1000);
};

export const createWorkerRuntime = (
  config: WorkerRuntimeConfig,
  { createStore, metrics = createMetrics() }: WorkerRuntimeDeps,
): WorkerRuntime => {
  const logger = createLogger({ name: config.name, level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  // Before any worker exists: the first job's span needs the provider in place.
  const tracing = startTracing({ serviceName: config.name, endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
  if (tracing.isEnabled)
    logger.info({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT }, 'tracing on (OTLP/HTTP)');
  const connection = createRedisConnection(
    { url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES },
    'worker',
    config.name,
  );
  connection.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));
  const store = createStore(connection, config.REDIS_PREFIX);
  const retryTiming: RetryTiming = {
    horizonMs: config.RETRY_HORIZON_MS,
    maxBackoffMs: config.RETRY_MAX_BACKOFF_MS,
  };
  const queues: TypedQueue<QueueKey>[] = [];
  const workers: { name: string; worker: Worker }[] = [];
  const timers: NodeJS.Timeout[] = [];
  const context = {
    connection,
    prefix: config.REDIS_PREFIX,
    logger,
    retryTiming,
    metrics,
    ...(config.WORKER_LOCK_DURATION_MS === undefined
      ? {}
      : { lockDurationMs: config.WORKER_LOCK_DURATION_MS }),
    ...(config.WORKER_RATE_LIMIT_MAX === undefined
      ? {}
      : {
          rateLimit: {
            max: config.WORKER_RATE_LIMIT_MAX,
            durationMs: config.WORKER_RATE_LIMIT_DURATION_MS ?? 1_000,
          },
        }),
  };
  // The queues this process consumes: each worker process reports its own in meetlink_queue_jobs.
  const consumed: Queue[] = [];
  metrics.addQueueJobsSource(queueJobCountsSource({ queues: () => consumed, connection }));
  let isShuttingDown = false;
  const ops =
    config.OPS_PORT === undefined
      ? null
      : startOpsServer({
          port: config.OPS_PORT,
          host: config.OPS_HOST,
          registry: metrics.registry,
          checkReadiness: async () =>
            isShuttingDown
              ? { isReady: false, reason: 'shutting_down' }
              : checkWorkerReadiness(connection, workers),
          logger,
        });

  // Evaluated at signal time: timers and workers first (stop taking jobs, finish running ones), then
  // the queues they hand work to, the spans still buffered, then the connection; the ops port last, so
  // /readyz answers 503 (workers stopped) while the workers drain.
  const closables: Closable[] = [];
  installShutdown({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, closables });
  const refreshClosables = (): void => {
    closables.splice(
      0,
      closables.length,
      {
        name: 'timers',
        close: () => {
          isShuttingDown = true;
          for (const timer of timers) clearInterval(timer);
          return Promise.resolve();
        },
      },
      ...workers.map((w) => ({ name: `${w.name} worker`, close: () => w.worker.close() })),
      ...queues.map((queue) => ({ name: `${queue.key} queue`, close: () => queue.close() })),
      { name: 'tracing', close: () => tracing.shutdown() },
      { name: 'redis', close: () => connection.quit() },
      ...(ops ? [{ name: 'ops server', close: () => ops.close() }] : []),
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
    metrics,
    ops,
    queue,
    run: (step, process, hooks = {}) => {
      // A step settles for good when its processor returns (done, skipped) or it fails for good.
      const observeSettled = (snapshot: BookingSnapshot): void => {
        const seconds = secondsSinceAccepted(snapshot, Date.now());
        if (seconds !== undefined) metrics.bookingLatency.observe({ step }, seconds);
      };
      const { onFailed } = hooks;
      // Also what the failed-job sweep below calls for a job BullMQ failed behind the processor's back.
      const settledHooks: StepHooks = {
        ...hooks,
        onFailed: async (snapshot, error) => {
          observeSettled(snapshot);
          await onFailed?.(snapshot, error);
        },
      };
      const worker = register(
        step,
        createStepWorker({
          step,
          store,
          process: async (snapshot, stepContext) => {
            const outcome = await process(snapshot, stepContext);
            observeSettled(snapshot);
            return outcome;
          },
          ...settledHooks,
          ...context,
          concurrency: config.WORKER_CONCURRENCY,
        }),
      );
      const own = queue(step);
      consumed.push(own.queue);
      let isSettling = false;
      // The first pass reads the newest failed jobs; later ones only what failed since the pass
      // before last (one interval of overlap covers clocks that differ between processes).
      let finishedAfter: number | undefined;
      let previousPassAt: number | undefined;
      const timer = setInterval(() => {
        if (isSettling) return;
        isSettling = true;
        const passAt = Date.now();
        settleFailedJobs({ queue: own.queue, step, store, logger, ...settledHooks, finishedAfter })
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
    consume: (key, processor) => {
      const worker = register(
        key,
        createWorker(key, processor, { ...context, concurrency: config.WORKER_CONCURRENCY }),
      );
      consumed.push(queue(key).queue);
      return worker;
    },
    close: async () => {
      await closeAll({ logger, timeoutMs: config.SHUTDOWN_TIMEOUT_MS, closables });
    },
  };
};
