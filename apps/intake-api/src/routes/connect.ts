// GET /connect/{zoom|google|microsoft}?member=…: starts a member's OAuth connection, opened either by
// an admin (bearer or basic credentials) or through a signed, short-lived link for that member and
// provider. It answers 302 to the provider's consent page with a signed, single-use, expiring
// `state`, and gives the browser a cookie the state is bound to. GET /connect/{provider}/callback
// consumes the state, checks the cookie, exchanges the code and stores the member's tokens
// (encrypted). Nothing here logs a code, state, token or link signature.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { Request, Response } from 'express';
import type { RedisClient } from '@meetlink/redis';
import { PermanentError, RetryableError } from '@meetlink/errors';
import type { Logger } from '@meetlink/observability';
import {
  MEMBER_ID_PATTERN,
  OAuthGrantError,
  hashBrowserBinding,
  isConnectLinkUsed,
  isConnectionProvider,
  markConnectLinkUsed,
  reconnectNoticeKey,
  verifyConnectLink,
} from '@meetlink/connections';
import type {
  ConnectionProvider,
  MemberConnectionStore,
  OAuthProvider,
  OAuthStateStore,
  ProviderUserIndex,
} from '@meetlink/connections';
import { unauthorized } from '../admin-auth';
import type { AdminCheck } from '../admin-auth';
import { ApiError } from '../api-error';
import { renderConnectedPage } from '../connect-page';
import { noStore } from '../security-headers';
import { withRedis } from '../with-redis';

export interface ConnectDeps {
  redis: RedisClient;
  prefix: string;
  admin: AdminCheck;
  /** Null: CONNECT_LINK_SECRET or TOKEN_ENCRYPTION_KEY is missing, and the flows answer 501. */
  connect: {
    linkSecrets: readonly string[];
    states: OAuthStateStore;
    connections: MemberConnectionStore;
    userIndex: ProviderUserIndex;
    providers: Partial<Record<ConnectionProvider, OAuthProvider>>;
    publicBaseUrl: string;
  } | null;
  logger: Logger;
  now: () => Date;
}

const COOKIE_TTL_S = 10 * 60;

const cookieName = (provider: ConnectionProvider, isHttps: boolean): string =>
  `${isHttps ? '__Host-' : ''}meetlink_oauth_${provider}`;

