// What every command works on: the pipeline's queues and booking store, on one Redis connection that
// fails fast (an operator waits seconds for "Redis is unreachable", not forever).
import type { RedisClient } from '@meetlink/redis';
import type { QueueKey } from '@meetlink/events';
import { createQueue } from '@meetlink/queue';
import type { TypedQueue } from '@meetlink/queue';
import { bookingRetentionOf, createRedisBookingStore } from '@meetlink/store';
import type { BookingStore } from '@meetlink/ports';
import type { Config } from './config';
import { createRedisConnection, describeRedisTarget, isCluster } from '@meetlink/redis';
import type { RedisTarget } from '@meetlink/redis';

export interface OpsDeps {
  store: BookingStore;
  /** The typed queue of `key` (made on first use). */
  queue<Q extends QueueKey>(key: Q): TypedQueue<Q>;
  now: () => number;
}

export interface OpsConnection extends OpsDeps {
  close(): Promise<void>;
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 3_000;

export class RedisUnreachableError extends Error {
  constructor(target: RedisTarget, timeoutMs: number, cause: Error | undefined) {
    super(
      `cannot reach Redis at ${describeRedisTarget(target)} within ${timeoutMs / 1000}s` +
        `${cause ? ` (${cause.message || cause.name})` : ''}; check ` +
        (isCluster(target) ? 'REDIS_CLUSTER_NODES' : 'REDIS_URL'),
    );
    this.name = 'RedisUnreachableError';
  }
}

const waitUntilReady = (redis: RedisClient, timeoutMs: number): Promise<Error | undefined> =>
  new Promise((resolve, reject) => {
    if (redis.status === 'ready') return resolve(undefined);
    let lastError: Error | undefined;
    const onError = (error: Error) => {
      lastError = error;
    };
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      redis.off('error', onError);
      reject(lastError ?? new Error('no answer'));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      redis.off('error', onError);
      resolve(undefined);
    };
    redis.once('ready', onReady);
    redis.on('error', onError);
  });

export interface ConnectOptions {
  connectTimeoutMs?: number | undefined;
  now?: () => number;
}

export const connectOps = async (
  config: Config,
  { connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS, now = Date.now }: ConnectOptions = {},
): Promise<OpsConnection> => {
  const target: RedisTarget = { url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES };
  const redis = createRedisConnection(target, 'producer', 'ops-cli');
  // Errors are reported by the command that meets them; ioredis would print each reconnect otherwise.
  redis.on('error', () => undefined);
  try {
    await waitUntilReady(redis, connectTimeoutMs);
  } catch (error) {
    redis.disconnect();
    throw new RedisUnreachableError(target, connectTimeoutMs, error as Error);
  }
  const context = { connection: redis, prefix: config.REDIS_PREFIX };
  const queues = new Map<QueueKey, TypedQueue<QueueKey>>();
  const queue = <Q extends QueueKey>(key: Q): TypedQueue<Q> => {
    const existing = queues.get(key) ?? createQueue(key, context);
    queues.set(key, existing);
    return existing as TypedQueue<Q>;
  };
  return {
    store: createRedisBookingStore({
      redis,
      prefix: config.REDIS_PREFIX,
      timeline: bookingRetentionOf(config.BOOKING_RETENTION_DAYS),
    }),
    queue,
    now,
    close: async () => {
      await Promise.allSettled([...queues.values()].map((q) => q.close()));
      await redis.quit().catch(() => redis.disconnect());
    },
  };
};
