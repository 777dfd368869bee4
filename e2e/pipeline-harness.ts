// Starts the real apps (intake API and the three workers) as separate processes, as `npm start` does;
// the fakes run in the test process, so a test can inject faults, kill and restart an app, and read
// what the vendors hold.
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { generateSecret, signWebhook } from '@meetlink/events';
import type { BookingEvent, BookingStatus, StepName } from '@meetlink/events';
import { signZoomWebhook } from '@meetlink/fakes';
import { createQueue } from '@meetlink/queue';
import type { TypedQueue } from '@meetlink/queue';
import {
  APP_NAMES,
  findFreePort,
  localPipelineEnv,
  opsEnvFor,
  pickOpsPorts,
  pollUntil,
  spawnApp,
  startSandboxFakes,
  stopProcess,
  WORKER_APP_NAMES,
} from '@meetlink/sandbox';
import type { AppName, RunningRedisCluster, SandboxFakes, WorkerAppName } from '@meetlink/sandbox';
import { createRedisConnection } from '@meetlink/redis';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';

export interface PipelineOptions {
  /** Extra variables for every app (retry timing, concurrency…), over the harness's own. */
  env?: Record<string, string>;
  /** How many processes of each worker to run against the one Redis; default 1 each. */
  replicas?: Partial<Record<WorkerAppName, number>>;
}

/** Jobs of the step queues that still have to run: waiting, active, delayed (retries), prioritized. */
export type PendingJobs = Record<StepName, number>;

