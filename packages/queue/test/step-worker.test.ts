// The step worker on a real Redis: checkpoints in the booking status, retries, permanent failures.
import { sampleBooking, sampleSnapshot } from '@meetlink/fakes';
import { UnrecoverableError, Worker as BullWorker } from 'bullmq';
import { PermanentError, RetryableError } from '@meetlink/errors';
import type { BookingSnapshot, StepStatus } from '@meetlink/events';
import { queueKeyPrefix, settleFailedJobs } from '@meetlink/queue';
import type { StepProcessor } from '@meetlink/queue';
import { pollUntil } from '@meetlink/sandbox';
import { openCalendarStep } from './calendar-step';
import { createRedisConnection } from '@meetlink/redis';

const redisUrl = process.env['REDIS_URL']!;
const { prefix, connection, store, queue, logger, workerWith } = openCalendarStep('tq', 'step-worker-test');

const accept = async (bookingId: string, version = 1): Promise<BookingSnapshot> => {
  const snapshot = sampleSnapshot(sampleBooking({ bookingId, version }), { eventId: `evt_${version}` });
  await store.accept(snapshot, `msg_${bookingId}_${version}`);
  return snapshot;
};

const startWorker = (process: StepProcessor) =>
  workerWith({
    process,
    concurrency: 1,
    // Fast retries for the test: the backoff strategy still runs, from a 10 ms base.
    workerOptions: { settings: { backoffStrategy: () => 10 } },
  });

const rateLimited = (retryAfterMs: number, rateLimitScope: 'provider' | 'subject') =>
  Promise.reject(
    new RetryableError('zoom_rate_limited', 'Too many requests', { retryAfterMs, rateLimitScope }),
  );

