// npm run bench:reminders -- [sizes, comma-separated; default 100000,1000000]
// Redis memory and wall time to schedule N reminders through the email worker's own scheduler
// (scheduleReminders: one delayed job per booking and offset), and to move 10% of them (a reschedule),
// beside the cheapest way BullMQ can hold the same delayed jobs (Queue.addBulk) on the same Redis.
import { createQueue } from '@meetlink/queue';
import { sampleBooking, sampleSnapshot } from '@meetlink/fakes';
import { startRedisServer } from '@meetlink/sandbox';
import type { BookingSnapshot } from '@meetlink/events';
import { scheduleReminders } from '../apps/email-worker/src/schedule-reminders';
import { describeMachine, formatCeiling, measureRedisCeiling, round, table } from './kit/machine';
import { createRedisConnection } from '@meetlink/redis';

const sizes = (process.argv[2] ?? '100000,1000000').split(',').map(Number);
const OFFSETS = [24 * 60, 60];
const CONCURRENCY = 64;
const BULK = 1_000;

const usedMemory = async (redis: ReturnType<typeof createRedisConnection>): Promise<number> => {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
};

/** Runs `work(i)` for i in [0, n) with `CONCURRENCY` in flight. */
const forEachConcurrently = async (n: number, work: (i: number) => Promise<unknown>): Promise<void> => {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < n) await work(next++);
    }),
  );
};

const snapshotFor = (i: number, startsAt: Date, version = 1): BookingSnapshot => {
  const booking = { ...sampleBooking({ bookingId: `bk_rem_${i}`, startsAt }), version };
  return sampleSnapshot(booking);
};

const main = async (): Promise<void> => {
  const server = await startRedisServer();
  const redis = createRedisConnection(server.url, 'worker', 'bench-reminders');
  const prefix = 'bench';
  console.log(describeMachine());
  console.log(formatCeiling(await measureRedisCeiling(server.port)));
  console.log('');

  const rows: (string | number)[][] = [];
  const now = () => new Date();
  for (const reminders of sizes) {
    const bookings = Math.ceil(reminders / OFFSETS.length);
    const inFiveDays = new Date(Date.now() + 5 * 24 * 3600_000);

    // Baseline: the same delayed jobs written by addBulk, the cheapest BullMQ path.
    await redis.flushall();
    const baseQueue = createQueue('reminders', { connection: redis, prefix });
    const baseBefore = await usedMemory(redis);
    const baseStart = performance.now();
    for (let from = 0; from < bookings; from += BULK) {
      const jobs = [];
      for (let i = from; i < Math.min(bookings, from + BULK); i++) {
        for (const offsetMinutes of OFFSETS) {
          jobs.push({
            name: 'send-reminder',
            data: { bookingId: `bk_rem_${i}`, offsetMinutes },
            opts: { jobId: `bk_rem_${i}-r${offsetMinutes}`, delay: 4 * 24 * 3600_000 },
          });
        }
      }
      await baseQueue.queue.addBulk(jobs);
    }
    const baseSeconds = (performance.now() - baseStart) / 1000;
    const baseBytes = (await usedMemory(redis)) - baseBefore;
    await baseQueue.close();

    // Ours: scheduleReminders per booking, as the email worker runs it.
    await redis.flushall();
    const remindersQueue = createQueue('reminders', { connection: redis, prefix });
    const before = await usedMemory(redis);
    const start = performance.now();
    await forEachConcurrently(bookings, (i) =>
      scheduleReminders(snapshotFor(i, inFiveDays), { remindersQueue, now }),
    );
    const scheduleSeconds = (performance.now() - start) / 1000;
    const bytes = (await usedMemory(redis)) - before;
    const delayed = await remindersQueue.queue.getDelayedCount();

    // A reschedule of 10% of the bookings moves both their reminders.
    const moved = Math.ceil(bookings / 10);
    const later = new Date(inFiveDays.getTime() + 3600_000);
    const moveStart = performance.now();
    await forEachConcurrently(moved, (i) =>
      scheduleReminders(snapshotFor(i * 10, later, 2), { remindersQueue, now }),
    );
    const moveSeconds = (performance.now() - moveStart) / 1000;
    await remindersQueue.close();

    rows.push([
      reminders,
      delayed,
      round(scheduleSeconds),
      Math.round(delayed / scheduleSeconds),
      round(baseSeconds),
      round(baseSeconds / scheduleSeconds, 2),
      round(bytes / 2 ** 20),
      Math.round(bytes / delayed),
      Math.round(baseBytes / delayed),
      moved * OFFSETS.length,
      round(moveSeconds),
      Math.round((moved * OFFSETS.length) / moveSeconds),
    ]);
  }
  console.log(
    table(
      [
        'reminders',
        'delayed jobs',
        'schedule s',
        'scheduled/s',
        'addBulk s',
        'ratio (addBulk s ÷ ours s)',
        'Redis MiB',
        'bytes/reminder',
        'addBulk bytes/reminder',
        'moved',
        'move s',
        'moved/s',
      ],
      rows,
    ),
  );
  const largest = rows.at(-1);
  if (largest) {
    const perReminder = Number(largest[7]);
    console.log(
      `\n1,000,000 reminders at ${perReminder} bytes each: ${round((perReminder * 1e6) / 2 ** 30, 2)} GiB of Redis`,
    );
  }
  redis.disconnect();
  await server.stop();
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
