// The queue gauges' readings from a real Redis: counts per state, the oldest waiting job's age, the
// most overdue delayed job's lateness. No worker runs here, so jobs stay where they were put.
import { cleanUpRedisPrefix, freshRedisPrefix } from '@meetlink/fakes';
import { createMetrics, MetricName, parsePrometheusText } from '@meetlink/observability';
import { createQueue, queueJobCountsSource } from '@meetlink/queue';
import { createRedisConnection } from '@meetlink/redis';

const redisUrl = process.env['REDIS_URL']!;
const prefix = freshRedisPrefix('tqc');
const connection = createRedisConnection(redisUrl, 'worker');
const conference = createQueue('conference', { connection, prefix });
const reminders = createQueue('reminders', { connection, prefix });
afterAll(() => cleanUpRedisPrefix({ redis: connection, prefix, queues: [conference, reminders] }));

describe('queueJobCountsSource', () => {
  it('reads counts, the oldest waiting job and the most overdue delayed job of each queue', async () => {
    const now = Date.now();
    // Added first and a minute old: the oldest; the second, ten seconds old, waits behind it.
    await conference.add({ bookingId: 'bk_old', version: 1 }, { timestamp: now - 60_000 });
    await conference.add({ bookingId: 'bk_new', version: 1 }, { timestamp: now - 10_000 });
    // Due two minutes ago (nothing promoted it), and one due in an hour.
    await reminders.add(
      { bookingId: 'bk_late', offsetMinutes: 60 },
      { timestamp: now - 121_000, delay: 1_000 },
    );
    await reminders.add({ bookingId: 'bk_later', offsetMinutes: 60 }, { delay: 3_600_000 });

    const read = queueJobCountsSource({
      queues: () => [conference.queue, reminders.queue],
      connection,
      now: () => now,
    });
    expect(await read()).toEqual([
      {
        queue: 'conference',
        counts: { waiting: 2, active: 0, delayed: 0, failed: 0 },
        oldestWaitingAgeSeconds: 60,
        oldestOverdueDelayedSeconds: 0,
      },
      {
        queue: 'reminders',
        counts: { waiting: 0, active: 0, delayed: 2, failed: 0 },
        oldestWaitingAgeSeconds: 0,
        oldestOverdueDelayedSeconds: 120,
      },
    ]);
  });

  it('feeds the three queue gauges of one scrape from one reading', async () => {
    const metrics = createMetrics({ collectDefault: false });
    metrics.addQueueJobsSource(queueJobCountsSource({ queues: () => [conference.queue], connection }));
    const parsed = parsePrometheusText(await metrics.registry.metrics());
    expect(parsed.sum(MetricName.queueJobs, { queue: 'conference', state: 'waiting' })).toBe(2);
    expect(parsed.sum(MetricName.queueOldestWaitingAge, { queue: 'conference' })).toBeGreaterThanOrEqual(60);
    expect(parsed.select(MetricName.queueOldestOverdueDelayed)).toEqual([
      { name: MetricName.queueOldestOverdueDelayed, labels: { queue: 'conference' }, value: 0 },
    ]);
  });

  it('reads nothing while its connection is not ready', async () => {
    const offline = createRedisConnection(redisUrl, 'worker');
    offline.disconnect();
    const read = queueJobCountsSource({ queues: () => [conference.queue], connection: offline });
    expect(await read()).toEqual([]);
  });
});
