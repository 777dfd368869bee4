// /healthz: the process is up. /readyz: it can reach Redis, so it can accept events.
import { Router } from 'express';
import type { RedisClient } from '@meetlink/redis';
import { withRedis } from '../with-redis';

export const healthRouter = (redis: RedisClient): Router => {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    await withRedis(redis, () => redis.ping(), 1_000);
    res.json({ status: 'ready' });
  });
  return router;
};
