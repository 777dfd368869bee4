// Graceful shutdown: a worker asked to stop finishes the job it is running, within the deadline.
import { randomUUID } from 'node:crypto';
import { createLogger } from '@meetlink/observability';
import { closeAll, createQueue, createRedisConnection, createWorker } from '@meetlink/queue';

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

it('lets the running job finish before the worker closes', async () => {
  const { worker, started } = startSlowWorker(300);
  const job = await queue.add({ bookingId: 'bk_shutdown', version: 1 });
  await started;
  const isClean = await closeWithin(worker, 5_000);
  expect(isClean).toBe(true);
  expect(await job.getState()).toBe('completed');
});

it('gives up at the deadline and says so; the job stays active for stalled-job recovery', async () => {
  const { worker, started } = startSlowWorker(2_000);
  const job = await queue.add({ bookingId: 'bk_shutdown_slow', version: 1 });
  await started;
  const isClean = await closeWithin(worker, 100);
  expect(isClean).toBe(false);
  expect(await job.getState()).toBe('active');
  await worker.close(); // let it finish before the next test file's cleanup
});
