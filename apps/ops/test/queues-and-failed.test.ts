// `queues`, `failed`, `retry` and `pause`/`resume` run as functions on the test Redis. Jobs are put
// into each state with BullMQ's manual processing (getNextJob, moveToCompleted/moveToFailed), and
// one step failure comes from the real step worker, so the code it records is the one shown.
import { randomUUID } from 'node:crypto';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Job } from 'bullmq';
import type { QueueKey } from '@meetlink/events';
import { freshRedisPrefix, sampleBooking, sampleSnapshot } from '@meetlink/fakes';
import { createLogger } from '@meetlink/observability';
import { createStepWorker, queueKeyPrefix } from '@meetlink/queue';
import { pollUntil } from '@meetlink/sandbox';
import type { QueueCounts } from '../src/count-jobs';
import type { FailedJob } from '../src/list-failed-jobs';
import { queueNameOf } from '../src/parse-command';
import type { RetriedJob } from '../src/retry-failed-jobs';
import { opsOn, pipelineState } from './harness';

type PipelineState = ReturnType<typeof pipelineState>;

/** Takes the next job of a queue as a worker would, and leaves it active until told how it ends. */
const takeNext = async (state: PipelineState, key: QueueKey, workers: Worker[]) => {
  const worker = new Worker(queueNameOf(key), null, {
    connection: state.redis,
    prefix: queueKeyPrefix(state.prefix, queueNameOf(key)),
  });
  workers.push(worker);
  const token = randomUUID();
  const job: Job | undefined = await worker.getNextJob(token);
  if (!job) throw new Error(`no job to take in ${key}`);
  return {
    job,
    complete: () => job.moveToCompleted('done', token, false),
    /** Fails it for good with BullMQ's reason as our workers write it (`code: message`). */
    fail: (reason: string) => job.moveToFailed(new UnrecoverableError(reason), token, false),
  };
};

/** Each failure its own millisecond: failed jobs are ordered by when they ended. */
const nextMillisecond = async () => {
  const now = Date.now();
  await pollUntil(
    () => Promise.resolve(Date.now()),
    (t) => t > now,
    { everyMs: 1 },
  );
};

describe('ops queues', () => {
  const prefix = freshRedisPrefix('tops');
  const state = pipelineState(prefix);
  const ops = opsOn(prefix);
  const workers: Worker[] = [];
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close(true)));
    await state.close();
  });

  it('counts each queue by state, a paused queue its waiting jobs as paused', async () => {
    const { queues } = state;
    await queues.conference.add({ bookingId: 'bk_w1', version: 1 });
    await queues.conference.add({ bookingId: 'bk_w2', version: 1 });
    await queues.conference.add({ bookingId: 'bk_d1', version: 1 }, { delay: 60_000 });
    await queues.calendar.add({ bookingId: 'bk_a1', version: 1 });
    await takeNext(state, 'calendar', workers); // stays active
    await queues.calendar.add({ bookingId: 'bk_c1', version: 1 });
    await (await takeNext(state, 'calendar', workers)).complete();
    await queues.email.add({ bookingId: 'bk_f1', version: 1 });
    await (await takeNext(state, 'email', workers)).fail('smtp_unavailable: 451 (retry horizon spent)');
    await queues.reminders.queue.pause();
    await queues.reminders.add({ bookingId: 'bk_r1', offsetMinutes: 60 });

    const run = await ops('queues', '--json');
    expect(run.code).toBe(0);
    const zero = { isPaused: false, waiting: 0, active: 0, delayed: 0, failed: 0, completed: 0, paused: 0 };
    expect(run.json<QueueCounts[]>()).toEqual([
      { ...zero, queue: 'conference', waiting: 2, delayed: 1 },
      { ...zero, queue: 'calendar', active: 1, completed: 1 },
      { ...zero, queue: 'email', failed: 1 },
      { ...zero, queue: 'reminders', isPaused: true, paused: 1 },
      { ...zero, queue: 'meeting-cleanup' },
    ]);
  });

  it('prints the same counts as a table', async () => {
    const run = await ops('queues');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^queue\s+state\s+waiting\s+active\s+delayed\s+failed\s+completed\s+paused$/);
    expect(lines[1]).toMatch(/^-+( +-+){7}$/);
    expect(lines.slice(2).map((line) => line.split(/\s+/))).toEqual([
      ['conference', 'running', '2', '0', '1', '0', '0', '0'],
      ['calendar', 'running', '0', '1', '0', '0', '1', '0'],
      ['email', 'running', '0', '0', '0', '1', '0', '0'],
      ['reminders', 'paused', '0', '0', '0', '0', '0', '1'],
      ['meeting-cleanup', 'running', '0', '0', '0', '0', '0', '0'],
    ]);
  });
});

