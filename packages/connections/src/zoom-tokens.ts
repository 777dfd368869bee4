// Access tokens for a host, both ways Zoom offers: Server-to-Server OAuth (one account token,
// meetings scheduled under each member's email) and each member's own user OAuth tokens (kept
// encrypted in the member-connection store, refreshed under a Redis lock because Zoom rotates the
// refresh token on every use).
import type { Redis } from 'ioredis';
import { PermanentError, RetryableError } from '@meetlink/errors';
import { readMemberConnection, settleRefusedRefresh, usableTokens, withLock } from '@meetlink/store';
import type { ConnectionTokens, MemberConnection, MemberConnectionStore } from '@meetlink/store';
import type { HostRef } from './host';
import { InvalidGrantError } from './oauth';
import type { RequestOAuthToken } from './oauth';
import type { ZoomCredentials } from './zoom-client';

export interface ZoomAccessToken {
  token: string;
  /** Whom to name in /users/{userId}/… paths: the member's email (S2S) or Zoom user id ('me' if unknown). */
  userId: string;
}

export interface ZoomTokenProvider {
  getAccessToken(host: HostRef): Promise<ZoomAccessToken>;
  /**
   * Zoom answered 401 to a token: drop it, so the next getAccessToken gets a fresh one.
   * `rejectedToken` (optional) keeps a token another process already replaced from being dropped.
   */
  invalidate(host: HostRef, rejectedToken?: string): Promise<void>;
}

/**
 * The credentials the client needs for one host during one operation (a few requests): the token
 * in hand is reused until Zoom rejects it, then a fresh one is asked for.
 */
export const credentialsFor = (
  tokens: ZoomTokenProvider,
  host: HostRef,
  first?: ZoomAccessToken,
): ZoomCredentials => {
  let current = first?.token;
  return {
    getAccessToken: async () => {
      current ??= (await tokens.getAccessToken(host)).token;
      return current;
    },
    invalidate: async (rejectedToken) => {
      if (current === rejectedToken) current = undefined;
      await tokens.invalidate(host, rejectedToken);
    },
  };
};

// ---------------------------------------------------------------------------------------------
// Server-to-Server OAuth

export interface ServerToServerOptions {
  accountId: string;
  requestToken: RequestOAuthToken;
  /** Fetch a new token this long before the old one expires. Default 5 min. */
  refreshMarginMs?: number;
  now?: () => Date;
}

/**
 * One account-wide token (grant_type=account_credentials), cached until shortly before it expires
 * and shared by every host; meetings are scheduled under each member's email.
 */
export const createServerToServerTokenProvider = ({
  accountId,
  requestToken,
  refreshMarginMs = 5 * 60_000,
  now = () => new Date(),
}: ServerToServerOptions): ZoomTokenProvider => {
  let cached: { token: string; refreshAt: number } | null = null;
  let inFlight: Promise<string> | null = null;

  const fetchToken = async (): Promise<string> => {
    const answer = await requestToken({ grant_type: 'account_credentials', account_id: accountId });
    const expiresInMs = answer.expires_in * 1000;
    cached = {
      token: answer.access_token,
      refreshAt: now().getTime() + Math.max(expiresInMs - refreshMarginMs, expiresInMs / 2),
    };
    return answer.access_token;
  };

  return {
    getAccessToken: async (host) => {
      if (cached && cached.refreshAt > now().getTime()) return { token: cached.token, userId: host.email };
      // Single flight: concurrent callers share one token request.
      inFlight ??= fetchToken().finally(() => {
        inFlight = null;
      });
      return { token: await inFlight, userId: host.email };
    },
    invalidate: (_host, rejectedToken) => {
      if (!rejectedToken || cached?.token === rejectedToken) cached = null;
      return Promise.resolve();
    },
  };
};

// ---------------------------------------------------------------------------------------------
// Members' own user OAuth tokens

export interface UserTokenOptions {
  connections: MemberConnectionStore;
  requestToken: RequestOAuthToken;
  /** For the refresh lock. */
  redis: Redis;
  /** Lock keys are `<lockPrefix>:lock:zoom-token-refresh:{<memberId>}`. */
  lockPrefix: string;
  /** Refresh an access token this long before it expires. Default 60 s. */
  refreshMarginMs?: number;
  /** Must outlast a token request (its timeout), or a second refresher could start. Default 30 s. */
  lockTtlMs?: number;
  /** How long to wait for another process's refresh. Default 15 s. */
  lockWaitMs?: number;
  now?: () => Date;
}

/**
 * Each member's own tokens. A token close to expiry (or rejected by Zoom) is refreshed with the
 * rotating refresh token under a per-member Redis lock; inside the lock the store is read again,
 * so a process that waited uses the pair the other one saved instead of spending a refresh token
 * that is already dead. The new pair is saved before it is used. `invalid_grant` marks the
 * connection broken.
 */
