// Graceful shutdown: a worker asked to stop finishes the job it is running, within the deadline.
import { randomUUID } from 'node:crypto';
import { createLogger } from '@meetlink/observability';
import { closeAll, createQueue, createWorker } from '@meetlink/queue';
import { createRedisConnection } from '@meetlink/redis';

const redis = createRedisConnection(process.env['REDIS_URL']!, 'worker');
const prefix = `tsd${randomUUID().slice(0, 8)}`;
const queue = createQueue('email', { connection: redis, prefix });
const logger = createLogger({ name: 'shutdown-test', level: 'silent' });

afterAll(async () => {
  await queue.queue.obliterate({ force: true });
  await queue.close();
  await redis.quit();
});

const startSlowWorker = (ms: number) => {
  let release: () => void = () => undefined;
  const started = new Promise<void>((resolve) => {
    release = resolve;
  });
  const worker = createWorker(
    'email',
    async () => {
      release();
      await new Promise((r) => setTimeout(r, ms));
    },
    { connection: redis, prefix },
  );
  return { worker, started };
};

/** closeAll with the worker as its one closable: true when it closed within the deadline. */
const closeWithin = (worker: { close(): Promise<void> }, timeoutMs: number) =>
  closeAll({ logger, timeoutMs, closables: [{ name: 'worker', close: () => worker.close() }] });

it.each([
  {
    title: 'lets the running job finish before the worker closes',
    bookingId: 'bk_shutdown',
    jobMs: 300,
    timeoutMs: 5_000,
    isClean: true,
    state: 'completed',
  },
  {
    title: 'gives up at the deadline and says so; the job stays active for stalled-job recovery',
    bookingId: 'bk_shutdown_slow',
    jobMs: 2_000,
    timeoutMs: 100,
    isClean: false,
    state: 'active',
  },
])('$title', async ({ bookingId, jobMs, timeoutMs, isClean, state }) => {
  const { worker, started } = startSlowWorker(jobMs);
  const job = await queue.add({ bookingId, version: 1 });
  await started;
  expect(await closeWithin(worker, timeoutMs)).toBe(isClean);
  expect(await job.getState()).toBe(state);
  await worker.close(); // a job still running finishes before the next test file's cleanup
});