describe('ops failed, retry, pause and resume', () => {
  const prefix = freshRedisPrefix('tops');
  const state = pipelineState(prefix);
  const ops = opsOn(prefix);
  const workers: Worker[] = [];
  let stepWorker: Worker;
  const queuedAt = new Map<string, number>();

  beforeAll(async () => {
    // Three email jobs of bookings the store does not know, failed as our workers fail them.
    const reasons = {
      bk_e1: 'smtp_unavailable: the SMTP server answered 451 4.3.0 try later (retry horizon spent)',
      bk_e2: 'email_rejected: the SMTP server answered 550 5.1.1 no such user',
      bk_e3: 'Error: something no processor expected',
    };
    for (const [bookingId, reason] of Object.entries(reasons)) {
      await state.queues.email.add({ bookingId, version: 1 });
      const taken = await takeNext(state, 'email', workers);
      await taken.fail(reason);
      queuedAt.set(bookingId, (await state.queues.email.queue.getJob(taken.job.id!))!.timestamp);
      await nextMillisecond();
    }
    // A calendar step whose processor meets an error nobody mapped: the step worker records it as
    // internal_error, while BullMQ's reason only says "Error: socket hang up".
    await state.store.accept(sampleSnapshot(sampleBooking({ bookingId: 'bk_s1' })), 'msg_bk_s1');
    stepWorker = createStepWorker({
      step: 'calendar',
      store: state.store,
      logger: createLogger({ name: 'ops-test', level: 'silent' }),
      process: () => Promise.reject(new Error('socket hang up')),
      connection: state.redis,
      prefix,
      retryTiming: { horizonMs: 300, maxBackoffMs: 20 },
    });
    await state.queues.calendar.add({ bookingId: 'bk_s1', version: 1 });
    await pollUntil(
      () => state.queues.calendar.queue.getJobState('bk_s1-v1'),
      (s) => s === 'failed',
      { what: 'the calendar job of bk_s1 failed' },
    );
  });
  afterAll(async () => {
    await stepWorker.close();
    await Promise.all(workers.map((w) => w.close(true)));
    await state.close();
  });

  it('lists failed jobs newest first with booking, attempts, code and message', async () => {
    const run = await ops('failed', 'email', '--json');
    expect(run.code).toBe(0);
    const rows = run.json<FailedJob[]>();
    expect(rows.map((r) => [r.bookingId, r.code])).toEqual([
      ['bk_e3', 'job_failed'],
      ['bk_e2', 'email_rejected'],
      ['bk_e1', 'smtp_unavailable'],
    ]);
    const { failedAt: e2FailedAt, ...e2 } = rows[1]!;
    expect(e2FailedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(e2).toEqual({
      queue: 'email',
      jobId: 'bk_e2-v1',
      bookingId: 'bk_e2',
      version: 1,
      attempts: 1,
      code: 'email_rejected',
      message: 'the SMTP server answered 550 5.1.1 no such user',
      stepState: 'booking gone',
    });
    expect(rows[0]!.message).toBe('Error: something no processor expected');
  });

  it('shows the code the step recorded, not only what BullMQ kept', async () => {
    const [row, ...rest] = (await ops('failed', 'calendar', '--json')).json<FailedJob[]>();
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      bookingId: 'bk_s1',
      code: 'internal_error',
      message: 'socket hang up',
      stepState: 'failed',
    });
    expect(row!.attempts).toBeGreaterThanOrEqual(2);
  });

  it('filters by --code and cuts at --limit', async () => {
    const byCode = (await ops('failed', 'email', '--code', 'email_rejected', '--json')).json<FailedJob[]>();
    expect(byCode.map((r) => r.jobId)).toEqual(['bk_e2-v1']);
    const limited = (await ops('failed', 'email', '--limit', '2', '--json')).json<FailedJob[]>();
    expect(limited.map((r) => r.jobId)).toEqual(['bk_e3-v1', 'bk_e2-v1']);
    expect((await ops('failed', 'email', '--code', 'zoom_unavailable', '--json')).json()).toEqual([]);
  });

  it('prints failed jobs as a table, and says so when there are none', async () => {
    const run = await ops('failed', 'email', '--code', 'email_rejected');
    const [header, , row] = run.stdout.split('\n');
    expect(header).toMatch(/^failed at\s+booking\s+job\s+attempts\s+code\s+step now\s+message$/);
    expect(row).toMatch(/ bk_e2 +bk_e2-v1 +1 +email_rejected +booking gone +the SMTP server answered 550/);
    const none = await ops('failed', 'meeting-cleanup');
    expect([none.code, none.stdout]).toEqual([0, 'no failed jobs\n']);
  });

  it('retries only the jobs with the code, as fresh jobs under their own ids', async () => {
    const run = await ops('retry', 'email', '--code', 'smtp_unavailable', '--json');
    expect(run.code).toBe(0);
    expect(run.json<RetriedJob[]>()).toEqual([
      { queue: 'email', jobId: 'bk_e1-v1', bookingId: 'bk_e1', code: 'smtp_unavailable', outcome: 'retried' },
    ]);
    const job = (await state.queues.email.queue.getJob('bk_e1-v1'))!;
    expect(await job.getState()).toBe('waiting');
    expect(job.attemptsMade).toBe(0);
    expect(job.timestamp).toBeGreaterThan(queuedAt.get('bk_e1')!);
    const left = (await ops('failed', 'email', '--json')).json<FailedJob[]>();
    expect(left.map((r) => r.bookingId)).toEqual(['bk_e3', 'bk_e2']);
  });

  it('retries all the rest oldest first, then has nothing left to retry', async () => {
    const run = await ops('retry', 'email');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /bk_e2 +bk_e2-v1 +email_rejected +retried\n.*bk_e3 +bk_e3-v1 +job_failed +retried\n2 of 2 retried/,
    );
    expect(await state.queues.email.queue.getJobCounts('waiting', 'failed')).toEqual({
      waiting: 3,
      failed: 0,
    });
    const again = await ops('retry', 'email', '--code', 'email_rejected');
    expect([again.code, again.stdout]).toEqual([
      0,
      'nothing to retry: no failed jobs with code email_rejected\n',
    ]);
  });

  it('pauses and resumes a queue', async () => {
    const paused = await ops('pause', 'meeting-cleanup', '--json');
    expect([paused.code, paused.json()]).toEqual([0, { queue: 'meeting-cleanup', isPaused: true }]);
    expect(await state.queues.meetingCleanup.queue.isPaused()).toBe(true);
    const counts = (await ops('queues', '--json')).json<QueueCounts[]>();
    expect(counts.find((c) => c.queue === 'meeting-cleanup')?.isPaused).toBe(true);
    const resumed = await ops('resume', 'meeting-cleanup');
    expect([resumed.code, resumed.stdout]).toEqual([
      0,
      'meeting-cleanup resumed: its workers take jobs again\n',
    ]);
    expect(await state.queues.meetingCleanup.queue.isPaused()).toBe(false);
  });

  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [['failed', 'zoom'], /unknown queue "zoom"/],
    [['retry'], /retry needs a queue/],
    [['pause', 'conference', 'calendar'], /unexpected "calendar"/],
  ])('answers %j with a usage message and exit code 2, touching nothing', async (argv, message) => {
    const run = await ops(...argv);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).toContain('usage: npm run ops -- <command>');
  });

  it('answers a missing REDIS_URL with exit code 2 and what to set', async () => {
    const run = await opsOn(prefix, { env: {} })('queues');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/REDIS_URL: .*\n.*Set REDIS_URL to the pipeline's Redis/);
  });
});
