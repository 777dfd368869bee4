// The connections admin API (admin credentials on every route):
//   GET    /v1/connections[?member=]                   every connection with its health
//   GET    /v1/connections/:memberId                   one member's connections, by provider
//   POST   /v1/connections/:memberId/:provider/link    a signed, short-lived connect link for the member
//   POST   /v1/connections/:memberId/:provider/test    a cheap authenticated call with the member's token
//   DELETE /v1/connections/:memberId/:provider         disconnect: tokens erased, state revoked (?purge=true: forgotten)
// No answer carries a token.
import express, { Router } from 'express';
import type { Request } from 'express';
import type { RedisClient } from '@meetlink/redis';
import { summarizeError } from '@meetlink/errors';
import type { Logger } from '@meetlink/observability';
import {
  MEMBER_ID_PATTERN,
  buildConnectLink,
  connectionProviders,
  isConnectionProvider,
} from '@meetlink/connections';
import type {
  ConnectionProvider,
  MemberAccess,
  MemberConnectionStore,
  OAuthProvider,
  ProviderUserIndex,
} from '@meetlink/connections';
import { requireAdmin } from '../admin-auth';
import type { AdminCheck } from '../admin-auth';
import { ApiError } from '../api-error';
import { viewConnection } from '../connection-health';
import { noStore } from '../security-headers';
import { withRedis } from '../with-redis';

export const MAX_LINK_TTL_SECONDS = 7 * 24 * 3600;

export interface ConnectionsDeps {
  redis: RedisClient;
  admin: AdminCheck;
  /** Null: TOKEN_ENCRYPTION_KEY is not set, so there are no member connections (501). */
  connections: MemberConnectionStore | null;
  userIndex: ProviderUserIndex;
  providers: Partial<Record<ConnectionProvider, OAuthProvider>>;
  access: MemberAccess | null;
  /** Null: CONNECT_LINK_SECRET is not set, so no links. */
  links: { secrets: readonly string[]; publicBaseUrl: string; ttlSeconds: number } | null;
  logger: Logger;
  now: () => Date;
}

const memberOf = (req: Request): string => {
  const memberId = String(req.params['memberId']);
  if (!MEMBER_ID_PATTERN.test(memberId))
    throw new ApiError(
      400,
      'invalid_member_id',
      'memberId must be 1-128 characters of A-Z, a-z, 0-9, _ . @ + -',
    );
  return memberId;
};

const providerOf = (req: Request): ConnectionProvider => {
  const provider = String(req.params['provider']);
  if (!isConnectionProvider(provider)) throw new ApiError(404, 'unknown_provider', `no provider ${provider}`);
  return provider;
};

