// Fixed-window budgets on Redis, so every replica counts against one budget: INCR a key named for
// the budget, the window and the subject (a client address, a signing secret's fingerprint), expire
// it with the window. Over the limit: 429 `rate_limited` with Retry-After and RateLimit headers. If
// Redis cannot be reached the request goes through (the handler behind then answers 503 itself):
// the limiter must not be what takes us down.
import type { RequestHandler, Response } from 'express';
import { luaScript } from '@meetlink/redis';
import type { RedisClient } from '@meetlink/redis';
import type { Logger } from '@meetlink/observability';
import { ApiError } from './api-error';
import { withRedis } from './with-redis';

// Every request runs it: sent by its SHA1, not its source, so Redis neither reads nor hashes it again.
const COUNT_SCRIPT = luaScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`);

export interface RateBudgetOptions {
  redis: RedisClient;
  prefix: string;
  /** Names the budget: 'events', 'unverified', 'webhooks', 'connect'. */
  name: string;
  limit: number;
  windowMs?: number;
  logger: Logger;
  now?: () => Date;
}

/** One request counted against a subject's budget in the current window. */
export interface RateCount {
  limit: number;
  count: number;
  resetSeconds: number;
  isOverLimit: boolean;
}

export interface RateBudget {
  /** Counts one request against `subject`; null when Redis cannot be reached (let it through). */
  consume(subject: string): Promise<RateCount | null>;
}

export const createRateBudget = ({
  redis,
  prefix,
  name,
  limit,
  windowMs = 60_000,
  logger,
  now = () => new Date(),
}: RateBudgetOptions): RateBudget => ({
  consume: async (subject) => {
    const at = now().getTime();
    const window = Math.floor(at / windowMs);
    const resetMs = (window + 1) * windowMs - at;
    let count: number;
    try {
      count = Number(
        await withRedis(
          redis,
          () => COUNT_SCRIPT.run(redis, [`${prefix}:rate:${name}:${window}:${subject}`], [windowMs]),
          500,
        ),
      );
    } catch (error) {
      logger.warn(
        { err: (error as Error).message, limiter: name },
        'rate limiter skipped: Redis unavailable',
      );
      return null;
    }
    return {
      limit,
      count,
      resetSeconds: Math.max(1, Math.ceil(resetMs / 1000)),
      isOverLimit: count > limit,
    };
  },
});

/**
 * Sets the RateLimit headers for `counted`; over the limit, also Retry-After, and returns the 429 to
 * answer with (`describe` says which budget is spent, for the message).
 */
export const applyRateCount = (
  res: Response,
  counted: RateCount,
  describe: (limit: number) => string,
): ApiError | undefined => {
  res.set({
    'RateLimit-Limit': String(counted.limit),
    'RateLimit-Remaining': String(Math.max(0, counted.limit - counted.count)),
    'RateLimit-Reset': String(counted.resetSeconds),
  });
  if (!counted.isOverLimit) return undefined;
  res.set('Retry-After', String(counted.resetSeconds));
  return new ApiError(429, 'rate_limited', `${describe(counted.limit)}; retry in ${counted.resetSeconds}s`);
};

/** The client's address as Express sees it (behind a trusted proxy: from X-Forwarded-For). */
export const clientAddress = (req: { ip?: string | undefined; socket: { remoteAddress?: string } }): string =>
  req.ip ?? req.socket.remoteAddress ?? 'unknown';

const describeAddressLimit = (limit: number): string =>
  `more than ${limit} requests a minute from this address`;

/** A per-client-IP budget in front of a group of routes. */
export const rateLimit = (options: RateBudgetOptions): RequestHandler => {
  const budget = createRateBudget(options);
  return async (req, res, next) => {
    const counted = await budget.consume(clientAddress(req));
    next(counted ? applyRateCount(res, counted, describeAddressLimit) : undefined);
  };
};

/**
 * Default budgets a minute. `events`: correctly signed events per signing secret (far above any real
 * upstream, so only a runaway sender meets it); `unverified`: requests to /v1/events that fail
 * verification, per client address; `webhooks`, `connect`: requests per client address.
 */
export const DEFAULT_RATE_LIMITS = { events: 12_000, unverified: 120, webhooks: 600, connect: 30 } as const;
