// The step worker's part of the booking's timeline, on a real Redis: one entry per attempt (its number,
// times, duration, outcome and error), and what the processor noted, kept even when the attempt failed.
import { cleanUpRedisPrefix, freshRedisPrefix, sampleBooking, sampleSnapshot } from '@meetlink/fakes';
import type { Worker } from 'bullmq';
import { PermanentError, RetryableError } from '@meetlink/errors';
import type { TimelineAttempt, TimelineEntry } from '@meetlink/events';
import { createLogger } from '@meetlink/observability';
import { createRedisBookingStore } from '@meetlink/store';
import { createQueue, createStepWorker } from '@meetlink/queue';
import type { StepProcessor } from '@meetlink/queue';
import { pollUntil } from '@meetlink/sandbox';
import { createRedisConnection } from '@meetlink/redis';

const prefix = freshRedisPrefix('tq-tl-');
const connection = createRedisConnection(process.env['REDIS_URL']!, 'worker');
const store = createRedisBookingStore({ redis: connection, prefix });
const queue = createQueue('calendar', { connection, prefix });
const logger = createLogger({ name: 'step-worker-timeline-test', level: 'silent' });
let worker: Worker | undefined;

afterEach(async () => {
  await worker?.close();
  worker = undefined;
});
afterAll(() => cleanUpRedisPrefix({ redis: connection, prefix, queues: [queue] }));

const run = async (bookingId: string, process: StepProcessor): Promise<void> => {
  await store.accept(sampleSnapshot(sampleBooking({ bookingId })), `msg_${bookingId}`);
  worker = createStepWorker({
    step: 'calendar',
    store,
    logger,
    connection,
    prefix,
    process,
    concurrency: 1,
    workerOptions: { settings: { backoffStrategy: () => 10 } },
  });
  await queue.add({ bookingId, version: 1 });
};

const attemptsOf = (timeline: TimelineEntry[]): TimelineAttempt[] =>
  timeline.filter((entry): entry is TimelineAttempt => entry.kind === 'attempt');

const waitForAttempts = (bookingId: string, count: number): Promise<TimelineEntry[]> =>
  pollUntil(
    () => store.getTimeline(bookingId),
    (timeline) => attemptsOf(timeline).length >= count,
    { what: `${count} attempts of ${bookingId}` },
  );

describe('the step worker’s timeline', () => {
  it('records a retried attempt with its error code and delay, then the one that succeeded', async () => {
    let calls = 0;
    await run('bk_tl_retry', async () => {
      calls += 1;
      await new Promise((resolve) => setTimeout(resolve, 30));
      if (calls === 1) throw new RetryableError('calendar_unavailable', 'Google answered 503');
      return { state: 'done', detail: 'google event ev_1: join block written' };
    });
    const [first, second] = attemptsOf(await waitForAttempts('bk_tl_retry', 2));

    expect(first).toMatchObject({
      step: 'calendar',
      version: 1,
      attempt: 1,
      outcome: 'retrying',
      error: { code: 'calendar_unavailable', message: 'Google answered 503', retryable: true },
      detail: expect.stringMatching(/^retrying in \d+s$/) as unknown,
      retryInMs: expect.any(Number) as unknown,
    });
    expect(second).toMatchObject({
      attempt: 2,
      outcome: 'done',
      error: null,
      detail: 'google event ev_1: join block written',
    });
    for (const attempt of [first!, second!]) {
      expect(attempt.durationMs).toBeGreaterThanOrEqual(25);
      expect(Date.parse(attempt.finishedAt) - Date.parse(attempt.startedAt!)).toBe(attempt.durationMs);
      expect(attempt.at).toBe(attempt.finishedAt);
    }
  });

  it('keeps what the processor noted before a permanent failure, ahead of the failed attempt', async () => {
    await run('bk_tl_perm', (_snapshot, { note }) => {
      note({
        kind: 'reminder',
        action: 'scheduled',
        offsetMinutes: 60,
        dueAt: '2030-01-05T09:00:00.000Z',
        reason: null,
      });
      return Promise.reject(new PermanentError('calendar_provider_not_configured', 'no google credentials'));
    });
    const timeline = await waitForAttempts('bk_tl_perm', 1);
    expect(timeline.map((entry) => entry.kind)).toEqual(['event', 'reminder', 'attempt']);
    expect(timeline[2]).toMatchObject({
      attempt: 1,
      outcome: 'failed',
      error: { code: 'calendar_provider_not_configured', retryable: false },
    });
    expect((await store.getStatus('bk_tl_perm'))?.steps.calendar.state).toBe('failed');
  });

  it('records a rate-limited try as deferred, with the wait', async () => {
    let calls = 0;
    await run('bk_tl_429', () => {
      calls += 1;
      if (calls === 1) {
        return Promise.reject(
          new RetryableError('google_rate_limited', 'slow down', {
            retryAfterMs: 200,
            rateLimitScope: 'subject',
          }),
        );
      }
      return Promise.resolve({ state: 'skipped', detail: 'nothing to patch' });
    });
    const [first, second] = attemptsOf(await waitForAttempts('bk_tl_429', 2));
    expect(first).toMatchObject({ outcome: 'deferred', error: { code: 'google_rate_limited' } });
    expect(first!.retryInMs).toBeGreaterThanOrEqual(200);
    expect(second).toMatchObject({ attempt: 2, outcome: 'skipped', detail: 'nothing to patch' });
  });
});
