// Starts a throwaway or sandbox `redis-server` of our own: used by `npm start` (sandbox mode) and by
// the test run. Never used in production, where REDIS_URL points at a managed Redis.
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { connect, createServer } from 'node:net';

export class RedisServerMissingError extends Error {
  constructor() {
    super(
      'redis-server was not found on PATH. Install it (Debian/Ubuntu: `apt-get install -y redis-server`, ' +
        'macOS: `brew install redis`) or set REDIS_URL to a Redis you already run.',
    );
    this.name = 'RedisServerMissingError';
  }
}

export const findRedisServer = (binary = process.env['REDIS_SERVER_BIN'] ?? 'redis-server'): string => {
  const probe = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) throw new RedisServerMissingError();
  return binary;
};

const portsHandedOut = new Set<number>();

const askOsForPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });

/**
 * A port that was free a moment ago (the OS picked it), and never one this process handed out
 * before: the OS may offer a just-closed port again, and two apps told the same port would both
 * bind it (one on 127.0.0.1, one on every address), each answering the other's requests.
 */
export const findFreePort = async (): Promise<number> => {
  for (;;) {
    const port = await askOsForPort();
    if (!portsHandedOut.has(port)) {
      portsHandedOut.add(port);
      return port;
    }
  }
};

export interface RedisServerOptions {
  port?: number;
  /** Data directory; when set, AOF persistence is on so a restart keeps the data. */
  dataDir?: string;
  binary?: string;
  startTimeoutMs?: number;
  /** More redis-server arguments (a cluster node's, say). */
  extraArgs?: readonly string[];
}

export interface RunningRedis {
  readonly url: string;
  readonly port: number;
  readonly pid: number | undefined;
  /** Stops the server (SIGTERM, then SIGKILL after a deadline). */
  stop(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  restart(): Promise<void>;
}

/** One inline PING over a plain socket: no client library, nothing left open afterwards. */
const ping = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let answer = '';
    const done = (isUp: boolean): void => {
      socket.destroy();
      resolve(isUp);
    };
    socket.setTimeout(1_000, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });

const waitForPing = async (port: number, url: string, deadline: number): Promise<void> => {
  while (!(await ping(port))) {
    if (Date.now() > deadline) throw new Error(`redis-server at ${url} did not answer PING in time`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

export const stopProcess = (child: ChildProcess, timeoutMs = 5_000): Promise<void> =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });

/** Starts `redis-server` on 127.0.0.1 and resolves once it answers PING. */
export const startRedisServer = async (options: RedisServerOptions = {}): Promise<RunningRedis> => {
  const binary = findRedisServer(options.binary);
  const port = options.port ?? (await findFreePort());
  const url = `redis://127.0.0.1:${port}`;
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--maxmemory-policy', 'noeviction'];
  if (options.dataDir) {
    mkdirSync(options.dataDir, { recursive: true });
    args.push('--dir', options.dataDir, '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '');
  } else {
    args.push('--save', '', '--appendonly', 'no');
  }
  args.push(...(options.extraArgs ?? []));
  let child: ChildProcess | undefined;
  let stderr = '';

  const launch = async (): Promise<void> => {
    const proc = spawn(binary, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child = proc;
    proc.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4_000);
    });
    const exited = new Promise<never>((_, reject) =>
      proc.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${stderr}`))),
    );
    exited.catch(() => undefined);
    await Promise.race([waitForPing(port, url, Date.now() + (options.startTimeoutMs ?? 10_000)), exited]);
  };

  await launch();
  return {
    url,
    port,
    get pid() {
      return child?.pid;
    },
    stop: async () => {
      if (child) await stopProcess(child);
    },
    restart: async () => {
      if (child) await stopProcess(child);
      await launch();
    },
  };
};
