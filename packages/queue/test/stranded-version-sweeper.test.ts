// The stranded-version sweeper on a real Redis: a version that was stored but whose enqueue never
// happened gets its conference job; one still within its grace period, or already queued, does not.
import { cleanUpRedisPrefix, freshRedisPrefix, sampleBooking, sampleSnapshot } from '@meetlink/fakes';
import { randomUUID } from 'node:crypto';
import { createLogger } from '@meetlink/observability';
import { pollUntil } from '@meetlink/sandbox';
import { createRedisBookingStore } from '@meetlink/store';
import { createQueue, requeueStrandedVersions, startStrandedVersionSweeper } from '@meetlink/queue';
import { createRedisConnection } from '@meetlink/redis';

const redisUrl = process.env['REDIS_URL']!;
const prefix = freshRedisPrefix('tsv');
const redis = createRedisConnection(redisUrl, 'worker');
const logger = createLogger({ name: 'stranded-version-sweeper-test', level: 'silent' });
// The store's clock decides what "older than the grace period" means; tests move it by hand.
let clockMs = Date.now();
const store = createRedisBookingStore({ redis, prefix, now: () => new Date(clockMs) });
const conferenceQueue = createQueue('conference', { connection: redis, prefix });

afterAll(() => cleanUpRedisPrefix({ redis, prefix, queues: [conferenceQueue] }));

const newBookingId = () => `bk_${randomUUID().slice(0, 12)}`;

const accept = (bookingId: string, version = 1) =>
  store.accept(
    sampleSnapshot(sampleBooking({ bookingId, version }), {
      eventId: `evt_${version}`,
      receivedAt: new Date(clockMs).toISOString(),
    }),
    `msg_${bookingId}_${version}`,
  );

const jobOf = (bookingId: string, version: number) =>
  conferenceQueue.queue.getJob(`${bookingId}-v${version}`);
// Every entry, however recent: a touch raises the score past the test's frozen clock.
const listAll = () => store.listUnqueued(-60_000, 1000);
const unqueuedIds = async () => (await listAll()).map((entry) => entry.bookingId);

describe('the unqueued index', () => {
  it('holds an accepted version until markEnqueued for that same version', async () => {
    const bookingId = newBookingId();
    expect(await accept(bookingId, 1)).toBe('accepted');
    expect(await unqueuedIds()).toContain(bookingId);
    await accept(bookingId, 2);
    await store.markEnqueued(bookingId, 1); // an older version's enqueue does not clear the newer one
    expect(await listAll()).toContainEqual(
      // The second touch in the same millisecond still raises the score.
      expect.objectContaining({ bookingId, version: 2, acceptedAtMs: clockMs + 1, isQueued: false }),
    );
    await store.markEnqueued(bookingId, 2);
    expect(await unqueuedIds()).not.toContain(bookingId);
    expect(await accept(bookingId, 2)).toBe('duplicate');
    expect(await unqueuedIds()).not.toContain(bookingId);
  });

  it('drops an entry only once its booking is gone', async () => {
    const bookingId = newBookingId();
    await accept(bookingId);
    expect(await store.dropUnqueued(bookingId, clockMs)).toBe(false);
    await redis.del(`${prefix}:booking:{${bookingId}}`);
    expect(await listAll()).toContainEqual(expect.objectContaining({ bookingId, version: null }));
    expect(await store.dropUnqueued(bookingId, clockMs)).toBe(true);
    expect(await unqueuedIds()).not.toContain(bookingId);
  });

  // The index is its own key (another slot than the booking's on a cluster): an accept touches it and
  // then writes the booking, so a touch can precede a write that has not happened yet, or never will.
  it('keeps an entry that an accept touched after the version markEnqueued queued', async () => {
    const bookingId = newBookingId();
    await accept(bookingId, 1);
    const unqueued = `${prefix}:intake:unqueued`;
    await redis.zadd(unqueued, clockMs + 10, bookingId); // the next accept's touch, its write still to come
    await store.markEnqueued(bookingId, 1);
    expect(await listAll()).toContainEqual(
      expect.objectContaining({ bookingId, version: 1, acceptedAtMs: clockMs + 10, isQueued: true }),
    );
    // Listed at an older score, the entry stays: an accept touched it since.
    expect(await store.dropUnqueued(bookingId, clockMs)).toBe(false);
    expect(await store.dropUnqueued(bookingId, clockMs + 10)).toBe(true);
    expect(await unqueuedIds()).not.toContain(bookingId);
  });

  it('clears the entry on a duplicate or stale event when the newest version is queued', async () => {
    const bookingId = newBookingId();
    await accept(bookingId, 2);
    await store.markEnqueued(bookingId, 2);
    expect(await accept(bookingId, 1)).toBe('stale');
    expect(await unqueuedIds()).not.toContain(bookingId);
    expect(await accept(bookingId, 2)).toBe('duplicate');
    expect(await unqueuedIds()).not.toContain(bookingId);
    // A stale event while the newest version is not queued yet leaves that version's entry alone.
    expect(await accept(bookingId, 3)).toBe('accepted');
    expect(await accept(bookingId, 1)).toBe('stale');
    expect(await listAll()).toContainEqual(
      expect.objectContaining({ bookingId, version: 3, isQueued: false }),
    );
  });
});

