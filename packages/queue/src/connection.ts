// The one place that builds ioredis connections.
import Redis from 'ioredis';
import type { RedisOptions } from 'ioredis';

export type ConnectionRole =
  /** Request paths (the intake API): fail fast while Redis is away, so a request gets 503, not a hang. */
  | 'producer'
  /** Workers: wait for Redis to come back; BullMQ requires maxRetriesPerRequest null. */
  | 'worker';

const reconnectDelay = (times: number): number => Math.min(times * 200, 2_000);

export const createRedisConnection = (url: string, role: ConnectionRole, name?: string): Redis => {
  const common: RedisOptions = {
    retryStrategy: reconnectDelay,
    connectionName: name,
  };
  const options: RedisOptions =
    role === 'producer'
      ? { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 }
      : { ...common, enableOfflineQueue: true, maxRetriesPerRequest: null };
  return new Redis(url, options);
};
