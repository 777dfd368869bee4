// Composition root of the intake API.
import { loadOrExit } from '@meetlink/config';
import { createLogger } from '@meetlink/observability';
import { createQueue, createRedisConnection, installShutdown } from '@meetlink/queue';
import { createRedisBookingStore } from '@meetlink/store';
import { createApp } from './app';
import { loadConfig } from './config';

const config = loadOrExit(() => loadConfig());
const logger = createLogger({ name: 'intake-api', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const redis = createRedisConnection(config.REDIS_URL, 'producer', 'intake-api');
redis.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));
const store = createRedisBookingStore({ redis, prefix: config.REDIS_PREFIX });
const conferenceQueue = createQueue('conference', { connection: redis, prefix: config.REDIS_PREFIX, logger });
const app = createApp({
  redis,
  store,
  conferenceQueue,
  webhookSecrets: config.WEBHOOK_SECRETS,
  adminToken: config.ADMIN_TOKEN,
  maxBodyBytes: config.MAX_BODY_BYTES,
  logger,
});
const server = app.listen(config.PORT, config.HOST, () => {
  logger.info({ port: config.PORT }, `intake API listening on http://localhost:${config.PORT}`);
});
installShutdown({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  closables: [
    { name: 'http server', close: () => new Promise((resolve) => server.close(resolve)) },
    { name: 'conference queue', close: () => conferenceQueue.close() },
    { name: 'redis', close: () => redis.quit() },
  ],
});
