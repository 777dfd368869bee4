// The ops CLI against the real conference, calendar and email workers (as processes) and the fakes:
// a failed step retried once its cause is fixed, a booking replayed without a second meeting or
// email, a paused queue that holds its jobs until resumed.
import type { BookingStatus } from '@meetlink/events';
import { freshRedisPrefix, sampleBooking } from '@meetlink/fakes';
import { pollUntil, SANDBOX_ZOOM } from '@meetlink/sandbox';
import type { QueueCounts } from '../src/count-jobs';
import type { FailedJob } from '../src/list-failed-jobs';
import type { ReplayedBooking } from '../src/replay-booking';
import type { RetriedJob } from '../src/retry-failed-jobs';
import { opsOn, pipelineState, startWorkerProcesses } from './harness';
import type { WorkerProcesses } from './harness';

/** Scaled down, as the drills scale it, so that "past its retry horizon" takes a second, not a day. */
const HORIZON_MS = 1_500;

const prefix = freshRedisPrefix('topsp');
const state = pipelineState(prefix);
const ops = opsOn(prefix);
let workers: WorkerProcesses;

beforeAll(async () => {
  workers = await startWorkerProcesses(prefix, {
    RETRY_HORIZON_MS: String(HORIZON_MS),
    RETRY_MAX_BACKOFF_MS: '100',
    MEETING_WAIT_MS: '60000',
  });
}, 60_000);
afterAll(async () => {
  await workers?.stop();
  await state.close();
});

const settled = (s: BookingStatus) =>
  Object.values(s.steps).every((step) => ['done', 'skipped', 'failed'].includes(step.state));

/** Zoom meetings that carry the booking's marker (the conference worker puts it on the agenda). */
const meetingsOf = (bookingId: string) =>
  workers.zoom.meetings().filter((m) => m.agenda.includes(`meetlink-booking:${bookingId}`));

/** Emails of one booking: their Message-IDs start with the booking id. */
const emailsOf = (bookingId: string) =>
  workers.fakes.smtp!.messages().filter((m) => m.messageId?.startsWith(`<${bookingId}.`));

/** Fails a test with what the workers printed, which says why a step did not settle. */
const withOutput = async <T>(work: Promise<T>): Promise<T> =>
  work.catch((error: unknown) => {
    throw new Error(`${String(error)}\n--- workers ---\n${workers.output()}`);
  });

describe('retry', () => {
  it('runs a conference job that failed for good again once the cause is fixed: done, one meeting', async () => {
    const booking = sampleBooking({ bookingId: 'bk_ops_carol' });
    booking.host = { ...booking.host, memberId: 'mem_carol', email: 'carol@example.com' };
    await state.submit(booking);

    // Carol has no Zoom user: a permanent error, the step failed at its first try.
    const [failed] = await withOutput(
      pollUntil(
        async () =>
          (await ops('failed', 'conference', '--json'))
            .json<FailedJob[]>()
            .filter((r) => r.bookingId === booking.bookingId),
        (rows) => rows.length === 1,
        { what: 'the failed conference job of bk_ops_carol' },
      ),
    );
    expect(failed).toMatchObject({
      jobId: 'bk_ops_carol-v1',
      version: 1,
      attempts: 1,
      code: 'zoom_user_not_found',
      stepState: 'failed',
    });
    const table = await ops('failed', 'conference');
    expect(table.stdout).toMatch(/bk_ops_carol +bk_ops_carol-v1 +1 +zoom_user_not_found +failed /);

    // The cause is fixed long after the job was queued: past its retry horizon. Zoom still answers
    // Carol's first call with a 503, which a fresh horizon retries and an old one would not.
    const job = (await state.queues.conference.queue.getJob('bk_ops_carol-v1'))!;
    await pollUntil(
      () => Promise.resolve(Date.now() - job.timestamp),
      (age) => age > HORIZON_MS + 500,
      { what: 'the job to be past its horizon', everyMs: 100 },
    );
    workers.zoom.addUser({ id: 'zu_carol', email: 'carol@example.com', accountId: SANDBOX_ZOOM.accountId });
    workers.zoom.inject({ kind: 'status', status: 503, times: 1, path: /carol/ });

    const retried = await ops('retry', 'conference', '--code', 'zoom_user_not_found', '--json');
    expect(retried.code).toBe(0);
    expect(retried.json<RetriedJob[]>()).toEqual([
      {
        queue: 'conference',
        jobId: 'bk_ops_carol-v1',
        bookingId: 'bk_ops_carol',
        code: 'zoom_user_not_found',
        outcome: 'retried',
      },
    ]);

    const status = await withOutput(
      state.waitForStatus(booking.bookingId, (s) => s.steps.conference.state === 'done'),
    );
    // The first try, the 503 after the retry, the try that made the meeting.
    expect(status.steps.conference).toMatchObject({ attempts: 3, lastError: null });
    expect(workers.zoom.requests().filter((r) => r.status === 503 && /carol/.test(r.path))).toHaveLength(1);
    const meetings = meetingsOf(booking.bookingId);
    expect(meetings).toHaveLength(1);
    expect(meetings[0]!.host_email).toBe('carol@example.com');
    expect(status.meeting?.id).toBe(String(meetings[0]!.id));
    const left = (await ops('failed', 'conference', '--json')).json<FailedJob[]>();
    expect(left.filter((r) => r.bookingId === booking.bookingId)).toEqual([]);
  });
});

