// The AccessTokenSource implementations every vendor's adapter is handed: ONE cache for app
// credentials (Zoom Server-to-Server, Google domain-wide delegation, a Microsoft app's client
// credentials), ONE refresh policy for members' own connections (Zoom, Google and Microsoft alike),
// and the rule that combines the two.
import type { RedisClient } from '@meetlink/redis';
import { PermanentError, RetryableError } from '@meetlink/errors';
import type { AccessToken, AccessTokenSource, HostRef } from '@meetlink/ports';
import type {
  ConnectionProvider,
  ConnectionTokens,
  MemberConnection,
  MemberConnectionStore,
} from './member-connections';
import { readMemberConnection, settleRefusedRefresh, usableTokens } from './member-tokens';
import { withLock } from './redis-lock';
import { OAuthGrantError } from './token-endpoint';
import type { TokenAnswer, TokenTransport } from './token-endpoint';

// ---------------------------------------------------------------------------------------------
// App credentials: one cached token per key (the host's email, or one for the account or tenant),
// fetched once at a time.

export interface AppTokenCacheOptions {
  /** Which cache entry a host uses: its email for delegation, a constant for an account-wide token. */
  keyOf: (host: HostRef) => string;
  fetchToken: (host: HostRef) => Promise<TokenAnswer>;
  /** Whom the token acts for in the vendor's paths (Zoom S2S: the host's email). Default null. */
  userIdOf?: (host: HostRef) => string | null;
  /** Fetch a new token this long before the old one expires. Default 5 min. */
  refreshMarginMs?: number;
  now?: () => Date;
}

