// Intake throughput and latency: signed events over HTTP into a real Redis (a redis-server of its
// own), with the real app. Run: npm run bench -- [events=2000] [concurrency=32]
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { cpus, totalmem } from 'node:os';
import type { AddressInfo } from 'node:net';
import { generateSecret, signWebhook } from '@meetlink/events';
import { createLogger } from '@meetlink/observability';
import { createQueue, createRedisConnection } from '@meetlink/queue';
import { startRedisServer } from '@meetlink/sandbox';
import { createApp } from '../apps/intake-api/src/app';
import { createIntakeRedisPorts } from '../apps/intake-api/src/redis-ports';

const [eventsArg, concurrencyArg] = process.argv.slice(2);
const total = Number(eventsArg ?? 2000);
const concurrency = Number(concurrencyArg ?? 32);

const percentile = (sorted: number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

const main = async (): Promise<void> => {
  const redisServer = await startRedisServer();
  const redis = createRedisConnection(redisServer.url, 'producer');
  await new Promise((resolve) => redis.once('ready', resolve));
  const prefix = 'bench';
  const secret = generateSecret();
  const conferenceQueue = createQueue('conference', { connection: redis, prefix });
  const app = createApp({
    redis,
    ...createIntakeRedisPorts({ redis, prefix, connectLinkSecrets: [] }),
    conferenceQueue,
    webhookSecrets: [secret],
    adminToken: 'bench-admin-token-0123456789',
    maxBodyBytes: 256 * 1024,
    logger: createLogger({ name: 'bench', level: 'silent' }),
    prefix,
    // One client sends everything: the per-IP limiter still runs on every request, but must not cap it.
    rateLimits: { events: total * 10 },
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/events`;

  const bodies = Array.from({ length: total }, (_, i) =>
    JSON.stringify(sampleEvent(sampleBooking({ bookingId: `bk_bench_${i}` }))),
  );
  const latencies: number[] = [];
  const statuses = new Map<number, number>();
  let next = 0;
  const startedAt = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const body = bodies[i]!;
        const headers = signWebhook({ secret, id: `msg_${i}`, timestamp: Date.now() / 1000, body });
        const t0 = performance.now();
        const res = await fetch(url, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json', ...headers },
        });
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      }
    }),
  );
  const elapsedS = (performance.now() - startedAt) / 1000;
  const queued = await conferenceQueue.queue.getJobCountByTypes('waiting');
  latencies.sort((a, b) => a - b);

  const cpu = cpus()[0]?.model ?? 'unknown';
  console.log(
    `machine: ${cpu}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  );
  console.log(
    `redis: own redis-server on loopback, no persistence; client and server in one process; per-IP limiter on, raised above the load\n`,
  );
  console.log(
    '| events | concurrency | statuses | jobs queued | events/s | p50 ms | p95 ms | p99 ms | max ms |',
  );
  console.log('| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const fmt = (n: number) => n.toFixed(1);
  console.log(
    `| ${total} | ${concurrency} | ${[...statuses].map(([s, n]) => `${s}×${n}`).join(' ')} | ${queued} | ${Math.round(total / elapsedS)} | ${fmt(percentile(latencies, 50))} | ${fmt(percentile(latencies, 95))} | ${fmt(percentile(latencies, 99))} | ${fmt(latencies.at(-1) ?? NaN)} |`,
  );

  await new Promise((resolve) => server.close(resolve));
  await conferenceQueue.close();
  redis.disconnect();
  await redisServer.stop();
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
