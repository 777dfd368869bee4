// Shared set-up for the integration tests: the fake Zoom over real HTTP, the run's real Redis, and
// the adapter's building blocks pointed at them.
import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { PermanentError, RetryableError } from '@meetlink/errors';
import type { FakeZoom } from '@meetlink/fakes';
import type { ConferenceProvider, HostRef, MeetingSpec } from '@meetlink/ports';

export const S2S = { accountId: 'acc_main', clientId: 's2s_client', clientSecret: 's2s_secret' };
export const USER_APP = { clientId: 'user_app_client', clientSecret: 'user_app_secret' };
/** The host most tests schedule for. */
export const ADA = { memberId: 'mem_ada', email: 'ada@example.com' };

/** Every passcode rule a Zoom account can set, at once (all but numeric-only, which excludes letters). */
export const EVERY_PASSCODE_RULE = {
  length: 10,
  have_letter: true,
  have_number: true,
  have_special_character: true,
  have_upper_and_lower_characters: true,
  consecutive_characters_length: 4,
  weak_enhance_detection: true,
} as const;

export const testRedis = (): Redis => {
  const url = process.env['REDIS_URL'];
  if (!url) throw new Error('REDIS_URL is not set: run the tests with jest (its global setup starts Redis)');
  return new Redis(url);
};

export const uniquePrefix = (name: string): string => `t-${name}-${randomUUID().slice(0, 8)}`;

export const deleteKeys = async (redis: Redis, prefix: string): Promise<void> => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
};

export const encryptionKey = (): string => `k1:${randomBytes(32).toString('base64')}`;

let bookings = 0;
/** A spec for a meeting tomorrow (by `now`), with a marker of its own. */
export const specFor = (overrides: Partial<MeetingSpec> = {}, now = new Date()): MeetingSpec => {
  bookings += 1;
  return {
    topic: `Booking ${bookings}`,
    startTime: new Date(now.getTime() + 24 * 3_600_000).toISOString(),
    timezone: 'Europe/Berlin',
    durationMinutes: 45,
    agenda: 'Discuss the proposal.',
    marker: `meetlink-booking:bk_${randomUUID().slice(0, 8)}`,
    ...overrides,
  };
};

/** Awaits a rejection and hands back the error, typed. */
export const rejectionOf = async (promise: Promise<unknown>): Promise<PermanentError | RetryableError> => {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PermanentError || error instanceof RetryableError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
};

export const tokenRequests = (fake: FakeZoom) => fake.requests().filter((r) => r.path === '/oauth/token');
export const apiRequests = (fake: FakeZoom) => fake.requests().filter((r) => r.path.startsWith('/v2/'));

/**
 * Zoom rejects the token a meeting was created with (401): the adapter gets a new one, once, and the
 * retried call succeeds. How the new token came (S2S or a member's refresh) is the caller's to check.
 */
export const readAfterZoomRejectsToken = async (
  fake: FakeZoom,
  provider: ConferenceProvider,
  host: HostRef,
): Promise<void> => {
  const created = await provider.createMeeting(host, specFor());
  fake.expireAccessTokens();
  expect((await provider.getMeeting(host, created.id))?.id).toBe(created.id);
  expect(
    apiRequests(fake)
      .slice(-2)
      .map((r) => r.status),
  ).toEqual([401, 200]);
};