export const connectionsRouter = (deps: ConnectionsDeps): Router => {
  const { redis, connections, logger, now } = deps;
  const router = Router();
  router.use('/v1/connections', requireAdmin(deps.admin), noStore);

  const store = (): MemberConnectionStore => {
    if (!connections)
      throw new ApiError(501, 'connections_not_configured', 'member connections need TOKEN_ENCRYPTION_KEY');
    return connections;
  };

  router.get('/v1/connections', async (req, res) => {
    const member = typeof req.query['member'] === 'string' ? req.query['member'] : undefined;
    if (member !== undefined && !MEMBER_ID_PATTERN.test(member))
      throw new ApiError(
        400,
        'invalid_member_id',
        'member must be 1-128 characters of A-Z, a-z, 0-9, _ . @ + -',
      );
    const summaries = await withRedis(
      redis,
      () => store().list(member === undefined ? {} : { memberId: member }),
      10_000,
    );
    const at = now();
    res.json({
      providers: connectionProviders.map((provider) => ({
        provider,
        configured: Boolean(deps.providers[provider]),
      })),
      connections: summaries.map((summary) => viewConnection(summary, at)),
    });
  });

  router.get('/v1/connections/:memberId', async (req, res) => {
    const memberId = memberOf(req);
    const summaries = await withRedis(redis, () => store().list({ memberId }));
    const at = now();
    res.json({
      memberId,
      connections: Object.fromEntries(
        connectionProviders.map((provider) => {
          const summary = summaries.find((s) => s.provider === provider);
          return [provider, summary ? viewConnection(summary, at) : null];
        }),
      ),
    });
  });

  router.post('/v1/connections/:memberId/:provider/link', express.json({ limit: '4kb' }), (req, res) => {
    const memberId = memberOf(req);
    const provider = providerOf(req);
    if (!deps.links)
      throw new ApiError(501, 'connect_not_configured', 'connect links need CONNECT_LINK_SECRET');
    if (!deps.providers[provider])
      throw new ApiError(501, 'provider_not_configured', `no ${provider} OAuth app is configured`);
    const asked = (req.body as { ttlSeconds?: unknown } | undefined)?.ttlSeconds;
    if (
      asked !== undefined &&
      (!Number.isInteger(asked) || (asked as number) < 60 || (asked as number) > MAX_LINK_TTL_SECONDS)
    )
      throw new ApiError(
        400,
        'invalid_ttl',
        `ttlSeconds must be an integer from 60 to ${MAX_LINK_TTL_SECONDS}`,
      );
    const ttlSeconds = (asked as number | undefined) ?? deps.links.ttlSeconds;
    const link = buildConnectLink({
      publicBaseUrl: deps.links.publicBaseUrl,
      secrets: deps.links.secrets,
      memberId,
      provider,
      ttlMs: ttlSeconds * 1000,
      now: now(),
    });
    logger.info({ memberId, provider, expiresAt: link.expiresAt }, 'connect link issued');
    res.status(201).json({ memberId, provider, ...link });
  });

  router.post('/v1/connections/:memberId/:provider/test', async (req, res) => {
    const memberId = memberOf(req);
    const provider = providerOf(req);
    const summary = await withRedis(redis, () => store().getSummary(memberId, provider));
    if (!summary)
      throw new ApiError(404, 'connection_not_found', `member ${memberId} has no ${provider} connection`);
    const oauth = deps.providers[provider];
    if (!oauth || !deps.access)
      throw new ApiError(501, 'provider_not_configured', `no ${provider} OAuth app is configured`);
    const access = deps.access;
    const startedAt = Date.now();
    const checkedAt = now().toISOString();
    let refreshed = false;
    try {
      const first = await access.getAccessToken(memberId, provider);
      let token = first.token;
      refreshed = first.refreshed;
      let identity;
      try {
        identity = await oauth.whoAmI(token);
      } catch (error) {
        if ((error as { code?: unknown }).code !== 'provider_unauthorized') throw error;
        // Refused although it looked fresh: replace it once, as the workers do.
        ({ token } = await access.getAccessToken(memberId, provider, token));
        refreshed = true;
        identity = await oauth.whoAmI(token);
      }
      logger.info({ memberId, provider, ok: true, refreshed }, 'connection tested');
      res.json({
        memberId,
        provider,
        ok: true,
        providerUserId: identity.providerUserId,
        tokenRefreshed: refreshed,
        checkedAt,
        latencyMs: Date.now() - startedAt,
      });
    } catch (error) {
      const summaryOfError = summarizeError(error);
      if (summaryOfError.code === 'internal_error' || summaryOfError.code === 'redis_unavailable')
        throw error;
      logger.info({ memberId, provider, ok: false, code: summaryOfError.code }, 'connection tested');
      const after = await withRedis(redis, () => store().getSummary(memberId, provider));
      res.json({
        memberId,
        provider,
        ok: false,
        error: summaryOfError,
        tokenRefreshed: refreshed,
        checkedAt,
        latencyMs: Date.now() - startedAt,
        connection: after ? viewConnection(after, now()) : null,
      });
    }
  });

  router.delete('/v1/connections/:memberId/:provider', async (req, res) => {
    const memberId = memberOf(req);
    const provider = providerOf(req);
    const purge = req.query['purge'] === 'true';
    const summary = await withRedis(redis, () => store().getSummary(memberId, provider));
    if (!summary)
      throw new ApiError(404, 'connection_not_found', `member ${memberId} has no ${provider} connection`);
    await withRedis(redis, async () => {
      if (purge) await store().remove(memberId, provider);
      else
        await store().markRevoked(memberId, provider, {
          code: 'disconnected_by_admin',
          message: 'an admin disconnected this connection; the member must connect again',
        });
      if (summary.providerUserId) await deps.userIndex.unlink(provider, summary.providerUserId, memberId);
    });
    logger.info({ memberId, provider, purge }, 'connection disconnected');
    if (purge) {
      res.status(204).end();
      return;
    }
    const after = await withRedis(redis, () => store().getSummary(memberId, provider));
    res.json(after ? viewConnection(after, now()) : null);
  });

  return router;
};
