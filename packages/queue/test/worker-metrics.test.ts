// Every worker counts each try by outcome, times it, and counts the rate limits it waits out.
import { cleanUpRedisPrefix, freshRedisPrefix } from '@meetlink/fakes';
import type { Worker } from 'bullmq';
import { PermanentError, RetryableError } from '@meetlink/errors';
import { createMetrics, MetricName, parsePrometheusText } from '@meetlink/observability';
import { createQueue, createWorker } from '@meetlink/queue';
import { pollUntil } from '@meetlink/sandbox';
import { createRedisConnection } from '@meetlink/redis';

const redisUrl = process.env['REDIS_URL']!;
const prefix = freshRedisPrefix('twm');
const connection = createRedisConnection(redisUrl, 'worker');
const queue = createQueue('reminders', { connection, prefix });
let worker: Worker | undefined;

afterAll(async () => {
  await worker?.close();
  await cleanUpRedisPrefix({ redis: connection, prefix, queues: [queue] });
});

describe('a worker with metrics', () => {
  it('counts completed, retried, deferred and failed tries, and the rate limit it waited out', async () => {
    const metrics = createMetrics({ collectDefault: false });
    const tries = new Map<string, number>();
    worker = createWorker(
      'reminders',
      async (payload) => {
        const seen = (tries.get(payload.bookingId) ?? 0) + 1;
        tries.set(payload.bookingId, seen);
        if (payload.bookingId === 'bk_flaky' && seen === 1)
          throw new RetryableError('zoom_unavailable', '503');
        if (payload.bookingId === 'bk_limited' && seen === 1)
          throw new RetryableError('zoom_rate_limited', '429', {
            retryAfterMs: 0,
            rateLimitScope: 'subject',
          });
        if (payload.bookingId === 'bk_dead') throw new PermanentError('zoom_host_missing', 'no such user');
        await Promise.resolve();
      },
      {
        connection,
        prefix,
        metrics,
        concurrency: 1,
        workerOptions: { settings: { backoffStrategy: () => 10 } },
      },
    );
    for (const bookingId of ['bk_fine', 'bk_flaky', 'bk_limited', 'bk_dead']) {
      await queue.add({ bookingId, offsetMinutes: 60 });
    }
    const outcomes = async (): Promise<Record<string, number>> => {
      const parsed = parsePrometheusText(await metrics.registry.metrics());
      return Object.fromEntries(
        parsed
          .select(MetricName.jobs, { queue: 'reminders' })
          .map((s) => [s.labels['outcome'] ?? '', s.value]),
      );
    };
    const counted = await pollUntil(outcomes, (o) => o['completed'] === 3 && o['failed'] === 1, {
      what: 'every reminder settled',
    });
    expect(counted).toEqual({ completed: 3, retried: 1, deferred: 1, failed: 1 });
    const parsed = parsePrometheusText(await metrics.registry.metrics());
    // Deferred tries only went back to wait: they are not timed.
    expect(parsed.sum(`${MetricName.jobDuration}_count`, { queue: 'reminders' })).toBe(5);
    expect(parsed.select(MetricName.rateLimitWaits)).toEqual([
      { name: MetricName.rateLimitWaits, labels: { provider: 'zoom', scope: 'subject' }, value: 1 },
    ]);
    // Labels name queues, outcomes and providers, never a booking.
    expect(parsed.samples.flatMap((s) => Object.values(s.labels)).filter((v) => v.startsWith('bk_'))).toEqual(
      [],
    );
  });
});
