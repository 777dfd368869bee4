// `npm start`: the whole pipeline on one machine. Redis from REDIS_URL, else a redis-server of our own
// with its data under .data/redis; every app as its own process; Ctrl+C stops them all.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { buildConnectLink } from '@meetlink/connections';
import { parseSecretList } from '@meetlink/config';
import { APP_NAMES, opsEnvFor, pickOpsPorts, REPO_ROOT, spawnApp, WORKER_APP_NAMES } from './app-process';
import { SANDBOX_ADMIN_BASIC, SANDBOX_ADMIN_TOKEN, SANDBOX_PORT, SANDBOX_WEBHOOK_SECRET } from './defaults';
import { startSandboxFakes } from './fakes';
import { RedisServerMissingError, startRedisServer, stopProcess } from './redis-server';
import type { RunningRedis } from './redis-server';

export interface SandboxOptions {
  env: Record<string, string | undefined>;
  print?: (line: string) => void;
}

/** The banner's connect lines: a ready link for the demo host (the fake Zoom's consent page), and how to get more. */
const connectHints = (env: Record<string, string | undefined>, isZoomFake: boolean): string[] => {
  const secrets = parseSecretList(env['CONNECT_LINK_SECRET'] ?? '');
  const publicBaseUrl = env['PUBLIC_BASE_URL'];
  if (secrets.length === 0 || !publicBaseUrl) return [];
  const lines: string[] = [];
  if (isZoomFake) {
    const { url } = buildConnectLink({
      publicBaseUrl,
      secrets,
      memberId: 'mem_ada',
      provider: 'zoom',
      ttlMs: 24 * 3_600_000,
    });
    lines.push(
      `Connect Zoom:   ${url}`,
      "                (mem_ada, through the fake Zoom's consent page; valid 24 h, once)",
    );
  }
  lines.push(
    `More links:     curl -X POST -H 'authorization: Bearer ${env['ADMIN_TOKEN'] ?? ''}' ${publicBaseUrl}/v1/connections/<member>/<zoom|google|microsoft>/link`,
  );
  return lines;
};

export const runSandbox = async ({ env, print = console.log }: SandboxOptions): Promise<number> => {
  let redis: RunningRedis | undefined;
  const clusterNodes = env['REDIS_CLUSTER_NODES']?.trim() || undefined;
  let redisUrl = env['REDIS_URL'];
  // On a Redis Cluster (REDIS_CLUSTER_NODES) the apps connect to it, and no Redis of ours starts.
  if (!redisUrl && !clusterNodes) {
    try {
      redis = await startRedisServer({ dataDir: join(REPO_ROOT, '.data', 'redis') });
    } catch (error) {
      if (error instanceof RedisServerMissingError) {
        print(`\n${error.message}\n`);
        return 1;
      }
      throw error;
    }
    redisUrl = redis.url;
  }
  const port = env['PORT'] ?? String(SANDBOX_PORT);
  const fakes = await startSandboxFakes(env);
  const childEnv = {
    ...env,
    ...fakes.env,
    ...(clusterNodes ? { REDIS_CLUSTER_NODES: clusterNodes } : { REDIS_URL: redisUrl }),
    PORT: port,
    HOST: env['HOST'] ?? '127.0.0.1',
    WEBHOOK_SECRETS: env['WEBHOOK_SECRETS'] ?? SANDBOX_WEBHOOK_SECRET,
    ADMIN_TOKEN: env['ADMIN_TOKEN'] ?? SANDBOX_ADMIN_TOKEN,
    // Both or neither: a user set without a password must not pick up the sandbox's.
    ...(env['ADMIN_USER'] || env['ADMIN_PASSWORD']
      ? {}
      : { ADMIN_USER: SANDBOX_ADMIN_BASIC.user, ADMIN_PASSWORD: SANDBOX_ADMIN_BASIC.password }),
    PUBLIC_BASE_URL: env['PUBLIC_BASE_URL'] ?? `http://localhost:${port}`,
    LOG_FORMAT: env['LOG_FORMAT'] ?? (process.stdout.isTTY ? 'pretty' : 'json'),
  };
  const url = `http://localhost:${port}`;
  const opsPorts = await pickOpsPorts();
  const connectLines = connectHints(childEnv, fakes.zoom !== null);
  print(
    [
      '',
      'meetlink sandbox',
      clusterNodes
        ? `  Redis Cluster:  ${clusterNodes} (REDIS_CLUSTER_NODES)`
        : `  Redis:          ${redisUrl}${redis ? ' (started here, data in .data/redis)' : ''}`,
      `  Intake API:     ${url}  (POST /v1/events, GET /v1/bookings/:id, /healthz, /readyz)`,
      `  Webhook secret: ${env['WEBHOOK_SECRETS'] ? '(from WEBHOOK_SECRETS)' : `${SANDBOX_WEBHOOK_SECRET} (sandbox default)`}`,
      `  Admin token:    ${env['ADMIN_TOKEN'] ? '(from ADMIN_TOKEN)' : `${SANDBOX_ADMIN_TOKEN} (sandbox default)`}`,
      `  Dashboard:      ${url}/admin/queues  (${env['ADMIN_USER'] || env['ADMIN_PASSWORD'] ? 'ADMIN_USER / ADMIN_PASSWORD' : `user ${SANDBOX_ADMIN_BASIC.user}, password ${SANDBOX_ADMIN_BASIC.password} (sandbox default)`})`,
      `  Ops CLI:        ${clusterNodes ? `REDIS_CLUSTER_NODES=${clusterNodes}` : `REDIS_URL=${redisUrl}`} npm run ops -- queues`,
      `  Metrics:        ${url}/metrics  (intake API and every queue's counts; admin token)`,
      ...WORKER_APP_NAMES.map(
        (app) => `                  http://127.0.0.1:${opsPorts[app]}/metrics  (${app}; /healthz, /readyz)`,
      ),
      ...fakes.lines.map((line) => `  ${line}`),
      ...connectLines.map((line) => `  ${line}`),
      '  Send a signed sample booking and follow it:  npm run demo',
      '  Stop: Ctrl+C',
      '',
    ].join('\n'),
  );

  const children = new Map<string, ChildProcess>(
    APP_NAMES.map((app) => [app, spawnApp(app, { env: { ...childEnv, ...opsEnvFor(app, opsPorts) } })]),
  );
  let isStopping = false;
  return new Promise<number>((resolve) => {
    const stopAll = async (code: number): Promise<void> => {
      if (isStopping) return;
      isStopping = true;
      await Promise.all([...children.values()].map((child) => stopProcess(child, 30_000)));
      await fakes.close();
      await redis?.stop();
      resolve(code);
    };
    for (const [app, child] of children) {
      child.once('exit', (code, signal) => {
        if (isStopping) return;
        print(`${app} exited (${signal ?? code}); stopping the sandbox`);
        void stopAll(1);
      });
    }
    process.once('SIGINT', () => void stopAll(0));
    process.once('SIGTERM', () => void stopAll(0));
  });
};
