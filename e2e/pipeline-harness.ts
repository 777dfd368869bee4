// Starts the real apps (intake API and the three workers) as separate processes, as `npm start` does.
import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { generateSecret, signWebhook } from '@meetlink/events';
import type { BookingEvent, BookingStatus } from '@meetlink/events';
import { APP_NAMES, findFreePort, spawnApp, startSandboxFakes, stopProcess } from '@meetlink/sandbox';
import type { SandboxFakes } from '@meetlink/sandbox';

export const ADMIN_TOKEN = 'e2e-admin-token-0123456789';

export interface Pipeline {
  url: string;
  fakes: SandboxFakes;
  prefix: string;
  send(event: BookingEvent, webhookId?: string): Promise<Response>;
  status(bookingId: string): Promise<BookingStatus | null>;
  waitForStatus(
    bookingId: string,
    isDone: (status: BookingStatus) => boolean,
    timeoutMs?: number,
  ): Promise<BookingStatus>;
  /** Everything the processes printed, for a failing test's message. */
  output(): string;
  stop(): Promise<void>;
}

export const startPipeline = async (redisUrl: string): Promise<Pipeline> => {
  const port = await findFreePort();
  const prefix = `e2e${randomUUID().slice(0, 8)}`;
  const secret = generateSecret();
  const fakes = await startSandboxFakes({});
  const env = {
    ...fakes.env,
    PATH: process.env['PATH'],
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    PORT: String(port),
    HOST: '127.0.0.1',
    WEBHOOK_SECRETS: secret,
    ADMIN_TOKEN,
    LOG_LEVEL: 'info',
    LOG_FORMAT: 'json',
  };
  let output = '';
  const children: ChildProcess[] = APP_NAMES.map((app) => {
    const child = spawnApp(app, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-200_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    return child;
  });
  const url = `http://127.0.0.1:${port}`;

  const status = async (bookingId: string): Promise<BookingStatus | null> => {
    const res = await fetch(`${url}/v1/bookings/${bookingId}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    return res.status === 200 ? ((await res.json()) as BookingStatus) : null;
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    const isReady = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (isReady) break;
    if (Date.now() > deadline) throw new Error(`intake API did not become ready:\n${output}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  return {
    url,
    fakes,
    prefix,
    send: (event, webhookId = `msg_${randomUUID()}`) => {
      const body = JSON.stringify(event);
      const headers = signWebhook({ secret, id: webhookId, timestamp: Date.now() / 1000, body });
      return fetch(`${url}/v1/events`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
      });
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
    output: () => output,
    stop: async () => {
      await Promise.all(children.map((child) => stopProcess(child, 10_000)));
      await fakes.close();
    },
  };
};

export const allStepsSettled = (status: BookingStatus): boolean =>
  Object.values(status.steps).every(
    (step) => step.version === status.version && ['done', 'skipped', 'failed'].includes(step.state),
  );
