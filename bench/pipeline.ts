// npm run bench:pipeline -- [bookings per scenario, default 300] [concurrencies, default 5,50] [latencies ms, default 0,100]
// N bookings through the four app processes (intake-api and the three workers, each its own process)
// against the sandbox fakes and a real SMTP sink, beside an empty three-hop BullMQ chain on the same
// Redis at the same concurrency. Per scenario: bookings/s, the ratio to the chain, accepted → email
// latency, CPU ms per booking per process, and Zoom API calls per booking, at 20 hosts and at 1.
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { generateSecret, signWebhook, EventType } from '@meetlink/events';
import type { Booking, BookingStatus } from '@meetlink/events';
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import {
  APP_NAMES,
  findFreePort,
  localPipelineEnv,
  pollUntil,
  spawnApp,
  startRedisServer,
  startSandboxFakes,
  stopProcess,
} from '@meetlink/sandbox';
import type { AppName } from '@meetlink/sandbox';
import { createRedisBookingStore } from '@meetlink/store';
import { runEmptyChain } from './kit/bullmq-chain';
import { delayVendors } from './kit/latency-proxy';
import { describeMachine, formatCeiling, measureRedisCeiling, percentile, round, table } from './kit/machine';
import { processCpuMs } from './kit/process-cpu';
import { Cluster } from 'ioredis';
import { createRedisConnection } from '@meetlink/redis';
import type { RedisClient } from '@meetlink/redis';

const [bookingsArg, concurrencyArg, latencyArg] = process.argv.slice(2);
const BOOKINGS = Number(bookingsArg ?? 300);
const CONCURRENCIES = (concurrencyArg ?? '5,50').split(',').map(Number);
const LATENCIES = (latencyArg ?? '0,100').split(',').map(Number);
const HOST_COUNTS = [20, 1];
/**
 * Zoom allows 100 meeting creates and updates a day per user (the fake enforces it as Zoom does):
 * past that a host's bookings wait for tomorrow, so one host gets at most that many bookings here.
 */
const ZOOM_DAILY_CREATES_PER_USER = 100;
const bookingsFor = (hosts: number): number => Math.min(BOOKINGS, hosts * ZOOM_DAILY_CREATES_PER_USER);
const SEND_CONCURRENCY = 20;
const ADMIN_TOKEN = 'bench-admin-token-0123456789';

interface Scenario {
  latencyMs: number;
  hosts: number;
  concurrency: number;
}

interface ScenarioResult {
  bookings: number;
  bookingsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  cpuMsPerBooking: Record<AppName, number>;
  zoomCallsPerBooking: number;
  failed: number;
  /** Redis bytes (MEMORY USAGE) per booking: its own keys, and every key of the run (jobs kept, reminders, indexes). */
  bookingBytes: number;
  runBytesPerBooking: number;
}

/** MEMORY USAGE summed over the keys matching `pattern` (a benchmark's own standalone Redis: SCAN is fine). */
const bytesOf = async (redis: RedisClient, pattern: string): Promise<number> => {
  if (redis instanceof Cluster) throw new Error('the benchmark runs on one Redis');
  let cursor = '0';
  let bytes = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1_000);
    cursor = next;
    for (const key of keys) bytes += (await redis.memory('USAGE', key)) ?? 0;
  } while (cursor !== '0');
  return bytes;
};

const bookingFor = (i: number, hosts: number, runId: string): Booking => {
  const h = i % hosts;
  const email = h === 0 ? 'ada@example.com' : `host${h}@example.com`;
  const base = sampleBooking({
    bookingId: `bk_${runId}_${i}`,
    calendar: { provider: 'google', calendarId: email, eventId: `ev${runId}${i}` },
  });
  return { ...base, host: { ...base.host, memberId: `mem_host${h}`, email } };
};

