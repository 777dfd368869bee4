// Starts the test run's own redis-server on a free port; tests read REDIS_URL from the environment.
// Relative import: jest loads global setup outside the test environment's export conditions.
import { startRedisServer } from '../packages/sandbox/src/redis-server';
import type { RunningRedis } from '../packages/sandbox/src/redis-server';

declare global {
  var __TEST_REDIS__: RunningRedis | undefined;
}

export default async function globalSetup(): Promise<void> {
  const redis = await startRedisServer();
  globalThis.__TEST_REDIS__ = redis;
  process.env['REDIS_URL'] = redis.url;
}
