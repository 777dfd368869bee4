// A worker process's ops port (OPS_PORT) on a Redis of the test's own, which it stops and starts:
// /healthz, /readyz that follows Redis, /metrics with the jobs, the queue counts and the latency.
import { freshRedisPrefix, sampleBooking, sampleSnapshot } from '@meetlink/fakes';
import { createMetrics, MetricName, parsePrometheusText } from '@meetlink/observability';
import { createQueue, createWorkerRuntime } from '@meetlink/queue';
import type { WorkerRuntime } from '@meetlink/queue';
import { pollUntil, startRedisServer } from '@meetlink/sandbox';
import type { RunningRedis } from '@meetlink/sandbox';
import { createRedisBookingStore } from '@meetlink/store';
import { createRedisConnection } from '@meetlink/redis';

jest.setTimeout(60_000);

let redis: RunningRedis;
let runtime: WorkerRuntime;
let opsUrl: string;
const prefix = freshRedisPrefix('tops');

beforeAll(async () => {
  redis = await startRedisServer();
  runtime = createWorkerRuntime(
    {
      name: 'ops-test-worker',
      REDIS_URL: redis.url,
      REDIS_PREFIX: prefix,
      LOG_LEVEL: 'silent',
      SHUTDOWN_TIMEOUT_MS: 5_000,
      WORKER_CONCURRENCY: 1,
      OPS_PORT: 0,
      OPS_HOST: '127.0.0.1',
    },
    {
      createStore: (connection, keyPrefix) =>
        createRedisBookingStore({ redis: connection, prefix: keyPrefix }),
      metrics: createMetrics({ collectDefault: false }),
    },
  );
  runtime.run('calendar', () => Promise.resolve({ state: 'done' }));
  runtime.consume('reminders', () => Promise.resolve());
  opsUrl = (await runtime.ops!.address).url;
});
afterAll(async () => {
  await runtime?.close();
  await redis?.stop();
});

const get = (path: string) => fetch(`${opsUrl}${path}`);
const scrape = async () => parsePrometheusText(await (await get('/metrics')).text());
const readiness = async () => {
  const res = await get('/readyz');
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

describe('a worker runtime with OPS_PORT', () => {
  it('answers /healthz and, once its workers run, /readyz', async () => {
    const health = await get('/healthz');
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    expect(await pollUntil(readiness, (r) => r.status === 200, { what: '/readyz 200' })).toEqual({
      status: 200,
      body: { status: 'ready' },
    });
    expect((await get('/nope')).status).toBe(404);
    expect((await fetch(`${opsUrl}/healthz`, { method: 'POST' })).status).toBe(405);
  });

  it('serves its metrics: each try, the step latency, its queues counted from Redis', async () => {
    const connection = createRedisConnection(redis.url, 'worker');
    const store = createRedisBookingStore({ redis: connection, prefix });
    const calendar = createQueue('calendar', { connection, prefix });
    const reminders = createQueue('reminders', { connection, prefix });
    try {
      const acceptedAt = new Date(Date.now() - 2_000).toISOString();
      const snapshot = sampleSnapshot(sampleBooking({ bookingId: 'bk_ops' }), { receivedAt: acceptedAt });
      await store.accept(snapshot, 'msg_ops');
      await calendar.add({ bookingId: 'bk_ops', version: 1 });
      // Far out: it stays delayed, and the gauge must say so.
      await reminders.add({ bookingId: 'bk_ops', offsetMinutes: 30 }, { delay: 3_600_000 });

      const metrics = await pollUntil(scrape, (m) => m.sum(MetricName.jobs, { queue: 'calendar' }) === 1, {
        what: 'the calendar job counted',
      });
      expect(metrics.sum(MetricName.jobs, { queue: 'calendar', outcome: 'completed' })).toBe(1);
      expect(metrics.sum(`${MetricName.bookingLatency}_count`, { step: 'calendar' })).toBe(1);
      expect(metrics.sum(`${MetricName.bookingLatency}_sum`, { step: 'calendar' })).toBeGreaterThanOrEqual(2);
      expect(metrics.sum(MetricName.queueJobs, { queue: 'reminders', state: 'delayed' })).toBe(1);
      expect(metrics.sum(MetricName.queueJobs, { queue: 'calendar', state: 'waiting' })).toBe(0);
      expect(metrics.select(MetricName.queueJobs).map((s) => s.labels['queue'])).not.toContain('conference');
    } finally {
      await Promise.all([calendar.close(), reminders.close()]);
      connection.disconnect();
    }
  });

  it('answers /readyz 503 while its Redis is down, and ready again once it is back', async () => {
    await redis.stop();
    const down = await pollUntil(readiness, (r) => r.status === 503, { what: '/readyz 503' });
    expect(down.body).toMatchObject({ status: 'unavailable', reason: 'redis_unreachable' });
    expect((await get('/healthz')).status).toBe(200);
    // A scrape still answers, without the queue counts it cannot read.
    expect((await scrape()).select(MetricName.queueJobs)).toEqual([]);
    await redis.restart();
    await pollUntil(readiness, (r) => r.status === 200, { what: '/readyz 200 again', timeoutMs: 20_000 });
  });

  it('closes the ops port on shutdown', async () => {
    await runtime.close();
    await expect(get('/healthz')).rejects.toThrow();
  });
});