const runScenario = async (redisUrl: string, scenario: Scenario): Promise<ScenarioResult> => {
  const runId = randomUUID().slice(0, 6);
  const bookings = bookingsFor(scenario.hosts);
  const prefix = `bench${runId}`;
  const fakes = await startSandboxFakes({});
  const vendors = await delayVendors(fakes.env, scenario.latencyMs);
  const port = await findFreePort();
  const secret = generateSecret();
  const env: Record<string, string | undefined> = {
    ...localPipelineEnv({
      vendorEnv: vendors.env,
      redis: { url: redisUrl },
      prefix,
      port,
      webhookSecret: secret,
      adminToken: ADMIN_TOKEN,
    }),
    WORKER_CONCURRENCY: String(scenario.concurrency),
    RATE_LIMIT_EVENTS_PER_MINUTE: String(100_000_000),
    // Node options for every app (e.g. --max-old-space-size); --cpu-prof is refused in NODE_OPTIONS.
    NODE_OPTIONS: process.env['BENCH_APP_NODE_OPTIONS'],
  };
  const children = new Map<AppName, ChildProcess>();
  const redis = createRedisConnection(redisUrl, 'worker', 'bench-pipeline');
  const store = createRedisBookingStore({ redis, prefix });
  try {
    for (const app of APP_NAMES) {
      let output = '';
      const child = spawnApp(app, { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const keep = (chunk: Buffer) => {
        output = (output + chunk.toString()).slice(-20_000);
      };
      child.stdout?.on('data', keep);
      child.stderr?.on('data', keep);
      children.set(app, child);
      await pollUntil(
        async () =>
          app === 'intake-api'
            ? await fetch(`http://127.0.0.1:${port}/readyz`).then(
                (r) => r.ok,
                () => false,
              )
            : output.includes('"msg":"worker ready"'),
        Boolean,
        { timeoutMs: 30_000, everyMs: 50, what: `${app} ready` },
      ).catch((error: unknown) => {
        throw new Error(`${String(error)}\n${output}`);
      });
    }
    const cpuBefore = new Map([...children].map(([app, child]) => [app, processCpuMs(child.pid!)]));
    const zoomBefore = fakes.zoom?.requests().length ?? 0;
    const startedAt = performance.now();

    let next = 0;
    await Promise.all(
      Array.from({ length: SEND_CONCURRENCY }, async () => {
        while (next < bookings) {
          const i = next++;
          const body = JSON.stringify(sampleEvent(bookingFor(i, scenario.hosts, runId), EventType.created));
          const headers = signWebhook({
            secret,
            id: `msg_${runId}_${i}`,
            timestamp: Date.now() / 1000,
            body,
          });
          const res = await fetch(`http://127.0.0.1:${port}/v1/events`, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json', ...headers },
          });
          if (res.status !== 202) throw new Error(`event ${i}: ${res.status} ${await res.text()}`);
        }
      }),
    );
    // Done when every booking's email step has settled (the confirmation accepted by SMTP).
    const statuses: BookingStatus[] = [];
    const pending = new Set(Array.from({ length: bookings }, (_, i) => `bk_${runId}_${i}`));
    await pollUntil(
      async () => {
        for (const bookingId of [...pending]) {
          const status = await store.getStatus(bookingId);
          const email = status?.steps.email;
          if (status && email && ['done', 'skipped', 'failed'].includes(email.state)) {
            statuses.push(status);
            pending.delete(bookingId);
          }
        }
        return pending.size === 0;
      },
      Boolean,
      { timeoutMs: 600_000, everyMs: 200, what: `${bookings} bookings through the pipeline` },
    );
    // The last email's finish, from the statuses (the poll's own interval is not the pipeline's time).
    const lastFinish = Math.max(...statuses.map((s) => Date.parse(s.steps.email.finishedAt ?? '')));
    const firstAccepted = Math.min(...statuses.map((s) => Date.parse(s.receivedAt)));
    const elapsedS = Math.max(
      (lastFinish - firstAccepted) / 1000,
      (performance.now() - startedAt) / 1000 / 10,
    );
    const latencies = statuses
      .map((s) => Date.parse(s.steps.email.finishedAt ?? '') - Date.parse(s.receivedAt))
      .sort((a, b) => a - b);
    const cpuMsPerBooking = Object.fromEntries(
      [...children].map(([app, child]) => [
        app,
        (processCpuMs(child.pid!) - (cpuBefore.get(app) ?? 0)) / bookings,
      ]),
    ) as Record<AppName, number>;
    const zoomCalls = (fakes.zoom?.requests() ?? [])
      .slice(zoomBefore)
      .filter((r) => r.path.startsWith('/v2')).length;
    const bookingBytes = await bytesOf(redis, `${prefix}:booking:*`);
    const runBytes = await bytesOf(redis, `${prefix}:*`);
    return {
      bookingBytes: bookingBytes / bookings,
      runBytesPerBooking: runBytes / bookings,
      bookings,
      bookingsPerSecond: bookings / elapsedS,
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      cpuMsPerBooking,
      zoomCallsPerBooking: zoomCalls / bookings,
      failed: statuses.filter((s) => Object.values(s.steps).some((step) => step.state === 'failed')).length,
    };
  } finally {
    await Promise.all([...children.values()].map((child) => stopProcess(child)));
    redis.disconnect();
    await vendors.close();
    await fakes.close();
  }
};

const main = async (): Promise<void> => {
  const server = await startRedisServer();
  console.log(describeMachine());
  console.log(formatCeiling(await measureRedisCeiling(server.port)));
  console.log(
    `${BOOKINGS} bookings per scenario (at most ${ZOOM_DAILY_CREATES_PER_USER} a host: Zoom's daily create limit per user; Google calendar event each, confirmation + 2 reminders), sent ${SEND_CONCURRENCY} at a time over HTTP; ` +
      'vendors are the sandbox fakes (latency added by a proxy in front), SMTP a real local server\n',
  );
  const chainBySize = new Map<number, number>();
  for (const concurrency of CONCURRENCIES) {
    const chain = await runEmptyChain({
      redisUrl: server.url,
      prefix: `chain${concurrency}`,
      concurrency,
      chains: Math.max(2_000, BOOKINGS),
    });
    chainBySize.set(concurrency, chain.perSecond);
  }
  const rows: (string | number)[][] = [];
  for (const latencyMs of LATENCIES) {
    for (const concurrency of CONCURRENCIES) {
      for (const hosts of HOST_COUNTS) {
        const result = await runScenario(server.url, { latencyMs, hosts, concurrency });
        const chain = chainBySize.get(concurrency) ?? NaN;
        const cpu = result.cpuMsPerBooking;
        const totalCpu = Object.values(cpu).reduce((a, b) => a + b, 0);
        rows.push([
          latencyMs,
          concurrency,
          hosts,
          result.bookings,
          round(result.bookingsPerSecond),
          Math.round(chain),
          round(result.bookingsPerSecond / chain, 3),
          Math.round(result.p50Ms),
          Math.round(result.p99Ms),
          round(totalCpu),
          APP_NAMES.map((app) => round(cpu[app])).join(' / '),
          round(result.zoomCallsPerBooking, 2),
          Math.round(result.bookingBytes),
          Math.round(result.runBytesPerBooking),
          result.failed,
        ]);
        console.error(`done: ${latencyMs} ms, concurrency ${concurrency}, ${hosts} hosts`);
      }
    }
  }
  console.log(
    table(
      [
        'vendor ms',
        'concurrency',
        'hosts',
        'bookings',
        'bookings/s',
        'empty chain/s',
        'ratio',
        'p50 ms',
        'p99 ms',
        'CPU ms/booking',
        'CPU ms: intake / conference / calendar / email',
        'Zoom calls/booking',
        'Redis bytes/booking: own keys',
        'all keys',
        'failed',
      ],
      rows,
    ),
  );
  await server.stop();
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
