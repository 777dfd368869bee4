// The step worker on a real Redis: checkpoints in the booking status, retries, permanent failures.
import { randomUUID } from 'node:crypto';
import type { Worker } from 'bullmq';
import { PermanentError, RetryableError } from '@meetlink/errors';
import { EventType, sampleBooking } from '@meetlink/events';
import type { BookingSnapshot, StepStatus } from '@meetlink/events';
import { createLogger } from '@meetlink/observability';
import { createRedisBookingStore } from '@meetlink/store';
import { createQueue, createRedisConnection, createStepWorker } from '@meetlink/queue';
import type { StepProcessor } from '@meetlink/queue';

const redisUrl = process.env['REDIS_URL']!;
const prefix = `tq${randomUUID().slice(0, 8)}`;
const connection = createRedisConnection(redisUrl, 'worker');
const store = createRedisBookingStore({ redis: connection, prefix });
const queue = createQueue('calendar', { connection, prefix });
const logger = createLogger({ name: 'step-worker-test', level: 'silent' });
let worker: Worker | undefined;

afterEach(async () => {
  await worker?.close();
  worker = undefined;
});
afterAll(async () => {
  await queue.queue.obliterate({ force: true });
  const keys = await connection.keys(`${prefix}:*`);
  if (keys.length) await connection.del(...keys);
  await queue.close();
  await connection.quit();
});

const accept = async (bookingId: string, version = 1): Promise<BookingSnapshot> => {
  const snapshot: BookingSnapshot = {
    bookingId,
    version,
    eventId: `evt_${version}`,
    eventType: EventType.created,
    isCanceled: false,
    booking: sampleBooking({ bookingId, version }),
    receivedAt: new Date().toISOString(),
  };
  await store.accept(snapshot, `msg_${bookingId}_${version}`);
  return snapshot;
};

const startWorker = (process: StepProcessor) => {
  worker = createStepWorker({
    step: 'calendar',
    store,
    logger,
    process,
    connection,
    prefix,
    concurrency: 1,
    // Fast retries for the test: the backoff strategy still runs, from a 10 ms base.
    workerOptions: { settings: { backoffStrategy: () => 10 } },
  });
  return worker;
};

const waitForStep = async (bookingId: string, isDone: (s: StepStatus) => boolean): Promise<StepStatus> => {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const step = (await store.getStatus(bookingId))?.steps.calendar;
    if (step && isDone(step)) return step;
    if (Date.now() > deadline) throw new Error(`step never settled: ${JSON.stringify(step)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('createStepWorker', () => {
  it('records running then done, with the detail the processor gives', async () => {
    await accept('bk_ok');
    startWorker(() => Promise.resolve({ state: 'done', detail: 'patched' }));
    await queue.add({ bookingId: 'bk_ok', version: 1 });
    const step = await waitForStep('bk_ok', (s) => s.state === 'done');
    expect(step).toMatchObject({ attempts: 1, detail: 'patched', lastError: null, version: 1 });
    expect(step.startedAt).not.toBeNull();
  });

  it('retries a retryable failure and clears the error once it succeeds', async () => {
    await accept('bk_retry');
    let calls = 0;
    startWorker(() => {
      calls += 1;
      if (calls < 3) return Promise.reject(new RetryableError('calendar_unavailable', 'Google answered 503'));
      return Promise.resolve({ state: 'done' });
    });
    await queue.add({ bookingId: 'bk_retry', version: 1 });
    const step = await waitForStep('bk_retry', (s) => s.state === 'done');
    expect(step).toMatchObject({ attempts: 3, lastError: null });
  });

  it('fails at once on a permanent error, with its code in the status and the job failed', async () => {
    await accept('bk_perm');
    let calls = 0;
    startWorker(() => {
      calls += 1;
      return Promise.reject(new PermanentError('member_not_connected', 'Ada has not connected Google'));
    });
    const job = await queue.add({ bookingId: 'bk_perm', version: 1 });
    const step = await waitForStep('bk_perm', (s) => s.state === 'failed');
    expect(step.lastError).toEqual({
      code: 'member_not_connected',
      message: 'Ada has not connected Google',
      retryable: false,
    });
    expect(calls).toBe(1);
    expect(await queue.queue.getJobState(job.id!)).toBe('failed');
  });

  it('leaves a superseded version to the newer job', async () => {
    await accept('bk_old', 1);
    await accept('bk_old', 2);
    const seen: number[] = [];
    startWorker((snapshot) => {
      seen.push(snapshot.version);
      return Promise.resolve({ state: 'done' });
    });
    await queue.add({ bookingId: 'bk_old', version: 1 });
    await queue.add({ bookingId: 'bk_old', version: 2 });
    await waitForStep('bk_old', (s) => s.state === 'done' && s.version === 2);
    expect(seen).toEqual([2]);
  });

  it('hands the booking on after it settles, also when it failed for good', async () => {
    await accept('bk_next_ok');
    await accept('bk_next_fail');
    const handedOn: string[] = [];
    worker = createStepWorker({
      step: 'calendar',
      store,
      logger,
      connection,
      prefix,
      process: (snapshot) =>
        snapshot.bookingId === 'bk_next_ok'
          ? Promise.resolve({ state: 'done' })
          : Promise.reject(new PermanentError('connection_revoked', 'token revoked')),
      next: (snapshot) => {
        handedOn.push(snapshot.bookingId);
        return Promise.resolve();
      },
    });
    await queue.add({ bookingId: 'bk_next_ok', version: 1 });
    await queue.add({ bookingId: 'bk_next_fail', version: 1 });
    await waitForStep('bk_next_ok', (s) => s.state === 'done');
    await waitForStep('bk_next_fail', (s) => s.state === 'failed');
    expect(handedOn.sort()).toEqual(['bk_next_fail', 'bk_next_ok']);
  });

  it.each(['provider', 'subject'] as const)(
    'waits out a %s rate limit without spending an attempt, and not a moment before Retry-After',
    async (scope) => {
      const bookingId = `bk_rl_${scope}`;
      await accept(bookingId);
      const calls: number[] = [];
      startWorker(() => {
        calls.push(Date.now());
        if (calls.length === 1) {
          return Promise.reject(
            new RetryableError('zoom_rate_limited', 'Too many requests', {
              retryAfterMs: 400,
              rateLimitScope: scope,
            }),
          );
        }
        return Promise.resolve({ state: 'done' });
      });
      const job = await queue.add({ bookingId, version: 1 });
      await waitForStep(bookingId, (s) => s.state === 'done');
      expect(calls).toHaveLength(2);
      expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(400);
      const finished = await queue.queue.getJob(job.id!);
      // Two starts, one attempt: BullMQ counts only the run that completed.
      expect(finished?.attemptsStarted).toBe(2);
      expect(finished?.attemptsMade).toBe(1);
    },
  );
});
