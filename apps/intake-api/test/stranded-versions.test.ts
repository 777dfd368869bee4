// A version stored while the conference queue cannot be reached is not stranded: the answer is 503
// (retry later), and either the stranded-version sweeper or the upstream's redelivery queues it.
// The queue runs on a Redis connection of its own that the test really disconnects, so the snapshot
// write (on the app's connection) succeeds and the enqueue right after it fails.
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '@meetlink/redis';
import { createLogger } from '@meetlink/observability';
import { createQueue, startStrandedVersionSweeper } from '@meetlink/queue';
import type { TypedQueue } from '@meetlink/queue';
import { pollUntil } from '@meetlink/sandbox';
import { startIntake, testRedisUrl } from './harness';
import type { Intake } from './harness';
import { createRedisConnection } from '@meetlink/redis';

const logger = createLogger({ name: 'stranded-versions-test', level: 'silent' });

let intake: Intake;
let queueConnection: RedisClient;
let flakyQueue: TypedQueue<'conference'>;

beforeEach(async () => {
  const prefix = `t${randomUUID().slice(0, 8)}`;
  queueConnection = createRedisConnection(testRedisUrl(), 'producer');
  queueConnection.on('error', () => undefined);
  flakyQueue = createQueue('conference', { connection: queueConnection, prefix });
  await flakyQueue.queue.waitUntilReady();
  intake = await startIntake({ prefix, app: { conferenceQueue: flakyQueue } });
});
afterEach(async () => {
  await intake.close();
  await flakyQueue.close();
  queueConnection.disconnect();
});

const newBookingId = () => `bk_${randomUUID().slice(0, 12)}`;
/** The job as the workers see it, read through the harness's own (healthy) queue on the same keys. */
const jobOf = (bookingId: string, version = 1) =>
  intake.conferenceQueue.queue.getJob(`${bookingId}-v${version}`);

/** Sends a booking while the queue's connection is down: the snapshot is stored, the enqueue fails. */
const sendWhileQueueIsDown = async (bookingId: string, webhookId: string) => {
  queueConnection.disconnect();
  await pollUntil(
    () => Promise.resolve(queueConnection.status),
    (status) => status === 'end',
    { what: 'the queue connection to close' },
  );
  const event = sampleEvent(sampleBooking({ bookingId }));
  const res = await intake.send(event, webhookId);
  return { event, res };
};

const reconnectQueue = async () => {
  await queueConnection.connect();
  await pollUntil(
    () => Promise.resolve(queueConnection.status),
    (status) => status === 'ready',
    { what: 'the queue connection to be ready' },
  );
};

it('answers 503 retry-later when the enqueue fails after the snapshot was stored, and the sweeper queues it', async () => {
  const bookingId = newBookingId();
  const { res } = await sendWhileQueueIsDown(bookingId, 'msg_lost');
  expect(res.status).toBe(503);
  const { error } = (await res.json()) as { error: { code: string; message: string } };
  expect(error.code).toBe('redis_unavailable');
  expect(error.message).toMatch(/retry later/);
  expect(error.message).not.toMatch(/nothing was stored/i);
  // The snapshot is stored, and no job exists: without the sweeper this version would be stranded.
  expect(await intake.store.getSnapshot(bookingId)).toMatchObject({ version: 1 });
  expect(await jobOf(bookingId)).toBeUndefined();

  await reconnectQueue();
  const sweeper = startStrandedVersionSweeper({
    store: intake.store,
    conferenceQueue: flakyQueue,
    intervalMs: 50,
    graceMs: 100,
    logger,
  });
  try {
    const job = await pollUntil(() => jobOf(bookingId), Boolean, {
      timeoutMs: 5_000,
      what: 'the stranded version’s conference job',
    });
    expect(job?.data).toEqual({ bookingId, version: 1 });
  } finally {
    await sweeper.close();
  }
  expect((await intake.store.listUnqueued(0, 100)).map((entry) => entry.bookingId)).not.toContain(bookingId);
});

it('queues the version when the upstream redelivers the same webhook after the 503 (replay)', async () => {
  const bookingId = newBookingId();
  const { event, res } = await sendWhileQueueIsDown(bookingId, 'msg_retried');
  expect(res.status).toBe(503);
  expect(await jobOf(bookingId)).toBeUndefined();

  await reconnectQueue();
  const again = await intake.send(event, 'msg_retried');
  expect(again.status).toBe(202);
  expect(await again.json()).toMatchObject({ bookingId, status: 'duplicate' });
  expect((await jobOf(bookingId))?.data).toEqual({ bookingId, version: 1 });
  expect((await intake.store.listUnqueued(0, 100)).map((entry) => entry.bookingId)).not.toContain(bookingId);
  // A third delivery is a plain duplicate: nothing more is queued.
  expect(await (await intake.send(event, 'msg_retried')).json()).toMatchObject({ status: 'duplicate' });
  expect(await intake.conferenceQueue.queue.getJobCountByTypes('waiting', 'delayed', 'active')).toBe(1);
});
