// With tracing on, a job's trace context travels in its data: the job's span is the child of the
// span that queued it, and the jobs it queues in turn are its children, across queues.
import { cleanUpRedisPrefix, freshRedisPrefix } from '@meetlink/fakes';
import type { Worker } from 'bullmq';
import { InMemorySpanExporter, startTracing, withSpan } from '@meetlink/observability';
import type { Tracing } from '@meetlink/observability';
import { createQueue, createWorker } from '@meetlink/queue';
import { pollUntil } from '@meetlink/sandbox';
import { createRedisConnection } from '@meetlink/redis';

const redisUrl = process.env['REDIS_URL']!;
const prefix = freshRedisPrefix('tjt');
const connection = createRedisConnection(redisUrl, 'worker');
const conference = createQueue('conference', { connection, prefix });
const calendar = createQueue('calendar', { connection, prefix });
const exporter = new InMemorySpanExporter();
let tracing: Tracing;
const workers: Worker[] = [];

beforeAll(() => {
  tracing = startTracing({ serviceName: 'job-tracing-test', exporter });
});
afterAll(async () => {
  for (const worker of workers) await worker.close();
  await tracing.shutdown();
  await cleanUpRedisPrefix({ redis: connection, prefix, queues: [conference, calendar] });
});

describe('a job span', () => {
  it('continues the trace of whoever queued the job, and parents the jobs it queues', async () => {
    workers.push(
      createWorker('conference', (payload) => calendar.add(payload).then(() => undefined), {
        connection,
        prefix,
      }),
      createWorker('calendar', () => Promise.resolve(), { connection, prefix }),
    );
    await withSpan('POST /v1/events', { kind: 'server' }, () =>
      conference.add({ bookingId: 'bk_traced', version: 1 }).then(() => undefined),
    );
    const job = await conference.queue.getJob('bk_traced-v1');
    const data = job?.data as { bookingId: string; trace?: { traceparent: string } };
    expect(data.bookingId).toBe('bk_traced');
    expect(data.trace?.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const spans = await pollUntil(
      () => Promise.resolve(exporter.getFinishedSpans()),
      (finished) => finished.some((s) => s.name === 'process calendar'),
      { what: 'the calendar job span' },
    );
    const byName = (name: string) => spans.find((s) => s.name === name)!;
    const request = byName('POST /v1/events');
    const conferenceSpan = byName('process conference');
    const calendarSpan = byName('process calendar');
    expect(new Set([request, conferenceSpan, calendarSpan].map((s) => s.spanContext().traceId)).size).toBe(1);
    expect(conferenceSpan.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(calendarSpan.parentSpanContext?.spanId).toBe(conferenceSpan.spanContext().spanId);
    expect(conferenceSpan.attributes).toMatchObject({
      'messaging.system': 'bullmq',
      'messaging.destination.name': 'conference',
      'meetlink.booking.id': 'bk_traced',
      'meetlink.job.outcome': 'completed',
    });
  });

  it('starts a trace of its own for a job queued outside any span, which carries no context', async () => {
    await conference.add({ bookingId: 'bk_untraced', version: 1 });
    expect((await conference.queue.getJob('bk_untraced-v1'))?.data).toEqual({
      bookingId: 'bk_untraced',
      version: 1,
    });
    const spans = await pollUntil(
      () => Promise.resolve(exporter.getFinishedSpans()),
      (finished) =>
        finished.filter((s) => s.attributes['meetlink.booking.id'] === 'bk_untraced').length === 2,
      { what: 'both job spans of the untraced booking' },
    );
    const own = spans.find(
      (s) => s.name === 'process conference' && s.attributes['meetlink.booking.id'] === 'bk_untraced',
    )!;
    expect(own.parentSpanContext).toBeUndefined();
  });
});
