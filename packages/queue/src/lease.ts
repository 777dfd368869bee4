// A per-booking lease for one step: held while the step runs, renewed in the background, and checked
// (its fencing token still in Redis) before every write to a vendor or the store. A holder that lost
// it (paused past its TTL, cut off from Redis) finds out at its next write and stops there, so two runs
// of one booking's step never act at once, even when a step outlasts the lease's TTL.
import { randomBytes } from 'node:crypto';
import { deleteIfEquals, luaScript } from '@meetlink/redis';
import type { RedisClient } from '@meetlink/redis';
import { RetryableError } from '@meetlink/errors';

// SET NX PX, and a fencing number from a counter beside it: each holder gets a higher one.
const ACQUIRE_SCRIPT = luaScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then
  local fence = redis.call('INCR', KEYS[2])
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
  return fence
end
return false
`);
const RENEW_SCRIPT = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`);

/** The fencing counter outlives any lease by far; it only has to grow while holders can overlap. */
const FENCE_RETENTION_MS = 7 * 24 * 3_600_000;

export interface LeaseOptions {
  /** How long the lease lives without a renewal (a dead holder's lease expires by itself). */
  ttlMs: number;
  /** How often the holder renews it; default a third of the TTL. */
  renewEveryMs?: number;
  now?: () => number;
}

export interface Lease {
  /** Grows with every holder of this key. */
  readonly fence: number;
  /** Throws RetryableError('lease_lost') unless this holder still holds the lease in Redis. */
  assertHeld(): Promise<void>;
  /** Whether the holder knows it lost the lease (a renewal found someone else, or ran out of time). */
  isLost(): boolean;
  release(): Promise<void>;
}

const leaseLost = (key: string, why: string): RetryableError =>
  new RetryableError('lease_lost', `the lease ${key} was lost (${why}); another run may hold it`);

/** Takes the lease at `key` if it is free; null if another holder has it. */
export const acquireLease = async (
  redis: RedisClient,
  key: string,
  { ttlMs, renewEveryMs = Math.max(50, Math.floor(ttlMs / 3)), now = Date.now }: LeaseOptions,
): Promise<Lease | null> => {
  const token = randomBytes(16).toString('hex');
  const fence = (await ACQUIRE_SCRIPT.run(
    redis,
    [key, `${key}:fence`],
    [token, String(ttlMs), String(FENCE_RETENTION_MS)],
  )) as number | null;
  if (fence === null) return null;

  let heldUntil = now() + ttlMs;
  let lostBecause: string | null = null;
  let isReleased = false;
  const renew = async (): Promise<void> => {
    const startedAt = now();
    try {
      const renewed = await RENEW_SCRIPT.run(redis, [key], [token, String(ttlMs)]);
      if (renewed === 1) heldUntil = startedAt + ttlMs;
      else lostBecause ??= 'another holder has it';
    } catch {
      // Redis away: the lease may still be ours until heldUntil; assertHeld decides from the clock.
    }
  };
  const timer = setInterval(() => {
    if (!isReleased && lostBecause === null) void renew();
  }, renewEveryMs);
  timer.unref();

  const isLost = (): boolean => {
    if (lostBecause === null && now() >= heldUntil) lostBecause = 'not renewed within its TTL';
    return lostBecause !== null;
  };

  return {
    fence,
    isLost,
    assertHeld: async () => {
      if (isLost()) throw leaseLost(key, lostBecause ?? 'expired');
      const holder = await redis.get(key);
      if (holder !== token) {
        lostBecause ??= 'another holder has it';
        throw leaseLost(key, lostBecause);
      }
    },
    release: async () => {
      isReleased = true;
      clearInterval(timer);
      await deleteIfEquals(redis, key, token);
    },
  };
};

/**
 * Wraps `target` so that every named method first checks the lease: the vendor adapter's and the
 * store's writes go through this, and a run that lost its lease never writes again.
 */
export const fenced = <T extends object, K extends keyof T>(
  target: T,
  lease: Pick<Lease, 'assertHeld'>,
  writes: readonly K[],
): T => {
  const wrapped = Object.create(target) as T;
  for (const name of writes) {
    const method = target[name];
    if (typeof method !== 'function') continue;
    (wrapped as Record<K, unknown>)[name] = async (...args: unknown[]) => {
      await lease.assertHeld();
      return (method as (...a: unknown[]) => unknown).apply(target, args);
    };
  }
  return wrapped;
};
