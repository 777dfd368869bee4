// Request-path Redis calls: fail fast with 503 while Redis is away instead of hanging the request.
import type { RedisClient } from '@meetlink/redis';
import { redisUnavailable } from './api-error';

export const REDIS_CALL_TIMEOUT_MS = 3_000;

export const withRedis = async <T>(
  redis: RedisClient,
  work: () => Promise<T>,
  timeoutMs = REDIS_CALL_TIMEOUT_MS,
): Promise<T> => {
  if (redis.status !== 'ready') throw redisUnavailable();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('redis call timed out')), timeoutMs);
  });
  try {
    return await Promise.race([work(), timeout]);
  } catch (error) {
    // A lost connection is the client's cue to retry; anything else (a script error) is our bug: 500.
    const isConnectionLoss =
      redis.status !== 'ready' ||
      (error instanceof Error &&
        /timed out|Connection is closed|Stream isn't writeable|MaxRetriesPerRequest/i.test(error.message));
    throw isConnectionLoss ? redisUnavailable(error) : error;
  } finally {
    clearTimeout(timer);
  }
};
