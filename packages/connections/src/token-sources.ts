// Access tokens for a host's calendar, both ways each vendor offers: an app credential that covers
// every host of the organisation (Google domain-wide delegation, a Microsoft app's client
// credentials), or the member's own OAuth tokens from the encrypted member-connection store.
import { PermanentError } from '@meetlink/errors';
import { readMemberConnection, settleRefusedRefresh, usableTokens } from '@meetlink/store';
import type {
  ConnectionProvider,
  ConnectionTokens,
  MemberConnection,
  MemberConnectionStore,
} from '@meetlink/store';
import type { HostRef } from './calendar-provider';
import { OAuthGrantError } from './oauth-token';
import type { TokenAnswer } from './oauth-token';

export interface AccessTokenSource {
  getAccessToken(host: HostRef): Promise<string>;
  /** The vendor answered 401 to `token`: do not hand it out again. */
  invalidate(host: HostRef, token: string): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// App credentials: one cached token per key (the host's email, or the tenant), fetched once at a time.

export interface CachedTokenSourceOptions {
  /** Which cache entry a host uses: its email for delegation, a constant for a tenant-wide token. */
  keyOf: (host: HostRef) => string;
  fetchToken: (host: HostRef) => Promise<TokenAnswer>;
  /** Fetch a new token this long before the old one expires. Default 5 min. */
  refreshMarginMs?: number;
  now?: () => Date;
}

export const createCachedTokenSource = ({
  keyOf,
  fetchToken,
  refreshMarginMs = 5 * 60_000,
  now = () => new Date(),
}: CachedTokenSourceOptions): AccessTokenSource => {
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
      if (cached && cached.refreshAt > now().getTime()) return cached.token;
      let pending = inFlight.get(key);
      if (!pending) {
        pending = fetchFor(host, key).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      return pending;
    },
    invalidate: (host, token) => {
      const key = keyOf(host);
      if (cache.get(key)?.token === token) cache.delete(key);
      return Promise.resolve();
    },
  };
};

// ---------------------------------------------------------------------------------------------
// Members' own tokens

export interface MemberTokenSourceOptions {
  connections: MemberConnectionStore;
  provider: Extract<ConnectionProvider, 'google' | 'microsoft'>;
  /** 'Google' or 'Microsoft', for messages. */
  vendor: string;
  /** Spends the refresh token at the vendor's token endpoint; undefined when no OAuth client is configured. */
  refresh?: (tokens: ConnectionTokens) => Promise<TokenAnswer>;
  /** Refresh an access token this long before it expires. Default 60 s. */
  refreshMarginMs?: number;
  now?: () => Date;
}

/**
 * A member's own connection. A token close to expiry (or refused by the vendor) is refreshed and the
 * new one saved before use. Neither vendor invalidates the old refresh token when it hands out a
 * new one, so two workers refreshing at once both succeed; the newest pair is kept. `invalid_grant`
 * marks the connection broken: the member must connect again.
 */
export const createMemberTokenSource = ({
  connections,
  provider,
  vendor,
  refresh,
  refreshMarginMs = 60_000,
  now = () => new Date(),
}: MemberTokenSourceOptions): AccessTokenSource => {
  const rejected = new Map<string, string>();

  const refOf = (host: HostRef) => ({ connections, memberId: host.memberId, provider, vendor });
  const read = (host: HostRef): Promise<MemberConnection | null> => readMemberConnection(refOf(host));
  const usable = (host: HostRef, connection: MemberConnection | null): ConnectionTokens =>
    usableTokens(refOf(host), connection);

  const isFresh = (host: HostRef, tokens: ConnectionTokens): boolean =>
    Date.parse(tokens.expiresAt) - refreshMarginMs > now().getTime() &&
    rejected.get(host.memberId) !== tokens.accessToken;

  const refreshed = async (host: HostRef, current: ConnectionTokens): Promise<ConnectionTokens> => {
    if (!refresh) {
      throw new PermanentError(
        'member_token_refresh_unconfigured',
        `member ${host.memberId}'s ${vendor} access token expired and no OAuth client is configured to refresh it`,
      );
    }
    let answer: TokenAnswer;
    try {
      answer = await refresh(current);
    } catch (error) {
      if (!(error instanceof OAuthGrantError)) throw error;
      if (error.error !== 'invalid_grant') {
        throw new PermanentError(
          'calendar_oauth_client_rejected',
          `${vendor} refused our OAuth client while refreshing member ${host.memberId}'s token: ${error.message}`,
          {
            providerResponse: {
              status: error.status,
              error: error.error,
              error_description: error.description,
            },
          },
        );
      }
      // Someone else may have refreshed (and the vendor retired our copy) meanwhile.
      return settleRefusedRefresh(refOf(host), current, {
        message: `${vendor} refused the refresh token${error.description ? ` (${error.description})` : ''}; the member must connect again`,
        providerResponse: { status: error.status, error: error.error, error_description: error.description },
      });
    }
    const next: ConnectionTokens = {
      accessToken: answer.access_token,
      refreshToken: answer.refresh_token ?? current.refreshToken,
      expiresAt: new Date(now().getTime() + answer.expires_in * 1000).toISOString(),
      scope: answer.scope ?? current.scope,
      providerUserId: current.providerUserId,
    };
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
      if (isFresh(host, stored)) return stored.accessToken;
      return (await refreshed(host, stored)).accessToken;
    },
    invalidate: (host, token) => {
      rejected.set(host.memberId, token);
      return Promise.resolve();
    },
  };
};

// ---------------------------------------------------------------------------------------------
// Both

/**
 * The member's own connection wins; a member without one is served by the app credential if one is
 * configured. A member whose own connection is broken or revoked gets `connection_revoked`, not a
 * silent switch. Neither → `member_not_connected`.
 */
export const combineTokenSources = (
  vendor: string,
  { member, app }: { member?: AccessTokenSource; app?: AccessTokenSource },
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
          `member ${host.memberId} has no ${vendor} calendar connection and no ${vendor} app credentials are configured`,
        );
      }
      const token = await app.getAccessToken(host);
      issuedBy.set(host.memberId, app);
      return token;
    },
    invalidate: async (host, token) => {
      await (issuedBy.get(host.memberId) ?? member ?? app)?.invalidate(host, token);
    },
  };
};
