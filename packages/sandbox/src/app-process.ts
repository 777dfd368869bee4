// Runs one of our apps as its own Node process from TypeScript source, as `npm start` and the
// end-to-end tests do.
import { spawn } from 'node:child_process';
import type { ChildProcess, StdioOptions } from 'node:child_process';
import { join } from 'node:path';
import { findFreePort } from './redis-server';

export const APP_NAMES = ['intake-api', 'conference-worker', 'calendar-worker', 'email-worker'] as const;
export type AppName = (typeof APP_NAMES)[number];

/** The apps with an ops port (OPS_PORT: /healthz, /readyz, /metrics); the intake API serves its own. */
export const WORKER_APP_NAMES = ['conference-worker', 'calendar-worker', 'email-worker'] as const;
export type WorkerAppName = (typeof WORKER_APP_NAMES)[number];

/** A free loopback port for each worker's ops server, picked up front so its URLs can be printed. */
export const pickOpsPorts = async (): Promise<Record<WorkerAppName, number>> => {
  const ports: Partial<Record<WorkerAppName, number>> = {};
  for (const app of WORKER_APP_NAMES) ports[app] = await findFreePort();
  return ports as Record<WorkerAppName, number>;
};

/** The env that gives `app` its ops port, if it has one. */
export const opsEnvFor = (app: AppName, ports: Record<WorkerAppName, number>): Record<string, string> => {
  const port = (ports as Partial<Record<AppName, number>>)[app];
  return port === undefined ? {} : { OPS_PORT: String(port), OPS_HOST: '127.0.0.1' };
};

export const REPO_ROOT = join(__dirname, '..', '..', '..');

export interface SpawnAppOptions {
  env: Record<string, string | undefined>;
  stdio?: StdioOptions;
}

export const spawnApp = (app: AppName, { env, stdio = 'inherit' }: SpawnAppOptions): ChildProcess =>
  spawn(
    process.execPath,
    ['--conditions=@meetlink/source', '--import', 'tsx', join('apps', app, 'src', 'main.ts')],
    { cwd: REPO_ROOT, env, stdio },
  );

export interface LocalPipelineEnvOptions {
  /** Where the apps find the vendors (the fakes' env, or a proxy's in front of them). */
  vendorEnv: Record<string, string>;
  /** The one Redis, or (`host:port,…`) the nodes of a Redis Cluster. */
  redis: { url: string } | { clusterNodes: string };
  prefix: string;
  /** The intake API's port, on 127.0.0.1. */
  port: number;
  webhookSecret: string;
  adminToken: string;
}

/** What every app of a pipeline run on this machine (tests, benchmarks) needs: vendors, Redis, secrets, JSON logs. */
export const localPipelineEnv = (options: LocalPipelineEnvOptions): Record<string, string | undefined> => ({
  ...options.vendorEnv,
  PATH: process.env['PATH'],
  ...('url' in options.redis
    ? { REDIS_URL: options.redis.url }
    : { REDIS_CLUSTER_NODES: options.redis.clusterNodes }),
  REDIS_PREFIX: options.prefix,
  PORT: String(options.port),
  HOST: '127.0.0.1',
  WEBHOOK_SECRETS: options.webhookSecret,
  ADMIN_TOKEN: options.adminToken,
  LOG_LEVEL: 'info',
  LOG_FORMAT: 'json',
});
