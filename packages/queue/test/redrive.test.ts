// Redriving failed jobs on a real Redis: a fresh retry horizon, and what is left alone.
import { cleanUpRedisPrefix, freshRedisPrefix } from '@meetlink/fakes';
import type { Job, Worker } from 'bullmq';
import { RetryableError } from '@meetlink/errors';
import { createQueue, createWorker, redriveFailedJob } from '@meetlink/queue';
import { pollUntil } from '@meetlink/sandbox';
import { createRedisConnection } from '@meetlink/redis';

const HORIZON_MS = 400;
const prefix = freshRedisPrefix('trd');
const connection = createRedisConnection(process.env['REDIS_URL']!, 'worker');
const calendarQueue = createQueue('calendar', { connection, prefix });
/** No worker consumes it: its jobs stay where they are put. */
const emailQueue = createQueue('email', { connection, prefix });

/** Per booking: how the calendar "provider" behaves now. */
const behaviour = new Map<string, 'down' | 'flaky_once' | 'up'>();
const tries = new Map<string, number>();
let worker: Worker;

beforeAll(() => {
  worker = createWorker(
    'calendar',
    (payload) => {
      const { bookingId } = payload;
      tries.set(bookingId, (tries.get(bookingId) ?? 0) + 1);
      const mode = behaviour.get(bookingId) ?? 'up';
      if (mode === 'down') return Promise.reject(new RetryableError('calendar_unavailable', 'answered 503'));
      if (mode === 'flaky_once') {
        behaviour.set(bookingId, 'up');
        return Promise.reject(new RetryableError('calendar_unavailable', 'answered 503 once more'));
      }
      return Promise.resolve();
    },
    { connection, prefix, retryTiming: { horizonMs: HORIZON_MS, maxBackoffMs: 20 } },
  );
});
afterAll(async () => {
  await worker.close();
  await cleanUpRedisPrefix({ redis: connection, prefix, queues: [calendarQueue, emailQueue] });
});

const stateOf = (job: Job) => calendarQueue.queue.getJobState(job.id!);
const waitForState = (job: Job, wanted: string) =>
  pollUntil(
    () => stateOf(job),
    (state) => state === wanted,
    { what: `job ${job.id} ${wanted}` },
  );

/** A calendar job that was retried until its horizon was spent, then the provider comes back flaky. */
const failPastHorizon = async (bookingId: string): Promise<Job> => {
  behaviour.set(bookingId, 'down');
  const job = await calendarQueue.add({ bookingId, version: 1 });
  await waitForState(job, 'failed');
  const failed = (await calendarQueue.queue.getJob(job.id!))!;
  expect(failed.failedReason).toMatch(/^calendar_unavailable: .*\(retry horizon spent\)$/);
  behaviour.set(bookingId, 'flaky_once');
  tries.set(bookingId, 0);
  return failed;
};

describe('redriveFailedJob', () => {
  it('gives a job that spent its horizon a fresh one: a transient error after the redrive is retried', async () => {
    const failed = await failPastHorizon('bk_redrive');
    const outcome = await redriveFailedJob(calendarQueue, failed);
    expect(outcome.kind).toBe('retried');
    await waitForState(failed, 'completed');
    expect(tries.get('bk_redrive')).toBe(2);
    const done = (await calendarQueue.queue.getJob(failed.id!))!;
    expect(done.id).toBe('bk_redrive-v1');
    expect(done.timestamp).toBeGreaterThan(failed.timestamp);
  });

  it("is needed: BullMQ's own retry keeps the old timestamp, and the same transient error ends the job at once", async () => {
    const failed = await failPastHorizon('bk_plain_retry');
    await failed.retry('failed');
    // It ends failed after one more try (a fresh horizon would have retried it and completed).
    await pollUntil(
      () => stateOf(failed),
      (state) => state === 'failed' && tries.get('bk_plain_retry') === 1,
      { what: 'the plainly retried job to end again' },
    );
    const again = (await calendarQueue.queue.getJob(failed.id!))!;
    expect(again.failedReason).toMatch(/\(retry horizon spent\)$/);
  });

  it('leaves a job alone that is no longer failed', async () => {
    const waiting = await emailQueue.add({ bookingId: 'bk_waiting', version: 1 });
    expect(await redriveFailedJob(emailQueue, waiting)).toEqual({ kind: 'not_failed', state: 'waiting' });
    expect(await emailQueue.queue.getJobState(waiting.id!)).toBe('waiting');
  });

  it('keeps a job failed whose payload can never parse', async () => {
    const bad = await calendarQueue.queue.add('patch-calendar-event', { bookingId: 'no spaces allowed' });
    await waitForState(bad, 'failed');
    const failed = (await calendarQueue.queue.getJob(bad.id!))!;
    expect(failed.failedReason).toMatch(/^invalid_job_payload: /);
    expect((await redriveFailedJob(calendarQueue, failed)).kind).toBe('invalid_payload');
    expect(await stateOf(failed)).toBe('failed');
  });
});
