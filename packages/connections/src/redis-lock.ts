// A lock across processes: SET NX PX with a random token, released only by its holder (compare and
// delete in Lua), expiring by itself if the holder dies.
import { randomBytes } from 'node:crypto';
import { deleteIfEquals } from '@meetlink/redis';
import type { RedisClient } from '@meetlink/redis';

export interface LockOptions {
  /** How long the lock lives if its holder never releases it. */
  ttlMs: number;
  /** How long to keep trying before giving up; 0 tries once. */
  waitMs?: number;
  retryEveryMs?: number;
}

export interface HeldLock {
  release(): Promise<void>;
}

export const tryLock = async (
  redis: RedisClient,
  key: string,
  { ttlMs, waitMs = 0, retryEveryMs = 50 }: LockOptions,
): Promise<HeldLock | null> => {
  const token = randomBytes(16).toString('hex');
  const deadline = Date.now() + waitMs;
  for (;;) {
    if ((await redis.set(key, token, 'PX', ttlMs, 'NX')) === 'OK') {
      return {
        release: async () => {
          await deleteIfEquals(redis, key, token);
        },
      };
    }
    if (Date.now() >= deadline) return null;
    await new Promise((r) => setTimeout(r, retryEveryMs));
  }
};

/** Runs `work` holding the lock; null when the lock could not be had within `waitMs`. */
export const withLock = async <T>(
  redis: RedisClient,
  key: string,
  options: LockOptions,
  work: () => Promise<T>,
): Promise<{ value: T } | null> => {
  const lock = await tryLock(redis, key, options);
  if (!lock) return null;
  try {
    return { value: await work() };
  } finally {
    await lock.release();
  }
};