export interface Pipeline {
  url: string;
  fakes: SandboxFakes;
  prefix: string;
  /** Each worker's ops port (OPS_PORT): /healthz, /readyz, /metrics. */
  opsUrls: Record<WorkerAppName, string>;
  send(event: BookingEvent, webhookId?: string): Promise<Response>;
  /** POSTs a Zoom event to /webhooks/zoom, signed as Zoom signs it (x-zm-signature, x-zm-request-timestamp). */
  sendZoomWebhook(event: unknown, timestampSeconds?: number): Promise<Response>;
  status(bookingId: string): Promise<BookingStatus | null>;
  waitForStatus(
    bookingId: string,
    isDone: (status: BookingStatus) => boolean,
    timeoutMs?: number,
  ): Promise<BookingStatus>;
  /** Jobs still to run in the step queues; null while Redis cannot be read. */
  pendingJobs(): Promise<PendingJobs | null>;
  /** Every replica's ops URL, by worker, in replica order (the first is opsUrls'). */
  replicaOpsUrls: Record<WorkerAppName, string[]>;
  /** SIGKILLs one app, every replica of it (no shutdown hooks run), and resolves once they have exited. */
  kill(app: AppName): Promise<void>;
  /** SIGKILLs replica `index` (from 0) of a worker and resolves once it has exited; the others run on. */
  killReplica(app: WorkerAppName, index: number): Promise<void>;
  /** Starts the app again (after kill), every replica of it, and resolves once they are ready. */
  restart(app: AppName): Promise<void>;
  killAll(): Promise<void>;
  restartAll(): Promise<void>;
  /** Everything the processes printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;

/** The last `max` characters, from a line's start. */
const keepTail = (text: string, max: number): string =>
  text.length <= max ? text : text.slice(text.indexOf('\n', text.length - max) + 1);

/** The test run's Redis by URL, or a Redis Cluster (startRedisCluster) the apps and the harness use instead. */
export type PipelineRedis = string | RunningRedisCluster;

export const startPipeline = async (
  redisTarget: PipelineRedis,
  options: PipelineOptions = {},
): Promise<Pipeline> => {
  const port = await findFreePort();
  const prefix = `e2e${randomUUID().slice(0, 8)}`;
  const secret = generateSecret();
  const fakes = await startSandboxFakes({});
  const env: Record<string, string | undefined> = {
    ...localPipelineEnv({
      vendorEnv: fakes.env,
      redis: typeof redisTarget === 'string' ? { url: redisTarget } : { clusterNodes: redisTarget.nodesEnv },
      prefix,
      port,
      webhookSecret: secret,
      adminToken: ADMIN_TOKEN,
    }),
    ...options.env,
  };
  const url = `http://127.0.0.1:${port}`;
  const opsPorts = await pickOpsPorts();
  const replicaCount = (app: AppName): number =>
    app === 'intake-api' ? 1 : Math.max(1, options.replicas?.[app] ?? 1);
  // Replica 0 of each worker keeps the ops port picked above; each further one gets its own.
  const replicaOpsPorts = {} as Record<WorkerAppName, number[]>;
  for (const app of WORKER_APP_NAMES) {
    replicaOpsPorts[app] = [opsPorts[app]];
    for (let i = 1; i < replicaCount(app); i += 1) replicaOpsPorts[app].push(await findFreePort());
  }
  const instancesOf = (app: AppName): string[] =>
    Array.from({ length: replicaCount(app) }, (_, i) => `${app}#${i}`);
  const appOf = (instance: string): AppName => instance.split('#', 1)[0] as AppName;
  const instances = APP_NAMES.flatMap(instancesOf);
  let output = '';
  const children = new Map<string, { child: ChildProcess; output: string }>();

  const launch = (instance: string): void => {
    const app = appOf(instance);
    const index = Number(instance.split('#')[1]);
    const ops =
      app === 'intake-api' ? {} : opsEnvFor(app, { ...opsPorts, [app]: replicaOpsPorts[app][index] });
    const child = spawnApp(app, {
      env: { ...env, ...ops },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const entry = { child, output: '' };
    // Whole lines only: the four processes write at once, and a log line must not be cut by another's.
    const collect = () => {
      let partial = '';
      return (chunk: Buffer) => {
        const lines = (partial + chunk.toString()).split('\n');
        partial = lines.pop() ?? '';
        if (lines.length === 0) return;
        const text = `${lines.join('\n')}\n`;
        output = keepTail(output + text, 400_000);
        entry.output = keepTail(entry.output + text, 50_000);
      };
    };
    child.stdout?.on('data', collect());
    child.stderr?.on('data', collect());
    children.set(instance, entry);
  };

  const isIntakeReady = (): Promise<boolean> =>
    fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );

  const waitUntilReady = async (instance: string): Promise<void> => {
    const app = appOf(instance);
    const entry = children.get(instance)!;
    const hasExited = () => entry.child.exitCode !== null || entry.child.signalCode !== null;
    // Each worker logs 'worker ready' once BullMQ's connection is up; the intake answers /readyz.
    const isReady = async () =>
      hasExited() ||
      (app === 'intake-api' ? await isIntakeReady() : entry.output.includes('"msg":"worker ready"'));
    await pollUntil(isReady, Boolean, {
      timeoutMs: READY_TIMEOUT_MS,
      everyMs: 50,
      what: `${instance} ready`,
    }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${entry.output.slice(-5_000)}`);
    });
    if (hasExited()) throw new Error(`${instance} exited while starting:\n${entry.output.slice(-5_000)}`);
  };

  for (const instance of instances) launch(instance);
  try {
    await Promise.all(instances.map(waitUntilReady));
  } catch (error) {
    // An app that cannot start must not leave the others (and the fakes) running: jest would never exit.
    await Promise.all([...children.values()].map(({ child }) => stopProcess(child, 5_000)));
    await fakes.close();
    throw error;
  }

  const status = async (bookingId: string): Promise<BookingStatus | null> => {
    const res = await fetch(`${url}/v1/bookings/${bookingId}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    return res.status === 200 ? ((await res.json()) as BookingStatus) : null;
  };

  // The test process's own view of the queues (a producer connection: fails fast while Redis is away).
  const redis = createRedisConnection(
    typeof redisTarget === 'string' ? redisTarget : { clusterNodes: redisTarget.nodes },
    'producer',
    'e2e-harness',
  );
  redis.on('error', () => undefined);
  const queues: TypedQueue<StepName>[] = (['conference', 'calendar', 'email'] as const).map((key) =>
    createQueue(key, { connection: redis, prefix }),
  );
  const pendingJobs = async (): Promise<PendingJobs | null> => {
    try {
      const counts = await Promise.all(
        queues.map((q) => q.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')),
      );
      const total = (c: Record<string, number>) => Object.values(c).reduce((a, b) => a + b, 0);
      return { conference: total(counts[0]!), calendar: total(counts[1]!), email: total(counts[2]!) };
    } catch {
      return null;
    }
  };

  const killInstance = async (instance: string): Promise<void> => {
    const { child } = children.get(instance)!;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  };
  const kill = async (app: AppName): Promise<void> => {
    await Promise.all(instancesOf(app).map(killInstance));
  };
  const killReplica = async (app: WorkerAppName, index: number): Promise<void> => {
    const instance = `${app}#${index}`;
    if (!children.has(instance)) throw new Error(`${app} has no replica ${index}`);
    await killInstance(instance);
  };
  const restart = async (app: AppName): Promise<void> => {
    await kill(app);
    for (const instance of instancesOf(app)) launch(instance);
    await Promise.all(instancesOf(app).map(waitUntilReady));
  };

  return {
    url,
    fakes,
    prefix,
    opsUrls: {
      'conference-worker': `http://127.0.0.1:${opsPorts['conference-worker']}`,
      'calendar-worker': `http://127.0.0.1:${opsPorts['calendar-worker']}`,
      'email-worker': `http://127.0.0.1:${opsPorts['email-worker']}`,
    },
    replicaOpsUrls: {
      'conference-worker': replicaOpsPorts['conference-worker'].map((p) => `http://127.0.0.1:${p}`),
      'calendar-worker': replicaOpsPorts['calendar-worker'].map((p) => `http://127.0.0.1:${p}`),
      'email-worker': replicaOpsPorts['email-worker'].map((p) => `http://127.0.0.1:${p}`),
    },
    send: (event, webhookId = `msg_${randomUUID()}`) => {
      const body = JSON.stringify(event);
      const headers = signWebhook({ secret, id: webhookId, timestamp: Date.now() / 1000, body });
      return fetch(`${url}/v1/events`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
      });
    },
    sendZoomWebhook: (event, timestampSeconds) => {
      const signed = signZoomWebhook(env['ZOOM_WEBHOOK_SECRET_TOKEN'] ?? '', event, timestampSeconds);
      return fetch(`${url}/webhooks/zoom`, { method: 'POST', body: signed.body, headers: signed.headers });
    },
    status,
    waitForStatus: async (bookingId, isDone, timeoutMs = 20_000) => {
      const until = Date.now() + timeoutMs;
      let last: BookingStatus | null = null;
      while (Date.now() < until) {
        last = await status(bookingId);
        if (last && isDone(last)) return last;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(
        `booking ${bookingId} did not reach the expected status; last: ${JSON.stringify(last?.steps)}\n${output.slice(-5_000)}`,
      );
    },
    pendingJobs,
    kill,
    killReplica,
    restart,
    killAll: async () => {
      await Promise.all(instances.map(killInstance));
    },
    restartAll: async () => {
      await Promise.all(instances.map(killInstance));
      for (const instance of instances) launch(instance);
      await Promise.all(instances.map(waitUntilReady));
    },
    output: () => output,
    stop: async () => {
      await Promise.all([...children.values()].map(({ child }) => stopProcess(child, 10_000)));
      await Promise.all(queues.map((q) => q.close().catch(() => undefined)));
      redis.disconnect();
      await fakes.close();
    },
  };
};

export const allStepsSettled = (status: BookingStatus): boolean =>
  Object.values(status.steps).every(
    (step) => step.version === status.version && ['done', 'skipped', 'failed'].includes(step.state),
  );
