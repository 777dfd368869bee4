// A live access token for a member's connection, for the connections API's test call: the same
// refresh policy (and Redis lock) the workers use, fed by each provider's connect flow.
import type { RedisClient } from '@meetlink/redis';
import { PermanentError } from '@meetlink/errors';
import type { AccessTokenSource } from '@meetlink/ports';
import type { ConnectionProvider, MemberConnectionStore } from './member-connections';
import type { OAuthProvider } from './oauth-provider';
import { createMemberTokenSource } from './token-sources';

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
  /** The connect flows, by provider: their refresh grants feed the refresh policy. */
  flows: Partial<Record<ConnectionProvider, OAuthProvider>>;
  redis: RedisClient;
  /** REDIS_PREFIX: the refresh lock must be the workers'. */
  lockPrefix: string;
  refreshMarginMs?: number;
  now?: () => Date;
}

export const createMemberAccess = ({
  connections,
  flows,
  redis,
  lockPrefix,
  refreshMarginMs,
  now,
}: MemberAccessOptions): MemberAccess => {
  const sources = new Map<ConnectionProvider, AccessTokenSource>();
  for (const flow of Object.values(flows)) {
    sources.set(
      flow.provider,
      createMemberTokenSource({
        connections,
        provider: flow.provider,
        vendor: flow.vendor,
        refresh: (tokens) => flow.refresh(tokens),
        redis,
        lockPrefix,
        ...(refreshMarginMs !== undefined ? { refreshMarginMs } : {}),
        ...(now ? { now } : {}),
      }),
    );
  }
  return {
    getAccessToken: async (memberId, provider, rejected) => {
      const source = sources.get(provider);
      if (!source)
        throw new PermanentError('provider_not_configured', `no ${provider} OAuth app is configured`);
      // The host's email is not needed: a member's own tokens are found by member id.
      const host = { memberId, email: '' };
      const before = (await connections.get(memberId, provider).catch(() => null))?.tokens?.accessToken;
      if (rejected) await source.invalidate(host, rejected);
      const { token } = await source.getAccessToken(host);
      return { token, refreshed: token !== before };
    },
  };
};
