// A throwaway Redis Cluster on this machine, for tests and `REDIS_CLUSTER_NODES` runs: N masters
// (redis-server --cluster-enabled yes on free ports, each with its own node file), joined and given
// the 16,384 slots by `redis-cli --cluster create`, ready once every node reports cluster_state:ok.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer } from './redis-server';
import type { RunningRedis } from './redis-server';

export interface RunningRedisCluster {
  readonly nodes: readonly { host: string; port: number }[];
  /** `host:port,host:port,…`, as REDIS_CLUSTER_NODES takes it. */
  readonly nodesEnv: string;
  readonly servers: readonly RunningRedis[];
  stop(): Promise<void>;
}

const run = (binary: string, args: readonly string[]): Promise<{ code: number | null; output: string }> =>
  new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, output }));
  });

const clusterState = async (cli: string, port: number): Promise<string> => {
  const { output } = await run(cli, ['-p', String(port), 'cluster', 'info']);
  return /cluster_state:(\w+)/.exec(output)?.[1] ?? 'unknown';
};

export const startRedisCluster = async ({
  masters = 3,
  cli = process.env['REDIS_CLI_BIN'] ?? 'redis-cli',
  readyTimeoutMs = 20_000,
}: { masters?: number; cli?: string; readyTimeoutMs?: number } = {}): Promise<RunningRedisCluster> => {
  const dir = mkdtempSync(join(tmpdir(), 'meetlink-cluster-'));
  const servers: RunningRedis[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()));
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < masters; i += 1) {
      servers.push(
        await startRedisServer({
          extraArgs: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            join(dir, `nodes-${i}.conf`),
            '--cluster-node-timeout',
            '5000',
            '--dir',
            dir,
          ],
        }),
      );
    }
    const addresses = servers.map((server) => `127.0.0.1:${server.port}`);
    const created = await run(cli, [
      '--cluster',
      'create',
      ...addresses,
      '--cluster-replicas',
      '0',
      '--cluster-yes',
    ]);
    if (created.code !== 0) throw new Error(`redis-cli --cluster create failed:\n${created.output}`);
    const deadline = Date.now() + readyTimeoutMs;
    for (const server of servers) {
      while ((await clusterState(cli, server.port)) !== 'ok') {
        if (Date.now() > deadline)
          throw new Error(`cluster node ${server.port} never reached cluster_state:ok`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    const nodes = servers.map((server) => ({ host: '127.0.0.1', port: server.port }));
    return { nodes, nodesEnv: addresses.join(','), servers, stop };
  } catch (error) {
    await stop();
    throw error;
  }
};
