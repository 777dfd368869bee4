// Composition root of the intake API.
import { loadOrExit } from '@meetlink/config';
import { createMemberAccess, memberConnectionsFromKey } from '@meetlink/connections';
import { createLogger, createMetrics, startTracing } from '@meetlink/observability';
import {
  createQueue,
  installShutdown,
  queueJobCountsSource,
  startStrandedVersionSweeper,
} from '@meetlink/queue';
import { createApp } from './app';
import { loadConfig } from './config';
import { oauthProvidersFromConfig } from './oauth/oauth-providers-from-config';
import { createIntakeRedisPorts } from './redis-ports';
import { createRedisConnection } from '@meetlink/redis';

const config = loadOrExit(() => loadConfig());
const logger = createLogger({ name: 'intake-api', level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const tracing = startTracing({ serviceName: 'intake-api', endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT });
if (tracing.isEnabled)
  logger.info({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT }, 'tracing on (OTLP/HTTP)');
const redis = createRedisConnection(
  { url: config.REDIS_URL, clusterNodes: config.REDIS_CLUSTER_NODES },
  'producer',
  'intake-api',
);
redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));
const ports = createIntakeRedisPorts({
  redis,
  prefix: config.REDIS_PREFIX,
  connectLinkSecrets: config.CONNECT_LINK_SECRET ?? [],
  bookingRetentionDays: config.BOOKING_RETENTION_DAYS,
});
const { store } = ports;
const queueContext = { connection: redis, prefix: config.REDIS_PREFIX, logger };
const conferenceQueue = createQueue('conference', queueContext);
// Every queue of the pipeline, for the ops dashboard; the API itself only adds to conference.
const queues = {
  conference: conferenceQueue,
  calendar: createQueue('calendar', queueContext),
  email: createQueue('email', queueContext),
  reminders: createQueue('reminders', queueContext),
  meetingCleanup: createQueue('meetingCleanup', queueContext),
};
// /metrics here reports every queue's job counts (the workers report only the queues they consume).
const metrics = createMetrics();
metrics.addQueueJobsSource(
  queueJobCountsSource({
    queues: () => Object.values(queues).map((typed) => typed.queue),
    connection: redis,
  }),
);
const connections = memberConnectionsFromKey(redis, config.REDIS_PREFIX, config.TOKEN_ENCRYPTION_KEY);
const { providers, zoomUserApp } = oauthProvidersFromConfig(config);
const memberAccess = connections
  ? createMemberAccess({ connections, flows: providers, redis, lockPrefix: config.REDIS_PREFIX })
  : null;
const publicBaseUrl = config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`;
const app = createApp({
  redis,
  ...ports,
  conferenceQueue,
  queues,
  webhookSecrets: config.WEBHOOK_SECRETS,
  adminToken: config.ADMIN_TOKEN,
  adminBasic:
    config.ADMIN_USER && config.ADMIN_PASSWORD
      ? { user: config.ADMIN_USER, password: config.ADMIN_PASSWORD }
      : undefined,
  maxBodyBytes: config.MAX_BODY_BYTES,
  logger,
  metrics,
  prefix: config.REDIS_PREFIX,
  trustProxy: config.TRUST_PROXY,
  rateLimits: {
    events: config.RATE_LIMIT_EVENTS_PER_MINUTE,
    unverified: config.RATE_LIMIT_UNVERIFIED_PER_MINUTE,
    webhooks: config.RATE_LIMIT_WEBHOOKS_PER_MINUTE,
    connect: config.RATE_LIMIT_CONNECT_PER_MINUTE,
  },
  publicBaseUrl,
  connections,
  oauthProviders: providers,
  memberAccess,
  zoomUserAppClientId: zoomUserApp?.clientId,
  connectLinkSecrets: config.CONNECT_LINK_SECRET ?? [],
  connectLinkTtlSeconds: config.CONNECT_LINK_TTL_SECONDS,
  zoomWebhookSecretTokens: config.ZOOM_WEBHOOK_SECRET_TOKEN ?? [],
});
// Queues versions that were stored but never queued (Redis lost between the two, a crash).
const sweeper = startStrandedVersionSweeper({ store, conferenceQueue, logger });
const server = app.listen(config.PORT, config.HOST, () => {
  logger.info({ port: config.PORT }, `intake API listening on http://localhost:${config.PORT}`);
  logger.info(
    {
      publicBaseUrl,
      connectProviders: Object.keys(providers),
      connectFlows: Boolean(connections && config.CONNECT_LINK_SECRET),
      zoomWebhooks: Boolean(config.ZOOM_WEBHOOK_SECRET_TOKEN),
    },
    'member connections',
  );
});
installShutdown({
  logger,
  timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
  closables: [
    { name: 'http server', close: () => new Promise((resolve) => server.close(resolve)) },
    { name: 'stranded-version sweeper', close: () => sweeper.close() },
    ...Object.values(queues).map((queue) => ({ name: `${queue.key} queue`, close: () => queue.close() })),
    { name: 'tracing', close: () => tracing.shutdown() },
    { name: 'redis', close: () => redis.quit() },
  ],
});