describe('requeueStrandedVersions', () => {
  it('queues a version stored without its enqueue once the grace period is over, and marks it queued', async () => {
    const bookingId = newBookingId();
    await accept(bookingId);
    // Within the grace period the request that stored it may still be about to enqueue it.
    await requeueStrandedVersions({ store, conferenceQueue, graceMs: 2_000, logger });
    expect(await jobOf(bookingId, 1)).toBeUndefined();

    clockMs += 2_001;
    const result = await requeueStrandedVersions({ store, conferenceQueue, graceMs: 2_000, logger });
    expect(result.requeued).toBeGreaterThanOrEqual(1);
    expect((await jobOf(bookingId, 1))?.data).toEqual({ bookingId, version: 1 });
    expect(await unqueuedIds()).not.toContain(bookingId);
    expect(await accept(bookingId, 1)).toBe('duplicate');
  });

  it('queues only the newest version of a booking, and drops the entries of bookings that are gone', async () => {
    const [kept, gone] = [newBookingId(), newBookingId()];
    await accept(kept, 1);
    await accept(kept, 2);
    await accept(gone, 1);
    await redis.del(`${prefix}:booking:{${gone}}`);
    clockMs += 5_000;
    await requeueStrandedVersions({ store, conferenceQueue, graceMs: 2_000, batchSize: 1, logger });
    expect(await jobOf(kept, 2)).toBeDefined();
    expect(await jobOf(kept, 1)).toBeUndefined();
    expect(await jobOf(gone, 1)).toBeUndefined();
    expect(await unqueuedIds()).toEqual(expect.not.arrayContaining([kept, gone]));
  });

  it('drops, without queueing anything, the entry of an accept that touched the index and died', async () => {
    const bookingId = newBookingId();
    await accept(bookingId, 1);
    await store.markEnqueued(bookingId, 1);
    await redis.zadd(`${prefix}:intake:unqueued`, clockMs + 1, bookingId); // touched, then gone
    clockMs += 5_000;
    const result = await requeueStrandedVersions({ store, conferenceQueue, graceMs: 2_000, logger });
    expect(result).toMatchObject({ requeued: 0, failed: 0 });
    expect(result.dropped).toBeGreaterThanOrEqual(1);
    expect(await jobOf(bookingId, 1)).toBeUndefined();
    expect(await unqueuedIds()).not.toContain(bookingId);
  });
});

describe('startStrandedVersionSweeper', () => {
  it('queues a stranded version within its interval', async () => {
    const bookingId = newBookingId();
    await accept(bookingId); // stored, and then the enqueue never happened
    clockMs += 60_000;
    const sweeper = startStrandedVersionSweeper({
      store,
      conferenceQueue,
      intervalMs: 50,
      graceMs: 2_000,
      logger,
    });
    try {
      const job = await pollUntil(() => jobOf(bookingId, 1), Boolean, {
        timeoutMs: 5_000,
        what: 'the stranded version’s conference job',
      });
      expect(job?.data).toEqual({ bookingId, version: 1 });
    } finally {
      await sweeper.close();
    }
    expect(await unqueuedIds()).not.toContain(bookingId);
  });
});