export const createAppTokenCache = ({
  keyOf,
  fetchToken,
  userIdOf = () => null,
  refreshMarginMs = 5 * 60_000,
  now = () => new Date(),
}: AppTokenCacheOptions): AccessTokenSource => {
  const cache = new Map<string, { token: string; refreshAt: number }>();
  const inFlight = new Map<string, Promise<string>>();

  const fetchFor = async (host: HostRef, key: string): Promise<string> => {
    const answer = await fetchToken(host);
    const lifetimeMs = answer.expires_in * 1000;
    cache.set(key, {
      token: answer.access_token,
      refreshAt: now().getTime() + Math.max(lifetimeMs - refreshMarginMs, lifetimeMs / 2),
    });
    return answer.access_token;
  };

  return {
    getAccessToken: async (host) => {
      const key = keyOf(host);
      const cached = cache.get(key);
      if (cached && cached.refreshAt > now().getTime())
        return { token: cached.token, userId: userIdOf(host) };
      // Single flight: concurrent callers share one token request.
      let pending = inFlight.get(key);
      if (!pending) {
        pending = fetchFor(host, key).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return { token: await pending, userId: userIdOf(host) };
    },
    invalidate: (host, rejectedToken) => {
      const key = keyOf(host);
      if (cache.get(key)?.token === rejectedToken) cache.delete(key);
      return Promise.resolve();
    },
  };
};

// ---------------------------------------------------------------------------------------------
// Members' own tokens: the one refresh policy

export interface MemberTokenSourceOptions {
  connections: MemberConnectionStore;
  provider: ConnectionProvider;
  /** 'Zoom', 'Google', 'Microsoft': for messages. */
  vendor: string;
  /** Spends the refresh token at the vendor's token endpoint; undefined when no OAuth client is configured. */
  refresh?: (tokens: ConnectionTokens) => Promise<TokenAnswer>;
  /** For the refresh lock. */
  redis: RedisClient;
  /** Lock keys are `<lockPrefix>:lock:<provider>-token-refresh:{<memberId>}` (REDIS_PREFIX). */
  lockPrefix: string;
  /** Refresh an access token this long before it expires. Default 60 s. */
  refreshMarginMs?: number;
  /** Must outlast a token request (its timeout), or a second refresher could start. Default 30 s. */
  lockTtlMs?: number;
  /** How long to wait for another process's refresh. Default 15 s. */
  lockWaitMs?: number;
  now?: () => Date;
}

export const refreshLockKey = (lockPrefix: string, provider: ConnectionProvider, memberId: string): string =>
  `${lockPrefix}:lock:${provider}-token-refresh:{${memberId}}`;

/**
 * Each member's own tokens, for every provider. A token close to expiry (or refused by the vendor)
 * is refreshed under a per-member Redis lock, because Zoom rotates the refresh token on every use
 * (and Microsoft may): inside the lock the store is read again, so a process that waited uses the
 * pair the other one saved instead of spending a refresh token that is already dead. The new pair is
 * saved before it is used. `invalid_grant` marks the connection broken, unless another process had
 * replaced the pair meanwhile (then ours was merely stale).
 */
export const createMemberTokenSource = ({
  connections,
  provider,
  vendor,
  refresh,
  redis,
  lockPrefix,
  refreshMarginMs = 60_000,
  lockTtlMs = 30_000,
  lockWaitMs = 15_000,
  now = () => new Date(),
}: MemberTokenSourceOptions): AccessTokenSource => {
  /** Access tokens the vendor refused, per member, until a refresh replaces them. */
  const rejected = new Map<string, string>();

  const refOf = (host: HostRef) => ({ connections, memberId: host.memberId, provider, vendor });
  const read = (host: HostRef): Promise<MemberConnection | null> => readMemberConnection(refOf(host));
  const usable = (host: HostRef, connection: MemberConnection | null): ConnectionTokens =>
    usableTokens(refOf(host), connection);

  const isFresh = (host: HostRef, tokens: ConnectionTokens): boolean =>
    Date.parse(tokens.expiresAt) - refreshMarginMs > now().getTime() &&
    rejected.get(host.memberId) !== tokens.accessToken;

  /** Not expired and not refused: usable for a call now, though maybe due for a refresh. */
  const isAlive = (host: HostRef, tokens: ConnectionTokens): boolean =>
    Date.parse(tokens.expiresAt) > now().getTime() && rejected.get(host.memberId) !== tokens.accessToken;

  const answer = (tokens: ConnectionTokens): AccessToken => ({
    token: tokens.accessToken,
    userId: tokens.providerUserId,
  });

  /**
   * Runs under the member's lock: re-read, then refresh only if nobody else already did. `seen` is
   * the access token that sent us here; a different live one means another process refreshed.
   */
  const refreshLocked = async (host: HostRef, seen: string): Promise<ConnectionTokens> => {
    const current = usable(host, await read(host));
    if (isFresh(host, current) || (current.accessToken !== seen && isAlive(host, current))) return current;
    if (!refresh) {
      throw new PermanentError(
        'member_token_refresh_unconfigured',
        `member ${host.memberId}'s ${vendor} access token expired and no OAuth client is configured to refresh it`,
      );
    }
    let granted: TokenAnswer;
    try {
      granted = await refresh(current);
    } catch (error) {
      if (!(error instanceof OAuthGrantError) || !error.isInvalidGrant) throw error;
      return settleRefusedRefresh(refOf(host), current, {
        message: `${vendor} refused the refresh token${error.description ? ` (${error.description})` : ''}; the member must connect ${vendor} again`,
        providerResponse: {
          status: error.status,
          error: error.error,
          error_description: error.description ?? null,
        },
      });
    }
    const next: ConnectionTokens = {
      accessToken: granted.access_token,
      // Zoom rotates the refresh token; keep the old one only if the vendor sent none.
      refreshToken: granted.refresh_token ?? current.refreshToken,
      expiresAt: new Date(now().getTime() + granted.expires_in * 1000).toISOString(),
      scope: granted.scope ?? current.scope,
      providerUserId: current.providerUserId,
    };
    // Save before use: the old refresh token may be dead now, so this pair is the only one left.
    if (!(await connections.saveTokens(host.memberId, provider, next))) {
      throw new PermanentError(
        'connection_revoked',
        `member ${host.memberId}'s ${vendor} connection was revoked or removed during a token refresh`,
      );
    }
    rejected.delete(host.memberId);
    return next;
  };

  return {
    getAccessToken: async (host) => {
      const stored = usable(host, await read(host));
      if (isFresh(host, stored)) return answer(stored);
      const key = refreshLockKey(lockPrefix, provider, host.memberId);
      const result = await withLock(redis, key, { ttlMs: lockTtlMs, waitMs: lockWaitMs }, () =>
        refreshLocked(host, stored.accessToken),
      );
      if (result) return answer(result.value);
      // Someone held the lock all along; their refresh may have landed by now.
      const latest = usable(host, await read(host));
      if (isFresh(host, latest) || (latest.accessToken !== stored.accessToken && isAlive(host, latest))) {
        return answer(latest);
      }
      throw new RetryableError(
        'token_refresh_busy',
        `member ${host.memberId}'s ${vendor} token is being refreshed elsewhere`,
        { retryAfterMs: 1_000 },
      );
    },
    invalidate: (host, rejectedToken) => {
      rejected.set(host.memberId, rejectedToken);
      return Promise.resolve();
    },
  };
};

/**
 * What each vendor's token source takes besides its credentials, alike for Zoom, Google and
 * Microsoft: members' own connections with their refresh lock, and the token endpoint's transport.
 */
export interface TokenSourceDeps extends TokenTransport {
  /** Members' own connections; null or absent: app credentials only. */
  connections?: MemberConnectionStore | null | undefined;
  /** For the refresh lock of members' connections (REDIS_PREFIX as lockPrefix); needed with `connections`. */
  redis?: RedisClient | undefined;
  lockPrefix?: string | undefined;
}

/** A vendor's member source from its deps: undefined without members' connections. */
export const memberTokenSourceFrom = (
  deps: TokenSourceDeps,
  source: Pick<MemberTokenSourceOptions, 'provider' | 'vendor' | 'refresh'>,
): AccessTokenSource | undefined => {
  const { connections, redis, lockPrefix, now } = deps;
  if (!connections) return undefined;
  if (!redis || lockPrefix === undefined) {
    throw new Error(
      `create${source.vendor}TokenSource: members' connections need redis and lockPrefix for the refresh lock`,
    );
  }
  return createMemberTokenSource({ connections, redis, lockPrefix, ...source, ...(now ? { now } : {}) });
};

// ---------------------------------------------------------------------------------------------
// Both

/**
 * The member's own connection wins; a member without one is served by the app credential if one is
 * configured. A member whose own connection is broken or revoked gets `connection_revoked`, not a
 * silent switch (their meetings or events would land in another account). Neither →
 * `member_not_connected`.
 */
export const combineTokenSources = (
  vendor: string,
  { member, app }: { member?: AccessTokenSource | undefined; app?: AccessTokenSource | undefined },
): AccessTokenSource => {
  const issuedBy = new Map<string, AccessTokenSource>();
  return {
    getAccessToken: async (host) => {
      if (member) {
        try {
          const token = await member.getAccessToken(host);
          issuedBy.set(host.memberId, member);
          return token;
        } catch (error) {
          const notConnected = error instanceof PermanentError && error.code === 'member_not_connected';
          if (!notConnected || !app) throw error;
        }
      }
      if (!app) {
        throw new PermanentError(
          'member_not_connected',
          `member ${host.memberId} has no ${vendor} connection and no ${vendor} app credentials are configured`,
        );
      }
      const token = await app.getAccessToken(host);
      issuedBy.set(host.memberId, app);
      return token;
    },
    invalidate: async (host, rejectedToken) => {
      await (issuedBy.get(host.memberId) ?? member ?? app)?.invalidate(host, rejectedToken);
    },
  };
};
