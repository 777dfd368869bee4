// A per-client-IP fixed-window limiter on Redis, so every replica counts against one budget:
// INCR a key named for the window and the IP, expire it with the window. Over the limit: 429
// `rate_limited` with Retry-After and RateLimit headers. If Redis cannot be reached the request goes
// through (the handler behind then answers 503 itself): the limiter must not be what takes us down.
import type { RequestHandler } from 'express';
import type { Redis } from 'ioredis';
import type { Logger } from '@meetlink/observability';
import { ApiError } from './api-error';
import { withRedis } from './with-redis';

const SCRIPT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return n
`;

export interface RateLimitOptions {
  redis: Redis;
  prefix: string;
  /** Names the budget: 'events', 'webhooks', 'connect'. */
  name: string;
  limit: number;
  windowMs?: number;
  logger: Logger;
  now?: () => Date;
}

export const rateLimit = ({
  redis,
  prefix,
  name,
  limit,
  windowMs = 60_000,
  logger,
  now = () => new Date(),
}: RateLimitOptions): RequestHandler => {
  return async (req, res, next) => {
    const at = now().getTime();
    const window = Math.floor(at / windowMs);
    const resetMs = (window + 1) * windowMs - at;
    const client = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    let count: number;
    try {
      count = Number(
        await withRedis(
          redis,
          () => redis.eval(SCRIPT, 1, `${prefix}:rate:${name}:${window}:${client}`, String(windowMs)),
          500,
        ),
      );
    } catch (error) {
      logger.warn(
        { err: (error as Error).message, limiter: name },
        'rate limiter skipped: Redis unavailable',
      );
      next();
      return;
    }
    const resetSeconds = Math.max(1, Math.ceil(resetMs / 1000));
    res.set({
      'RateLimit-Limit': String(limit),
      'RateLimit-Remaining': String(Math.max(0, limit - count)),
      'RateLimit-Reset': String(resetSeconds),
    });
    if (count > limit) {
      res.set('Retry-After', String(resetSeconds));
      next(
        new ApiError(
          429,
          'rate_limited',
          `more than ${limit} requests a minute from this address; retry in ${resetSeconds}s`,
        ),
      );
      return;
    }
    next();
  };
};

/** Requests per client IP per minute on the public endpoints, unless configured otherwise. */
export const DEFAULT_RATE_LIMITS = { events: 1200, webhooks: 600, connect: 30 } as const;
