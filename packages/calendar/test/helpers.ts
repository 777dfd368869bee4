// Shared by the calendar integration tests: join details, a member-connection store on the test
// run's Redis under a key prefix of its own, and a way to catch the error an adapter throws.
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { createRedisMemberConnectionStore } from '@meetlink/connections';
import { parseTokenKeyring } from '@meetlink/config';
import { createGoogleTokenSource, createMicrosoftTokenSource } from '@meetlink/connections';
import type {
  GoogleTokenSourceOptions,
  MemberConnectionStore,
  MicrosoftTokenSourceOptions,
} from '@meetlink/connections';
import type { AccessTokenSource, CalendarProvider, JoinDetails } from '@meetlink/ports';
import { createGoogleCalendarProvider, createOutlookCalendarProvider } from '../src';
import type { GoogleCalendarProviderOptions, OutlookCalendarProviderOptions } from '../src';

export const joinDetails = (overrides: Partial<JoinDetails> = {}): JoinDetails => ({
  topic: 'Intro call with Ada Lovelace',
  joinUrl: 'https://zoom.us/j/81234567890?pwd=Zm9vYmFy',
  meetingId: '81234567890',
  passcode: 'k3y-9Q',
  dialIn: [
    {
      country: 'US',
      countryName: 'United States',
      city: 'New York',
      number: '+1 646 558 8656',
      type: 'toll',
    },
  ],
  instructions: 'Please join five minutes early.',
  startsAt: '2030-06-04T08:00:00Z',
  endsAt: '2030-06-04T08:30:00Z',
  timezone: 'Europe/Berlin',
  ...overrides,
});

export const count = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

/** The error a promise rejects with (fails the test if it resolves). */
export const rejectionOf = async (
  promise: Promise<unknown>,
): Promise<Error & { code?: string; details?: Record<string, unknown> }> => {
  try {
    await promise;
  } catch (error) {
    return error as Error & { code?: string; details?: Record<string, unknown> };
  }
  throw new Error('expected the promise to reject');
};

export interface TestConnections {
  store: MemberConnectionStore;
  /** The refresh lock's Redis and prefix, for the token sources. */
  lock: { redis: Redis; lockPrefix: string };
  close(): Promise<void>;
}

/** A member-connection store on REDIS_URL (started by the jest global setup), removed afterwards. */
export const openConnections = (): TestConnections => {
  const url = process.env['REDIS_URL'];
  if (!url) throw new Error('REDIS_URL is not set: run through jest (its global setup starts Redis)');
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  const prefix = `test-calendar-${randomUUID()}`;
  const store = createRedisMemberConnectionStore({
    redis,
    prefix,
    keyring: parseTokenKeyring(`k1:${randomBytes(32).toString('base64')}`),
  });
  return {
    store,
    lock: { redis, lockPrefix: prefix },
    close: async () => {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 100);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      await redis.quit();
    },
  };
};

type WithLock = {
  lock?: TestConnections['lock'];
  /** Stands between the adapter and its token source, to watch what the adapter asks. */
  watchTokens?: (source: AccessTokenSource) => AccessTokenSource;
};
type GoogleOptions = Omit<GoogleCalendarProviderOptions, 'tokens'> &
  Omit<GoogleTokenSourceOptions, 'redis' | 'lockPrefix'> &
  WithLock;
type OutlookOptions = Omit<OutlookCalendarProviderOptions, 'tokens'> &
  Omit<MicrosoftTokenSourceOptions, 'redis' | 'lockPrefix'> &
  WithLock;

// The adapters with the token sources main.ts builds for them from @meetlink/connections; one set of
// options feeds both, as main.ts's config does (each takes the fields it knows).

export const googleProvider = ({
  lock,
  watchTokens = (s) => s,
  ...options
}: GoogleOptions): CalendarProvider =>
  createGoogleCalendarProvider({
    ...options,
    tokens: watchTokens(createGoogleTokenSource({ ...options, ...lock })),
  });

export const outlookProvider = ({
  lock,
  watchTokens = (s) => s,
  ...options
}: OutlookOptions = {}): CalendarProvider =>
  createOutlookCalendarProvider({
    ...options,
    tokens: watchTokens(createMicrosoftTokenSource({ ...options, ...lock })),
  });

/** A token source that counts the tokens asked of it. */
export const countingTokens = (): {
  asks: () => number;
  watch: (source: AccessTokenSource) => AccessTokenSource;
} => {
  let asks = 0;
  return {
    asks: () => asks,
    watch: (source) => ({
      getAccessToken: (host) => {
        asks += 1;
        return source.getAccessToken(host);
      },
      invalidate: (host, token) => source.invalidate(host, token),
    }),
  };
};
