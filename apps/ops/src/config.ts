import { z } from 'zod';
import {
  bookingRetentionDays,
  keyPrefix,
  parseEnv,
  redisClusterNodes,
  redisUrl,
  requireRedisTarget,
} from '@meetlink/config';

export const Config = z
  .object({
    /** The pipeline's Redis: the CLI reads and changes its queues and booking state. */
    REDIS_URL: redisUrl.optional(),
    /** Or the nodes of the pipeline's Redis Cluster. */
    REDIS_CLUSTER_NODES: redisClusterNodes,
    /** The prefix the apps run under (default `meetlink`). */
    REDIS_PREFIX: keyPrefix,
    /** The apps' BOOKING_RETENTION_DAYS: a replay rewrites a booking with the same expiry rule. */
    BOOKING_RETENTION_DAYS: bookingRetentionDays,
  })
  .superRefine(requireRedisTarget);
export type Config = z.infer<typeof Config>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): Config =>
  parseEnv(Config, env);