const readCookie = (req: Request, name: string): string | undefined => {
  for (const part of (req.get('cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
};

const query = (req: Request, name: string): string | undefined => {
  const value = req.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

/** The provider's own error code from a callback, reduced to something safe to echo. */
const sanitize = (value: string | undefined): string | null =>
  value ? value.replace(/[^A-Za-z0-9_.:\- ]/g, '').slice(0, 200) || null : null;

export const redirectUriFor = (publicBaseUrl: string, provider: ConnectionProvider): string =>
  new URL(
    `connect/${provider}/callback`,
    publicBaseUrl.endsWith('/') ? publicBaseUrl : `${publicBaseUrl}/`,
  ).toString();

export const connectRouter = ({ redis, prefix, admin, connect, logger, now }: ConnectDeps): Router => {
  const router = Router();
  const isHttps = connect ? new URL(connect.publicBaseUrl).protocol === 'https:' : false;

  const resolve = (req: Request) => {
    const provider = String(req.params['provider']);
    if (!isConnectionProvider(provider))
      throw new ApiError(404, 'unknown_provider', `no provider ${provider}`);
    if (!connect)
      throw new ApiError(
        501,
        'connect_not_configured',
        'connect flows need CONNECT_LINK_SECRET and TOKEN_ENCRYPTION_KEY',
      );
    const oauth = connect.providers[provider];
    if (!oauth) throw new ApiError(501, 'provider_not_configured', `no ${provider} OAuth app is configured`);
    return { provider, oauth, connect };
  };

  router.get('/connect/:provider', noStore, async (req: Request, res: Response) => {
    const { provider, oauth, connect: c } = resolve(req);
    const memberId = query(req, 'member');
    if (!memberId || !MEMBER_ID_PATTERN.test(memberId))
      throw new ApiError(
        400,
        'invalid_member_id',
        'member must be 1-128 characters of A-Z, a-z, 0-9, _ . @ + -',
      );

    let startedBy: 'admin' | 'link';
    let link: { nonce: string; expiresAt: Date } | null = null;
    if (admin.isAdmin(req)) {
      startedBy = 'admin';
    } else if (query(req, 'sig')) {
      const check = verifyConnectLink({
        secrets: c.linkSecrets,
        provider,
        query: {
          member: memberId,
          exp: query(req, 'exp'),
          nonce: query(req, 'nonce'),
          sig: query(req, 'sig'),
        },
        now: now(),
      });
      if (!check.ok) {
        logger.warn({ provider, reason: check.reason }, 'connect link refused');
        throw check.reason === 'expired'
          ? new ApiError(401, 'connect_link_expired', 'this connect link has expired; ask for a new one')
          : new ApiError(401, 'invalid_connect_link', 'this connect link is not valid');
      }
      if (await withRedis(redis, () => isConnectLinkUsed(redis, prefix, check.nonce)))
        throw new ApiError(
          410,
          'connect_link_used',
          'this connect link was already used to connect; ask for a new one',
        );
      startedBy = 'link';
      link = { nonce: check.nonce, expiresAt: check.expiresAt };
    } else {
      admin.challenge(res);
      throw unauthorized();
    }

    const binding = randomBytes(32).toString('base64url');
    const state = await withRedis(redis, () =>
      c.states.issue({
        memberId,
        provider,
        startedBy,
        linkNonce: link?.nonce ?? null,
        linkExpiresAt: link?.expiresAt.toISOString() ?? null,
        browserBinding: hashBrowserBinding(binding),
      }),
    );
    res.cookie(cookieName(provider, isHttps), binding, {
      httpOnly: true,
      secure: isHttps,
      sameSite: 'lax',
      path: '/',
      maxAge: COOKIE_TTL_S * 1000,
    });
    logger.info({ memberId, provider, startedBy }, 'connect flow started');
    res.redirect(
      302,
      oauth.authorizationUrl({ state, redirectUri: redirectUriFor(c.publicBaseUrl, provider) }),
    );
  });

  router.get('/connect/:provider/callback', noStore, async (req: Request, res: Response) => {
    const { provider, oauth, connect: c } = resolve(req);
    const stateParam = query(req, 'state');
    if (!stateParam) throw new ApiError(400, 'missing_state', 'the callback carries no state');
    const consumed = await withRedis(redis, () => c.states.consume(stateParam));
    if (!consumed.ok || consumed.record.provider !== provider) {
      logger.warn(
        { provider, reason: consumed.ok ? 'other_provider' : consumed.reason },
        'connect callback refused',
      );
      throw consumed.ok || consumed.reason === 'invalid'
        ? new ApiError(400, 'invalid_state', 'the state is not one this service issued for this provider')
        : new ApiError(
            400,
            'state_used_or_expired',
            'the state was already used or has expired; start connecting again',
          );
    }
    const { record } = consumed;
    const name = cookieName(provider, isHttps);
    const cookie = readCookie(req, name);
    res.clearCookie(name, { httpOnly: true, secure: isHttps, sameSite: 'lax', path: '/' });
    const expected = Buffer.from(record.browserBinding, 'hex');
    const given = cookie ? Buffer.from(hashBrowserBinding(cookie), 'hex') : Buffer.alloc(expected.length);
    if (!cookie || !timingSafeEqual(given, expected)) {
      logger.warn({ provider, memberId: record.memberId }, 'connect callback from another browser refused');
      throw new ApiError(
        403,
        'state_not_bound_to_browser',
        'finish connecting in the browser that started it',
      );
    }
    const providerError = sanitize(query(req, 'error'));
    if (providerError) {
      logger.info(
        { provider, memberId: record.memberId, providerError },
        'connect flow declined at the provider',
      );
      throw new ApiError(
        400,
        'authorization_denied',
        `${oauth.vendor} did not grant access (${providerError})`,
        {
          error: providerError,
          description: sanitize(query(req, 'error_description')),
        },
      );
    }
    const code = query(req, 'code');
    if (!code) throw new ApiError(400, 'missing_code', 'the callback carries no authorization code');

    const tokens = await oauth
      .exchangeCode({ code, redirectUri: redirectUriFor(c.publicBaseUrl, provider), now: now() })
      .catch((error: unknown) => {
        logger.warn(
          { provider, memberId: record.memberId, err: (error as Error).message },
          'code exchange failed',
        );
        if (error instanceof OAuthGrantError && error.isInvalidGrant)
          throw new ApiError(
            400,
            'authorization_code_rejected',
            `${oauth.vendor} refused the authorization code; start connecting again`,
          );
        if (error instanceof RetryableError)
          throw new ApiError(
            503,
            'provider_unavailable',
            `${oauth.vendor} could not be reached; start connecting again later`,
          );
        if (error instanceof PermanentError) throw new ApiError(502, error.code, error.message);
        throw error;
      });

    await withRedis(redis, async () => {
      await c.connections.connect(record.memberId, provider, tokens);
      if (tokens.providerUserId) await c.userIndex.link(provider, tokens.providerUserId, record.memberId);
      if (record.linkNonce && record.linkExpiresAt)
        await markConnectLinkUsed(redis, prefix, record.linkNonce, new Date(record.linkExpiresAt), now());
      // Connected again: the next failure may send a reconnect email at once.
      await redis.del(reconnectNoticeKey(prefix, record.memberId, provider));
    });
    logger.info(
      {
        memberId: record.memberId,
        provider,
        providerUserId: tokens.providerUserId,
        startedBy: record.startedBy,
      },
      'member connected',
    );
    const answer = {
      memberId: record.memberId,
      provider,
      state: 'connected' as const,
      providerUserId: tokens.providerUserId,
      scope: tokens.scope,
    };
    res.format({
      'application/json': () => res.json(answer),
      'text/html': () => res.type('html').send(renderConnectedPage(oauth.vendor, answer)),
      default: () => res.json(answer),
    });
  });
  return router;
};