export const createUserTokenProvider = ({
  connections,
  requestToken,
  redis,
  lockPrefix,
  refreshMarginMs = 60_000,
  lockTtlMs = 30_000,
  lockWaitMs = 15_000,
  now = () => new Date(),
}: UserTokenOptions): ZoomTokenProvider => {
  /** Access tokens Zoom refused, per member, until a refresh replaces them. */
  const rejected = new Map<string, string>();

  const refOf = (host: HostRef) => ({
    connections,
    memberId: host.memberId,
    provider: 'zoom' as const,
    vendor: 'Zoom',
  });
  const read = (host: HostRef): Promise<MemberConnection | null> => readMemberConnection(refOf(host));
  const usable = (host: HostRef, connection: MemberConnection | null): ConnectionTokens =>
    usableTokens(refOf(host), connection);

  const isFresh = (host: HostRef, tokens: ConnectionTokens): boolean =>
    Date.parse(tokens.expiresAt) - refreshMarginMs > now().getTime() &&
    rejected.get(host.memberId) !== tokens.accessToken;

  const answer = (tokens: ConnectionTokens): ZoomAccessToken => ({
    token: tokens.accessToken,
    userId: tokens.providerUserId ?? 'me',
  });

  /** Not expired and not refused by Zoom: usable for a call now, though maybe due for a refresh. */
  const isAlive = (host: HostRef, tokens: ConnectionTokens): boolean =>
    Date.parse(tokens.expiresAt) > now().getTime() && rejected.get(host.memberId) !== tokens.accessToken;

  /**
   * Runs under the member's lock: re-read, then refresh only if nobody else already did. `seen` is
   * the access token that sent us here; a different live one means another process refreshed.
   */
  const refreshLocked = async (host: HostRef, seen: string): Promise<ConnectionTokens> => {
    const current = usable(host, await read(host));
    if (isFresh(host, current) || (current.accessToken !== seen && isAlive(host, current))) return current;
    let next: ConnectionTokens;
    try {
      const granted = await requestToken({
        grant_type: 'refresh_token',
        refresh_token: current.refreshToken,
      });
      next = {
        accessToken: granted.access_token,
        // Zoom rotates the refresh token; keep the old one only if it (unusually) sent none.
        refreshToken: granted.refresh_token ?? current.refreshToken,
        expiresAt: new Date(now().getTime() + granted.expires_in * 1000).toISOString(),
        scope: granted.scope ?? current.scope,
        providerUserId: current.providerUserId,
      };
    } catch (error) {
      if (!(error instanceof InvalidGrantError)) throw error;
      // A refresher whose lock had expired may have rotated the pair meanwhile: then ours was
      // merely stale, not revoked.
      return settleRefusedRefresh(refOf(host), current, {
        message: `Zoom refused the refresh token (${error.reason}); the member must connect Zoom again`,
        providerResponse: { error: 'invalid_grant', reason: error.reason },
      });
    }
    // Save before use: the old refresh token is dead now, so this pair is the only one left.
    if (!(await connections.saveTokens(host.memberId, 'zoom', next))) {
      throw new PermanentError(
        'connection_revoked',
        `member ${host.memberId}'s Zoom connection was revoked or removed during a token refresh`,
      );
    }
    rejected.delete(host.memberId);
    return next;
  };

  return {
    getAccessToken: async (host) => {
      const stored = usable(host, await read(host));
      if (isFresh(host, stored)) return answer(stored);
      const key = `${lockPrefix}:lock:zoom-token-refresh:{${host.memberId}}`;
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
        'zoom_token_refresh_busy',
        `member ${host.memberId}'s Zoom token is being refreshed elsewhere`,
        {
          retryAfterMs: 1_000,
        },
      );
    },
    invalidate: async (host, rejectedToken) => {
      const token = rejectedToken ?? (await read(host))?.tokens?.accessToken;
      if (token) rejected.set(host.memberId, token);
    },
  };
};

// ---------------------------------------------------------------------------------------------
// Both

export interface ZoomTokenProviderOptions {
  /** Members' own connections, when the app supports them. */
  userTokens?: ZoomTokenProvider;
  /** The account's Server-to-Server app, when configured. */
  serverToServer?: ZoomTokenProvider;
}

/**
 * A member's own connection wins; a member without one is scheduled through Server-to-Server
 * OAuth if configured. A member whose own connection is broken or revoked is NOT silently moved to
 * the account token: their meetings would land on another account. Neither → member_not_connected.
 */
export const createZoomTokenProvider = ({
  userTokens,
  serverToServer,
}: ZoomTokenProviderOptions): ZoomTokenProvider => {
  const issuedBy = new Map<string, ZoomTokenProvider>();
  const notConnected = (host: HostRef): PermanentError =>
    new PermanentError(
      'member_not_connected',
      `member ${host.memberId} has no Zoom connection and no Server-to-Server credentials are configured`,
    );

  return {
    getAccessToken: async (host) => {
      if (userTokens) {
        try {
          const token = await userTokens.getAccessToken(host);
          issuedBy.set(host.memberId, userTokens);
          return token;
        } catch (error) {
          const isNotConnected = error instanceof PermanentError && error.code === 'member_not_connected';
          if (!isNotConnected || !serverToServer) throw error;
        }
      }
      if (!serverToServer) throw notConnected(host);
      const token = await serverToServer.getAccessToken(host);
      issuedBy.set(host.memberId, serverToServer);
      return token;
    },
    invalidate: async (host, rejectedToken) => {
      await (issuedBy.get(host.memberId) ?? userTokens ?? serverToServer)?.invalidate(host, rejectedToken);
    },
  };
};
