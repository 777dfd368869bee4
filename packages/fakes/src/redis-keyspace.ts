// A fresh Redis key prefix per test file, and the clean-up that leaves the test Redis as it was.
import { randomUUID } from 'node:crypto';

/** The few Redis commands the clean-up needs (an ioredis client has them). */
export interface RedisKeyspace {
  keys(pattern: string): Promise<string[]>;
  del(...keys: string[]): Promise<number>;
  quit(): Promise<unknown>;
}

/** A queue as @meetlink/queue's createQueue returns it, as far as the clean-up needs it. */
export interface ClosableQueue {
  queue: { obliterate(options: { force: boolean }): Promise<void> };
  close(): Promise<void>;
}

/** `<tag>` and 8 random hex digits: a key prefix no other test run shares. */
export const freshRedisPrefix = (tag: string): string => `${tag}${randomUUID().slice(0, 8)}`;

/** Deletes every key under `<prefix>:`. */
export const deleteRedisKeys = async (
  redis: Pick<RedisKeyspace, 'keys' | 'del'>,
  prefix: string,
): Promise<void> => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
};

/**
 * The end of a test file that used a prefix: obliterates and closes its queues (in order), deletes
 * every key under the prefix and quits the connection.
 */
export const cleanUpRedisPrefix = async ({
  redis,
  prefix,
  queues = [],
}: {
  redis: RedisKeyspace;
  prefix: string;
  queues?: readonly ClosableQueue[];
}): Promise<void> => {
  for (const queue of queues) {
    await queue.queue.obliterate({ force: true });
    await queue.close();
  }
  await deleteRedisKeys(redis, prefix);
  await redis.quit();
};
