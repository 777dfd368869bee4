// npm run bench:intake -- [seconds per run] [rounds] [connections]
// Signed events/s into the real intake-api process (signature, rate limit, snapshot stored, job queued
// on its own Redis) beside bare Express parsing the same body, alternating runs, autocannon as client.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { generateSecret, signWebhook } from '@meetlink/events';
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { findFreePort, pollUntil, spawnApp, startRedisServer, stopProcess } from '@meetlink/sandbox';
import { describeMachine, formatCeiling, measureRedisCeiling, round, table } from './kit/machine';

const [secondsArg, roundsArg, connectionsArg] = process.argv.slice(2);
const seconds = Number(secondsArg ?? 8);
const rounds = Number(roundsArg ?? 3);
const connections = Number(connectionsArg ?? 50);

interface Target {
  name: string;
  url: string;
  child: ChildProcess;
}

const waitForPort = (url: string): Promise<unknown> =>
  pollUntil(
    () =>
      fetch(url, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } }).then(
        () => true,
        () => false,
      ),
    Boolean,
    { timeoutMs: 30_000, everyMs: 100, what: url },
  );

interface RunResult {
  rps: number;
  p50: number;
  p99: number;
  statuses: string;
}

/** One autocannon run; every request gets its own webhook id and a fresh signature. */
const runOnce = async (url: string, secret: string, runId: string): Promise<RunResult> => {
  let n = 0;
  const result = await autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        setupRequest: (request) => {
          const i = n++;
          const body = JSON.stringify(sampleEvent(sampleBooking({ bookingId: `bk_${runId}_${i}` })));
          const signed = signWebhook({ secret, id: `msg_${runId}_${i}`, timestamp: Date.now() / 1000, body });
          return { ...request, body, headers: { ...request.headers, ...signed } };
        },
      },
    ],
  });
  const statuses = [
    `2xx×${result['2xx']}`,
    result.non2xx ? `other×${result.non2xx}` : '',
    result.errors ? `errors×${result.errors}` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, statuses };
};

const main = async (): Promise<void> => {
  const redis = await startRedisServer();
  const secret = generateSecret();
  const [intakePort, barePort] = [await findFreePort(), await findFreePort()];
  const intake = spawnApp('intake-api', {
    env: {
      PATH: process.env['PATH'],
      REDIS_URL: redis.url,
      REDIS_PREFIX: 'bench',
      PORT: String(intakePort),
      HOST: '127.0.0.1',
      WEBHOOK_SECRETS: secret,
      ADMIN_TOKEN: 'bench-admin-token-0123456789',
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      // One client sends everything: the per-signer limiter still runs on every request, but must not cap it.
      RATE_LIMIT_EVENTS_PER_MINUTE: String(100_000_000),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const bare = spawn(process.execPath, ['--import', 'tsx', join(__dirname, 'kit', 'bare-express.ts')], {
    env: { PATH: process.env['PATH'], PORT: String(barePort) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const targets: Target[] = [
    {
      name: 'intake-api (signed, stored, queued)',
      url: `http://127.0.0.1:${intakePort}/v1/events`,
      child: intake,
    },
    { name: 'bare Express 5 (parse, 202)', url: `http://127.0.0.1:${barePort}/v1/events`, child: bare },
  ];
  try {
    await Promise.all(targets.map((t) => waitForPort(t.url)));
    console.log(describeMachine());
    console.log(formatCeiling(await measureRedisCeiling(redis.port)));
    console.log(
      `autocannon: ${connections} connections, ${seconds} s per run, ${rounds} rounds alternating\n`,
    );
    // Warm both up (JIT, connection pools), then alternate so drift hits both alike.
    for (const t of targets) await runOnce(t.url, secret, `warm${t.child.pid}`);
    const results = new Map<string, RunResult[]>(targets.map((t) => [t.name, []]));
    for (let r = 0; r < rounds; r++) {
      for (const t of targets) results.get(t.name)!.push(await runOnce(t.url, secret, `r${r}${t.child.pid}`));
    }
    const median = (values: number[]): number =>
      [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
    const bareRps = median(results.get(targets[1]!.name)!.map((x) => x.rps));
    console.log(
      table(
        [
          'server',
          'runs',
          'median req/s',
          'each run req/s',
          'p50 ms (median)',
          'p99 ms (median)',
          'statuses (last run)',
          'ratio to bare Express',
        ],
        targets.map((t) => {
          const runs = results.get(t.name)!;
          const rps = median(runs.map((x) => x.rps));
          return [
            t.name,
            runs.length,
            Math.round(rps),
            runs.map((x) => Math.round(x.rps)).join(', '),
            median(runs.map((x) => x.p50)),
            median(runs.map((x) => x.p99)),
            runs.at(-1)?.statuses ?? '',
            round(rps / bareRps, 2),
          ];
        }),
      ),
    );
  } finally {
    await Promise.all(targets.map((t) => stopProcess(t.child)));
    await redis.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
