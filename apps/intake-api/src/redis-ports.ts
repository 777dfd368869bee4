// The intake's Redis-backed ports, built in one place for main.ts (and for the tests and benchmarks
// that run the same app): booking state, the provider user index, OAuth states, Zoom meeting events.
import type { RedisClient } from '@meetlink/redis';
import { createOAuthStateStore, createRedisProviderUserIndex } from '@meetlink/connections';
import { bookingRetentionOf, createRedisBookingStore, createRedisMeetingEventLog } from '@meetlink/store';
import type { AppDeps } from './app';

export interface IntakeRedisPortsOptions {
  redis: RedisClient;
  prefix: string;
  /** CONNECT_LINK_SECRET: OAuth states are signed with it; empty: no OAuth states (no connect flows). */
  connectLinkSecrets: readonly string[];
  /** BOOKING_RETENTION_DAYS: how long a booking's keys outlive it (default 30 days). */
  bookingRetentionDays?: number;
  now?: () => Date;
}

export const createIntakeRedisPorts = ({
  redis,
  prefix,
  connectLinkSecrets,
  bookingRetentionDays = 30,
  now,
}: IntakeRedisPortsOptions): Pick<AppDeps, 'store' | 'userIndex' | 'oauthStates' | 'meetingEvents'> => {
  const timeline = bookingRetentionOf(bookingRetentionDays);
  return {
    store: createRedisBookingStore({ redis, prefix, timeline }),
    userIndex: createRedisProviderUserIndex({ redis, prefix }),
    oauthStates:
      connectLinkSecrets.length > 0
        ? createOAuthStateStore({ redis, prefix, secrets: connectLinkSecrets, ...(now ? { now } : {}) })
        : null,
    meetingEvents: createRedisMeetingEventLog({ redis, prefix, timeline }),
  };
};
