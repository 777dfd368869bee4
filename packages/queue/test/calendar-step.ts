// The step worker's own tests' corner of the test run's Redis: a prefix of the file's own, the
// booking store and the calendar queue on it, and one calendar step worker at a time, closed after
// each test; everything is cleaned up after the file.
import { cleanUpRedisPrefix, freshRedisPrefix } from '@meetlink/fakes';
import type { Worker } from 'bullmq';
import { createLogger } from '@meetlink/observability';
import { createQueue, createStepWorker } from '@meetlink/queue';
import { createRedisBookingStore } from '@meetlink/store';
import { createRedisConnection } from '@meetlink/redis';

type StepWorkerOptions = Parameters<typeof createStepWorker>[0];

/** Call at the top of a test file: it registers the file's afterEach and afterAll. */
export const openCalendarStep = (tag: string, name: string) => {
  const prefix = freshRedisPrefix(tag);
  const connection = createRedisConnection(process.env['REDIS_URL']!, 'worker');
  const store = createRedisBookingStore({ redis: connection, prefix });
  const queue = createQueue('calendar', { connection, prefix });
  const logger = createLogger({ name, level: 'silent' });
  let worker: Worker | undefined;

  afterEach(async () => {
    await worker?.close();
    worker = undefined;
  });
  afterAll(() => cleanUpRedisPrefix({ redis: connection, prefix, queues: [queue] }));

  /** A calendar step worker on this corner's store, connection and prefix (closed after the test). */
  const workerWith = (
    options: Omit<StepWorkerOptions, 'step' | 'store' | 'logger' | 'connection' | 'prefix'>,
  ) => {
    worker = createStepWorker({ step: 'calendar', store, logger, connection, prefix, ...options });
    return worker;
  };

  return { prefix, connection, store, queue, logger, workerWith };
};