describe('replay', () => {
  it('runs every step again, conference first, without a second meeting or email', async () => {
    const booking = sampleBooking({
      bookingId: 'bk_ops_replay',
      calendar: { provider: 'google', calendarId: 'ada@example.com', eventId: 'opsreplaevent1' },
    });
    await state.submit(booking);
    const before = await withOutput(
      state.waitForStatus(booking.bookingId, (s) => settled(s) && emailsOf(booking.bookingId).length === 1),
    );
    expect(Object.values(before.steps).map((step) => step.state)).toEqual(['done', 'done', 'done']);
    expect(meetingsOf(booking.bookingId)).toHaveLength(1);

    const run = await ops('replay', booking.bookingId, '--json');
    expect(run.code).toBe(0);
    const replayed = run.json<ReplayedBooking>();
    expect(replayed).toMatchObject({ bookingId: booking.bookingId, version: 1, conference: 'completed' });
    expect(replayed.jobs.map((j) => j.queue)).toEqual(['conference', 'calendar', 'email']);
    for (const { jobId } of replayed.jobs) expect(jobId).toMatch(/^bk_ops_replay-v1-replay\d+$/);

    const after = await withOutput(
      state.waitForStatus(
        booking.bookingId,
        (s) =>
          settled(s) &&
          Object.entries(s.steps).every(
            ([name, step]) => step.attempts === before.steps[name as 'email'].attempts + 1,
          ),
      ),
    );
    expect(Object.values(after.steps).map((step) => step.state)).toEqual(['done', 'done', 'done']);
    // Calendar and email ran after the conference run had settled, as its hand-on would run them.
    for (const step of [after.steps.calendar, after.steps.email]) {
      expect(Date.parse(step.startedAt!)).toBeGreaterThanOrEqual(
        Date.parse(after.steps.conference.finishedAt!),
      );
    }
    expect(after.meeting).toEqual(before.meeting);
    expect(meetingsOf(booking.bookingId)).toHaveLength(1);
    expect(after.steps.email.detail).toMatch(/confirmation email already sent/);
    const emails = emailsOf(booking.bookingId);
    expect(emails.map((m) => m.messageId)).toEqual([`<bk_ops_replay.confirmation@meetlink.local>`]);
  });

  it('says a booking it does not know is not found, with exit code 3', async () => {
    const run = await ops('replay', 'bk_nobody');
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/booking bk_nobody not found: no stored snapshot under the prefix "topsp/);
    expect(await state.queues.conference.queue.getJobCounts('waiting', 'delayed')).toEqual({
      waiting: 0,
      delayed: 0,
    });
  });
});

describe('pause and resume', () => {
  it("holds a paused queue's new jobs until it is resumed", async () => {
    expect((await ops('pause', 'conference', '--json')).json()).toEqual({
      queue: 'conference',
      isPaused: true,
    });
    const booking = sampleBooking({ bookingId: 'bk_ops_paused' });
    await state.submit(booking);
    const conference = () =>
      ops('queues', '--json').then((r) => r.json<QueueCounts[]>().find((c) => c.queue === 'conference')!);
    expect(await conference()).toMatchObject({ isPaused: true, waiting: 0, active: 0, paused: 1 });
    expect((await state.store.getStatus(booking.bookingId))?.steps.conference.state).toBe('pending');

    expect((await ops('resume', 'conference')).code).toBe(0);
    const status = await withOutput(
      state.waitForStatus(booking.bookingId, (s) => s.steps.conference.state === 'done'),
    );
    expect(status.meeting).not.toBeNull();
    expect(await conference()).toMatchObject({ isPaused: false, paused: 0 });
  });
});
