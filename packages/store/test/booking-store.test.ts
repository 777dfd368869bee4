import { cleanUpRedisPrefix, freshRedisPrefix, sampleBooking, sampleSnapshot } from '@meetlink/fakes';
import Redis from 'ioredis';
import type { BookingSnapshot } from '@meetlink/events';
import { createRedisBookingStore } from '@meetlink/store';

const redis = new Redis(process.env['REDIS_URL']!);
const prefix = freshRedisPrefix('ts');
const store = createRedisBookingStore({ redis, prefix, now: () => new Date('2026-11-25T12:00:00Z') });

afterAll(() => cleanUpRedisPrefix({ redis, prefix }));

const snapshotOf = (bookingId: string, version: number): BookingSnapshot =>
  sampleSnapshot(sampleBooking({ bookingId, version }), {
    eventId: `evt_${version}`,
    receivedAt: '2026-11-25T12:00:00.000Z',
  });

describe('the Redis booking store', () => {
  it('keeps only newer versions and tells a replay from a stale event', async () => {
    expect(await store.accept(snapshotOf('bk_a', 2), 'msg_2')).toBe('accepted');
    expect(await store.accept(snapshotOf('bk_a', 2), 'msg_2')).toBe('replay');
    await store.markEnqueued('bk_a', 2);
    expect(await store.accept(snapshotOf('bk_a', 2), 'msg_2')).toBe('duplicate');
    expect(await store.accept(snapshotOf('bk_a', 1), 'msg_1')).toBe('stale');
    expect(await store.accept(snapshotOf('bk_a', 2), 'msg_other')).toBe('stale');
    expect(await store.accept(snapshotOf('bk_a', 3), 'msg_3')).toBe('accepted');
    expect((await store.getSnapshot('bk_a'))?.version).toBe(3);
  });

  it('resets every step to pending for a new version', async () => {
    await store.accept(snapshotOf('bk_b', 1), 'm1');
    await store.updateStep('bk_b', 1, 'email', { state: 'done' });
    await store.accept(snapshotOf('bk_b', 2), 'm2');
    const status = await store.getStatus('bk_b');
    expect(status?.steps.email).toMatchObject({ state: 'pending', version: 2, attempts: 0 });
  });

  it('refuses a step update for a version that is no longer the newest', async () => {
    await store.accept(snapshotOf('bk_c', 1), 'm1');
    await store.accept(snapshotOf('bk_c', 2), 'm2');
    expect(await store.updateStep('bk_c', 1, 'conference', { state: 'done' })).toBe(false);
    expect(
      await store.updateStep('bk_c', 2, 'conference', { state: 'running' }, { countAttempt: true }),
    ).toBe(true);
    expect((await store.getStatus('bk_c'))?.steps.conference).toMatchObject({
      state: 'running',
      attempts: 1,
    });
  });

  it('keeps each booking under one hash tag, so a Redis Cluster keeps it in one slot', async () => {
    await store.accept(snapshotOf('bk_d', 1), 'm1');
    expect((await redis.keys(`${prefix}:*bk_d*`)).sort()).toEqual([
      `${prefix}:booking:{bk_d}`,
      `${prefix}:booking:{bk_d}:timeline`,
    ]);
  });

  it('answers null for a booking it has never seen', async () => {
    expect(await store.getStatus('bk_none')).toBeNull();
    expect(await store.getSnapshot('bk_none')).toBeNull();
  });
});
