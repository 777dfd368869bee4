// The ops CLI as tests run it: as a function on a prefix of the test Redis, and the real workers as
// processes (as `npm start` runs them) against the fakes, with a Zoom of the test's own.
import type { ChildProcess } from 'node:child_process';
import type { Booking, BookingStatus } from '@meetlink/events';
import { cleanUpRedisPrefix, sampleSnapshot, startFakeZoom } from '@meetlink/fakes';
import type { FakeZoom } from '@meetlink/fakes';
import { createQueue } from '@meetlink/queue';
import { pollUntil, SANDBOX_ZOOM, spawnApp, startSandboxFakes, stopProcess } from '@meetlink/sandbox';
import type { AppName, SandboxFakes } from '@meetlink/sandbox';
import { createRedisBookingStore } from '@meetlink/store';
import { OPS_QUEUES } from '../src/parse-command';
import { runOps } from '../src/run-ops';
import type { OpsIo } from '../src/run-ops';
import { createRedisConnection } from '@meetlink/redis';

export const REDIS_URL = process.env['REDIS_URL']!;

export interface OpsRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed (the command ran with --json). */
  json<T>(): T;
}

/** Runs the CLI in-process on `prefix`, as `npm run ops -- …argv` would. */
export const opsOn =
  (prefix: string, io: Partial<OpsIo> = {}) =>
  async (...argv: string[]): Promise<OpsRun> => {
    let stdout = '';
    let stderr = '';
    const code = await runOps(argv, {
      env: { REDIS_URL, REDIS_PREFIX: prefix },
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
      ...io,
    });
    return { code, stdout, stderr, json: <T>() => JSON.parse(stdout) as T };
  };

/** A prefix's queues, store and connection, as the apps have them, and the clean-up after. */
export const pipelineState = (prefix: string) => {
  const redis = createRedisConnection(REDIS_URL, 'worker');
  const context = { connection: redis, prefix };
  const queues = {
    conference: createQueue('conference', context),
    calendar: createQueue('calendar', context),
    email: createQueue('email', context),
    reminders: createQueue('reminders', context),
    meetingCleanup: createQueue('meetingCleanup', context),
  };
  const store = createRedisBookingStore({ redis, prefix });
  return {
    prefix,
    redis,
    queues,
    store,
    /** Stores a booking version as the intake does, and queues its conference job. */
    submit: async (booking: Booking) => {
      await store.accept(sampleSnapshot(booking), `msg_${booking.bookingId}_${booking.version}`);
      await queues.conference.add({ bookingId: booking.bookingId, version: booking.version });
    },
    waitForStatus: async (bookingId: string, isDone: (status: BookingStatus) => boolean) =>
      (await pollUntil(
        () => store.getStatus(bookingId),
        (status) => status !== null && isDone(status),
        { what: `the status of ${bookingId}`, timeoutMs: 25_000 },
      ))!,
    close: () => cleanUpRedisPrefix({ redis, prefix, queues: OPS_QUEUES.map((key) => queues[key]) }),
  };
};

const WORKERS: readonly AppName[] = ['conference-worker', 'calendar-worker', 'email-worker'];

export interface WorkerProcesses {
  zoom: FakeZoom;
  fakes: SandboxFakes;
  /** What the workers printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * The conference, calendar and email workers as processes on `prefix`. Zoom is the test's own fake
 * without auto-provisioning, so a host without a Zoom user fails for good until the test adds one.
 */
export const startWorkerProcesses = async (
  prefix: string,
  env: Record<string, string> = {},
): Promise<WorkerProcesses> => {
  const zoom = await startFakeZoom();
  zoom.addAccount(SANDBOX_ZOOM);
  zoom.addUser({ id: 'zu_ada', email: 'ada@example.com', accountId: SANDBOX_ZOOM.accountId });
  // The sandbox's other fakes (SMTP, Google, Graph) and keys; its own Zoom stays off.
  const fakes = await startSandboxFakes({ ZOOM_ACCOUNT_ID: SANDBOX_ZOOM.accountId });
  const childEnv = {
    ...fakes.env,
    PATH: process.env['PATH'],
    REDIS_URL,
    REDIS_PREFIX: prefix,
    ZOOM_API_BASE_URL: zoom.apiBaseUrl,
    ZOOM_OAUTH_BASE_URL: zoom.oauthBaseUrl,
    ZOOM_ACCOUNT_ID: SANDBOX_ZOOM.accountId,
    ZOOM_CLIENT_ID: SANDBOX_ZOOM.clientId,
    ZOOM_CLIENT_SECRET: SANDBOX_ZOOM.clientSecret,
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
    ...env,
  };
  let output = '';
  const children: ChildProcess[] = [];
  const ready = WORKERS.map((app) => {
    const child = spawnApp(app, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let own = '';
    const collect = (chunk: Buffer) => {
      own += chunk.toString();
      output += chunk.toString();
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const hasExited = () => child.exitCode !== null || child.signalCode !== null;
    return pollUntil(() => Promise.resolve(hasExited() || own.includes('"msg":"worker ready"')), Boolean, {
      timeoutMs: 30_000,
      everyMs: 50,
      what: `${app} ready`,
    }).then(() => {
      if (hasExited()) throw new Error(`${app} exited while starting:\n${own.slice(-5_000)}`);
    });
  });
  const stop = async () => {
    await Promise.all(children.map((child) => stopProcess(child, 10_000)));
    await fakes.close();
    await zoom.close();
  };
  try {
    await Promise.all(ready);
  } catch (error) {
    await stop();
    throw error;
  }
  return { zoom, fakes, output: () => output.slice(-20_000), stop };
};