const waitForStep = async (bookingId: string, isDone: (s: StepStatus) => boolean): Promise<StepStatus> => {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const step = (await store.getStatus(bookingId))?.steps.calendar;
    if (step && isDone(step)) return step;
    if (Date.now() > deadline) throw new Error(`step never settled: ${JSON.stringify(step)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** The step's status is written inside the processor, before BullMQ records the job's end: wait for that too. */
const waitForJob = (jobId: string, state: 'completed' | 'failed'): Promise<unknown> =>
  pollUntil(
    () => queue.queue.getJobState(jobId),
    (current) => current === state,
    { what: `job ${jobId} ${state}` },
  );

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
    await waitForJob(job.id!, 'failed');
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
    workerWith({
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
        if (calls.length === 1) return rateLimited(400, scope);
        return Promise.resolve({ state: 'done' });
      });
      const job = await queue.add({ bookingId, version: 1 });
      await waitForStep(bookingId, (s) => s.state === 'done');
      expect(calls).toHaveLength(2);
      expect(calls[1]! - calls[0]!).toBeGreaterThanOrEqual(400);
      await waitForJob(job.id!, 'completed');
      const finished = await queue.queue.getJob(job.id!);
      // Two starts, one attempt: BullMQ counts only the run that completed.
      expect(finished?.attemptsStarted).toBe(2);
      expect(finished?.attemptsMade).toBe(1);
    },
  );

  it('treats Retry-After: 0 as a rate limit too: no attempt spent', async () => {
    await accept('bk_rl_zero');
    let calls = 0;
    startWorker(() => {
      calls += 1;
      if (calls === 1) return rateLimited(0, 'subject');
      return Promise.resolve({ state: 'done' });
    });
    const job = await queue.add({ bookingId: 'bk_rl_zero', version: 1 });
    await waitForStep('bk_rl_zero', (s) => s.state === 'done');
    await waitForJob(job.id!, 'completed');
    const finished = await queue.queue.getJob(job.id!);
    expect(finished?.attemptsStarted).toBe(2);
    expect(finished?.attemptsMade).toBe(1);
  });
});

describe('the step lease', () => {
  it('never lets two runs of one booking overlap, even when a step runs three times longer than the lease', async () => {
    await accept('bk_lease');
    const runs: { start: number; end: number; job: string }[] = [];
    workerWith({
      concurrency: 4,
      leaseTtlMs: 300,
      process: async (_snapshot, { job, lease }) => {
        const start = Date.now();
        // Three lease lifetimes, with writes along the way that each check the lease.
        for (let i = 0; i < 9; i += 1) {
          await new Promise((r) => setTimeout(r, 100));
          await lease.assertHeld();
        }
        runs.push({ start, end: Date.now(), job: job.id! });
        return { state: 'done' };
      },
    });
    await queue.add({ bookingId: 'bk_lease', version: 1 }, { jobId: 'bk_lease-a' });
    await queue.add({ bookingId: 'bk_lease', version: 1 }, { jobId: 'bk_lease-b' });
    await pollUntil(
      () => Promise.resolve(runs.length),
      (n) => n === 2,
      { what: 'both runs' },
    );
    const [first, second] = [...runs].sort((a, b) => a.start - b.start);
    expect(second!.start).toBeGreaterThanOrEqual(first!.end);
    expect(first!.end - first!.start).toBeGreaterThanOrEqual(900);
    // The waiting job was put back to sleep, not failed: no attempt spent while the lease was busy.
    // (Its run is pushed before BullMQ records the completion: wait for that, then read the counts.)
    await waitForJob(second!.job, 'completed');
    const waited = await queue.queue.getJob(second!.job);
    expect(waited?.attemptsMade).toBe(1);
    expect(waited!.attemptsStarted).toBeGreaterThan(1);
  });

  it('stops a run at its next write once another holder has the lease', async () => {
    await accept('bk_stolen');
    const seen: string[] = [];
    workerWith({
      leaseTtlMs: 10_000,
      workerOptions: { settings: { backoffStrategy: () => 10 } },
      process: async (_snapshot, { lease }) => {
        if (seen.length === 0) {
          // Someone else now holds the lease (as after this run was paused past its TTL).
          await connection.set(`${prefix}:lock:{bk_stolen}:calendar`, 'another-holder', 'PX', 200);
          try {
            await lease.assertHeld();
          } catch (error) {
            seen.push((error as RetryableError).code);
            throw error;
          }
        }
        seen.push('ran');
        return { state: 'done' };
      },
    });
    await queue.add({ bookingId: 'bk_stolen', version: 1 });
    await waitForStep('bk_stolen', (s) => s.state === 'done');
    expect(seen).toEqual(['lease_lost', 'ran']);
  });
});

describe('the retry horizon', () => {
  it('retries in time, not a count, and then fails for good visibly: status, notice, hand-on', async () => {
    await accept('bk_horizon');
    let calls = 0;
    const told: string[] = [];
    workerWith({
      retryTiming: { horizonMs: 600, maxBackoffMs: 40 },
      process: () => {
        calls += 1;
        return Promise.reject(new RetryableError('calendar_unavailable', 'Google answered 503'));
      },
      onFailed: (_snapshot, error) => {
        told.push(`failed:${error.code}`);
        return Promise.resolve();
      },
      next: () => {
        told.push('next');
        return Promise.resolve();
      },
    });
    const started = Date.now();
    const job = await queue.add({ bookingId: 'bk_horizon', version: 1 });
    const step = await waitForStep('bk_horizon', (s) => s.state === 'failed');
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(calls).toBeGreaterThan(5);
    expect(step.lastError?.code).toBe('calendar_unavailable');
    expect(told).toEqual(['failed:calendar_unavailable', 'next']);
    await waitForJob(job.id!, 'failed');
  });
});

/**
 * A running calendar step whose job BullMQ failed behind our back: a worker takes the job by hand and
 * fails it the way BullMQ's stalled checker does (its script fails it outright; UnrecoverableError
 * does the same through the public API).
 */
const failBehindOurBack = async (bookingId: string) => {
  await accept(bookingId);
  await store.updateStep(bookingId, 1, 'calendar', { state: 'running' }, { countAttempt: true });
  await queue.add({ bookingId, version: 1 });
  const manualConnection = createRedisConnection(redisUrl, 'worker');
  const manual = new BullWorker('calendar', null, {
    connection: manualConnection,
    prefix: queueKeyPrefix(prefix, 'calendar'),
  });
  const job = await manual.getNextJob('manual-token');
  await job.moveToFailed(
    new UnrecoverableError('job stalled more than allowable limit'),
    'manual-token',
    false,
  );
  await manual.close();
  await manualConnection.quit();
  return job;
};

describe('settleFailedJobs', () => {
  it('settles a job that BullMQ failed behind our back (stalled too often): failed with a code, told, handed on', async () => {
    await failBehindOurBack('bk_stalled');

    const told: string[] = [];
    const hooks = {
      onFailed: (_s: BookingSnapshot, error: { code: string }) => {
        told.push(error.code);
        return Promise.resolve();
      },
      next: () => {
        told.push('next');
        return Promise.resolve();
      },
    };
    expect(await settleFailedJobs({ queue: queue.queue, step: 'calendar', store, logger, ...hooks })).toBe(1);
    const step = (await store.getStatus('bk_stalled'))!.steps.calendar;
    expect(step).toMatchObject({ state: 'failed', lastError: { code: 'job_stalled', retryable: false } });
    expect(told).toEqual(['job_stalled', 'next']);
    // Once settled, a second pass leaves it alone.
    expect(await settleFailedJobs({ queue: queue.queue, step: 'calendar', store, logger, ...hooks })).toBe(0);
  });

  it('reads only the jobs that failed after `finishedAfter`', async () => {
    const job = await failBehindOurBack('bk_stalled_old');
    const failedAt = (await queue.queue.getJob(job.id!))!.finishedOn!;

    const pass = (finishedAfter?: number) =>
      settleFailedJobs({ queue: queue.queue, step: 'calendar', store, logger, finishedAfter });
    expect(await pass(failedAt)).toBe(0);
    expect((await store.getStatus('bk_stalled_old'))!.steps.calendar.state).toBe('running');
    expect(await pass(failedAt - 1)).toBe(1);
    expect((await store.getStatus('bk_stalled_old'))!.steps.calendar.state).toBe('failed');
  });
});
