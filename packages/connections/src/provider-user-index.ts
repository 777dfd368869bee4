// Which members connected a given provider account: Zoom's `app_deauthorized` names the Zoom user,
// not our member, so the connect flow records the pair here and the webhook looks it up. A Zoom
// user connected by two members (one person, two member records) revokes both.
import type { RedisClient } from '@meetlink/redis';
import type { ConnectionProvider } from './member-connections';

export interface ProviderUserIndex {
  link(provider: ConnectionProvider, providerUserId: string, memberId: string): Promise<void>;
  unlink(provider: ConnectionProvider, providerUserId: string, memberId: string): Promise<void>;
  membersOf(provider: ConnectionProvider, providerUserId: string): Promise<string[]>;
}

export const createRedisProviderUserIndex = ({
  redis,
  prefix,
}: {
  redis: RedisClient;
  prefix: string;
}): ProviderUserIndex => {
  const keyOf = (provider: ConnectionProvider, providerUserId: string): string =>
    `${prefix}:provider-user:${provider}:{${providerUserId}}`;
  return {
    link: async (provider, providerUserId, memberId) => {
      await redis.sadd(keyOf(provider, providerUserId), memberId);
    },
    unlink: async (provider, providerUserId, memberId) => {
      await redis.srem(keyOf(provider, providerUserId), memberId);
    },
    membersOf: async (provider, providerUserId) =>
      (await redis.smembers(keyOf(provider, providerUserId))).sort(),
  };
};
