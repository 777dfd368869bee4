// A live access token for a member's connection, for the connections API's test call: refreshed and
// saved first when it is due or the provider just refused it. Zoom goes through @meetlink/zoom's
// user-token provider (Zoom rotates refresh tokens, so the refresh runs under the same Redis lock the
// conference worker takes); Google and Microsoft keep their refresh token valid across refreshes,
// so a plain refresh is safe. A refused refresh marks the connection broken, as the workers do.
import type { Redis } from 'ioredis';
import { PermanentError } from '@meetlink/errors';
import { connectionRevoked, readMemberConnection, settleRefusedRefresh, usableTokens } from '@meetlink/store';
import type { ConnectionProvider, ConnectionTokens, MemberConnectionStore } from '@meetlink/store';
import { createOAuthTokenRequester, createUserTokenProvider } from '@meetlink/zoom';
import type { ZoomTokenProvider } from '@meetlink/zoom';
import type { OAuthProvider } from './oauth-provider';
import { InvalidGrantError } from './provider-http';

export interface MemberAccess {
  /** `rejected`: a token the provider just answered 401 to; a new one is fetched instead. */
  getAccessToken(
    memberId: string,
    provider: ConnectionProvider,
    rejected?: string,
  ): Promise<{ token: string; refreshed: boolean }>;
}

export interface MemberAccessOptions {
  connections: MemberConnectionStore;
  providers: Partial<Record<ConnectionProvider, OAuthProvider>>;
  zoomApp?: { oauthBaseUrl: string; clientId: string; clientSecret: string } | undefined;
  redis: Redis;
  /** REDIS_PREFIX: the Zoom refresh lock must be the conference worker's. */
  prefix: string;
  refreshMarginMs?: number;
  now?: () => Date;
}

export const createMemberAccess = ({
  connections,
  providers,
  zoomApp,
  redis,
  prefix,
  refreshMarginMs = 60_000,
  now = () => new Date(),
}: MemberAccessOptions): MemberAccess => {
  const zoomTokens: ZoomTokenProvider | undefined = zoomApp
    ? createUserTokenProvider({
        connections,
        requestToken: createOAuthTokenRequester({ ...zoomApp, now }),
        redis,
        lockPrefix: prefix,
        refreshMarginMs,
        now,
      })
    : undefined;

  const refOf = (memberId: string, provider: ConnectionProvider, vendor: string) => ({
    connections,
    memberId,
    provider,
    vendor,
  });

  return {
    getAccessToken: async (memberId, provider, rejected) => {
      if (provider === 'zoom') {
        if (!zoomTokens)
          throw new PermanentError('provider_not_configured', 'no Zoom user-OAuth app is configured');
        const host = { memberId, email: '' };
        const before = (await readMemberConnection(refOf(memberId, 'zoom', 'Zoom')))?.tokens?.accessToken;
        if (rejected) await zoomTokens.invalidate(host, rejected);
        const { token } = await zoomTokens.getAccessToken(host);
        return { token, refreshed: token !== before };
      }
      const oauth = providers[provider];
      if (!oauth)
        throw new PermanentError('provider_not_configured', `no ${provider} OAuth app is configured`);
      const ref = refOf(memberId, provider, oauth.vendor);
      const tokens = usableTokens(ref, await readMemberConnection(ref));
      const isFresh = Date.parse(tokens.expiresAt) - refreshMarginMs > now().getTime();
      if (isFresh && tokens.accessToken !== rejected) return { token: tokens.accessToken, refreshed: false };
      let next: ConnectionTokens;
      try {
        next = await oauth.refresh(tokens, now());
      } catch (error) {
        if (!(error instanceof InvalidGrantError)) throw error;
        // A worker may have refreshed meanwhile; only a pair nobody replaced is really dead.
        const current = await settleRefusedRefresh(ref, tokens, {
          message: `${oauth.vendor} refused the refresh token; the member must connect again`,
        });
        return { token: current.accessToken, refreshed: true };
      }
      if (!(await connections.saveTokens(memberId, provider, next)))
        throw connectionRevoked(memberId, oauth.vendor, 'revoked', 'revoked during the refresh');
      return { token: next.accessToken, refreshed: true };
    },
  };
};
