// The intake API's Express app, built from its ports so tests can run it against a real Redis.
import express from 'express';
import type { Express } from 'express';
import type { RedisClient } from '@meetlink/redis';
import type { Logger, Metrics } from '@meetlink/observability';
import type { TypedQueue } from '@meetlink/queue';
import type { MeetingEventLog } from '@meetlink/store';
import type { BookingStore } from '@meetlink/ports';
import type {
  ConnectionProvider,
  MemberAccess,
  MemberConnectionStore,
  OAuthProvider,
  OAuthStateStore,
  ProviderUserIndex,
} from '@meetlink/connections';
import { createAdminCheck } from './admin-auth';
import { errorHandler, notFound } from './api-error';
import { createRateBudget, DEFAULT_RATE_LIMITS, rateLimit } from './rate-limit';
import { requestLog } from './request-log';
import { adminQueuesRouter } from './routes/admin-queues';
import type { PipelineQueues } from './routes/admin-queues';
import { bookingsRouter } from './routes/bookings';
import { connectRouter } from './routes/connect';
import { connectionsRouter } from './routes/connections';
import { eventsRouter } from './routes/events';
import { healthRouter } from './routes/health';
import { metricsRouter } from './routes/metrics';
import { zoomWebhooksRouter } from './routes/zoom-webhooks';
import { securityHeaders } from './security-headers';
import { traceRequests } from './trace-requests';

export interface AppDeps {
  redis: RedisClient;
  store: BookingStore;
  conferenceQueue: TypedQueue<'conference'>;
  webhookSecrets: readonly string[];
  adminToken: string;
  /** ADMIN_USER / ADMIN_PASSWORD: HTTP Basic as well as the bearer token. */
  adminBasic?: { user: string; password: string } | undefined;
  maxBodyBytes: number;
  logger: Logger;
  /** This process's metrics, served at /metrics (admin) and counted by the routes; absent: neither. */
  metrics?: Metrics;
  now?: () => Date;
  /** REDIS_PREFIX, for the keys the API writes itself (rate limits, OAuth states). Default 'meetlink'. */
  prefix?: string;
  /** Express's `trust proxy`, so `req.ip` (and the rate limit) sees the client behind a load balancer. */
  trustProxy?: boolean | number | string;
  /**
   * Budgets a minute: `events` correctly signed events per signing secret; `unverified` requests to
   * /v1/events that fail verification, per client IP; `webhooks`, `connect` requests per client IP.
   */
  rateLimits?: { events?: number; unverified?: number; webhooks?: number; connect?: number };
  /** Where browsers reach the API: connect links and OAuth redirect URIs are built on it. */
  publicBaseUrl?: string;
  /** Members' encrypted connections (needs TOKEN_ENCRYPTION_KEY); null: none. */
  connections?: MemberConnectionStore | null;
  /** The OAuth apps members connect through, by provider. */
  oauthProviders?: Partial<Record<ConnectionProvider, OAuthProvider>>;
  /** Members' live tokens for the connections test (the workers' refresh policy); null: none. */
  memberAccess?: MemberAccess | null;
  /** The client id of Zoom's user-OAuth app, whose `app_deauthorized` webhooks we act on. */
  zoomUserAppClientId?: string | undefined;
  /** CONNECT_LINK_SECRET: signs connect links and OAuth states; empty: no connect flows. */
  connectLinkSecrets?: readonly string[];
  connectLinkTtlSeconds?: number;
  /** ZOOM_WEBHOOK_SECRET_TOKEN; empty: /webhooks/zoom answers 501. */
  zoomWebhookSecretTokens?: readonly string[];
  /** Which member a provider's user id belongs to (written on connect, read by Zoom webhooks). */
  userIndex: ProviderUserIndex;
  /** Signed, single-use OAuth states for the connect flows; null: no connect flows. */
  oauthStates: OAuthStateStore | null;
  /** Zoom's meeting webhooks as they arrive, for the booking's story. */
  meetingEvents: MeetingEventLog;
  /** Every queue of the pipeline, for the ops dashboard at /admin/queues; absent: no dashboard. */
  queues?: PipelineQueues;
}

export const createApp = ({ now = () => new Date(), ...deps }: AppDeps): Express => {
  const prefix = deps.prefix ?? 'meetlink';
  const publicBaseUrl = deps.publicBaseUrl ?? 'http://localhost:3000';
  const connections = deps.connections ?? null;
  const providers = deps.oauthProviders ?? {};
  const linkSecrets = deps.connectLinkSecrets ?? [];
  const admin = createAdminCheck({ token: deps.adminToken, basic: deps.adminBasic });
  const { userIndex, oauthStates } = deps;
  const limits = { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits };
  const budget = (name: keyof typeof limits) => ({
    redis: deps.redis,
    prefix,
    name,
    limit: limits[name],
    logger: deps.logger,
    now,
  });
  const limiter = (name: keyof typeof limits) => rateLimit(budget(name));

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(traceRequests());
  app.use(securityHeaders({ isHttps: new URL(publicBaseUrl).protocol === 'https:' }));
  app.use(requestLog(deps.logger));
  // /v1/events first: it carries nearly all the traffic, and every router in front of it is walked
  // for each event. It checks the signature first and then spends the signer's budget, or the
  // address's budget for unverified requests (see routes/events.ts).
  app.use(
    eventsRouter({
      ...deps,
      now,
      budgets: {
        signed: createRateBudget(budget('events')),
        unverified: createRateBudget(budget('unverified')),
      },
    }),
  );
  app.use(healthRouter(deps.redis));
  if (deps.metrics) app.use(metricsRouter({ registry: deps.metrics.registry, admin }));
  app.use('/webhooks', limiter('webhooks'));
  app.use('/connect', limiter('connect'));
  app.use(bookingsRouter({ redis: deps.redis, store: deps.store, admin }));
  app.use(
    connectRouter({
      redis: deps.redis,
      prefix,
      admin,
      connect:
        connections && oauthStates && linkSecrets.length > 0
          ? {
              linkSecrets,
              states: oauthStates,
              connections,
              userIndex,
              providers,
              publicBaseUrl,
            }
          : null,
      logger: deps.logger,
      now,
    }),
  );
  app.use(
    connectionsRouter({
      redis: deps.redis,
      admin,
      connections,
      userIndex,
      providers,
      access: deps.memberAccess ?? null,
      links:
        linkSecrets.length > 0
          ? { secrets: linkSecrets, publicBaseUrl, ttlSeconds: deps.connectLinkTtlSeconds ?? 3600 }
          : null,
      logger: deps.logger,
      now,
    }),
  );
  app.use(
    zoomWebhooksRouter({
      redis: deps.redis,
      prefix,
      secretTokens: deps.zoomWebhookSecretTokens ?? [],
      userAppClientId: deps.zoomUserAppClientId,
      store: deps.store,
      events: deps.meetingEvents,
      conferenceQueue: deps.conferenceQueue,
      connections,
      userIndex,
      logger: deps.logger,
      now,
    }),
  );
  if (deps.queues) app.use(adminQueuesRouter({ queues: deps.queues, admin, publicBaseUrl }));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return app;
};
