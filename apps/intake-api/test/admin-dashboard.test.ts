// The ops dashboard (bull-board at /admin/queues) over HTTP and in headless Chromium: admin only, with
// the browser's login prompt; every queue of the pipeline with its counts; a failed job with our code
// and message; retry and clean through the board's own API; a CSP that lets the board run.
import { randomUUID } from 'node:crypto';
import { PermanentError } from '@meetlink/errors';
import { createQueue, createWorker } from '@meetlink/queue';
import type { Worker } from 'bullmq';
import type { RedisClient } from '@meetlink/redis';
import { pollUntil } from '@meetlink/sandbox';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import type { PipelineQueues } from '../src/routes/admin-queues';
import { DASHBOARD_CONTENT_SECURITY_POLICY } from '../src/security-headers';
import { ADMIN_TOKEN, startIntake, testRedisUrl } from './harness';
import type { Intake } from './harness';
import { createRedisConnection } from '@meetlink/redis';

const OPS = { user: 'ops', password: 'ops-password-0123456789' };
const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const BEARER = { authorization: `Bearer ${ADMIN_TOKEN}` };

const FAILED_CODE = 'member_not_connected';
const FAILED_MESSAGE = 'Ada has not connected Google Calendar';

let intake: Intake;
let connection: RedisClient;
let queues: PipelineQueues;
let failedJobIds: string[];

/** Fails an email job for each booking the way our workers do: a PermanentError through createWorker. */
const failEmailJobs = async (bookingIds: string[]): Promise<string[]> => {
  const workerConnection = createRedisConnection(testRedisUrl(), 'worker');
  let worker: Worker | undefined;
  try {
    const jobs = await Promise.all(
      bookingIds.map((bookingId) => queues.email.add({ bookingId, version: 1 })),
    );
    worker = createWorker('email', () => Promise.reject(new PermanentError(FAILED_CODE, FAILED_MESSAGE)), {
      connection: workerConnection,
      prefix: intake.prefix,
    });
    const ids = jobs.map((job) => job.id!);
    await pollUntil(
      () => Promise.all(ids.map((id) => queues.email.queue.getJobState(id))),
      (states) => states.every((state) => state === 'failed'),
      { what: 'the email jobs to fail' },
    );
    return ids;
  } finally {
    await worker?.close();
    workerConnection.disconnect();
  }
};

beforeAll(async () => {
  const prefix = `tdash${randomUUID().slice(0, 8)}`;
  connection = createRedisConnection(testRedisUrl(), 'producer');
  connection.on('error', () => undefined);
  const context = { connection, prefix };
  queues = {
    conference: createQueue('conference', context),
    calendar: createQueue('calendar', context),
    email: createQueue('email', context),
    reminders: createQueue('reminders', context),
    meetingCleanup: createQueue('meetingCleanup', context),
  };
  intake = await startIntake({ prefix, app: { adminBasic: OPS, queues } });

  await queues.conference.add({ bookingId: 'bk_dash_1', version: 1 });
  await queues.calendar.add({ bookingId: 'bk_dash_1', version: 1 });
  await queues.reminders.add({ bookingId: 'bk_dash_1', offsetMinutes: 60 }, { delay: 2 * 3_600_000 });
  failedJobIds = await failEmailJobs(['bk_dash_2', 'bk_dash_3']);
});

afterAll(async () => {
  for (const queue of Object.values(queues)) await queue.queue.obliterate({ force: true });
  await Promise.all(Object.values(queues).map((queue) => queue.close()));
  connection.disconnect();
  await intake.close();
});

describe('/admin/queues authentication', () => {
  it('401 with a Basic challenge (realm "meetlink ops") without credentials, the board API included', async () => {
    for (const path of ['/admin/queues', '/admin/queues/', '/admin/queues/api/queues']) {
      const res = await fetch(`${intake.url}${path}`);
      expect([path, res.status]).toEqual([path, 401]);
      expect(res.headers.get('www-authenticate')).toContain('Basic realm="meetlink ops"');
      expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('401 with a wrong token, a wrong password, or Basic on a request another site started', async () => {
    const attempts: Record<string, string>[] = [
      { authorization: 'Bearer wrong-token-wrong-token' },
      { authorization: basic(OPS.user, 'wrong-password-0123456') },
      { authorization: basic('someone', OPS.password) },
      // Browsers resend cached Basic credentials: a page elsewhere must not retry or clean jobs.
      { authorization: basic(OPS.user, OPS.password), 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of attempts) {
      const res = await fetch(`${intake.url}/admin/queues/api/queues/email/${failedJobIds[0]}/retry`, {
        method: 'PUT',
        headers,
      });
      expect(res.status).toBe(401);
    }
    expect(await queues.email.queue.getJobState(failedJobIds[0]!)).toBe('failed');
  });

  it('200 with the bearer token and with Basic: the board page, under its own CSP, never cached', async () => {
    for (const authorization of [BEARER.authorization, basic(OPS.user, OPS.password)]) {
      const res = await fetch(`${intake.url}/admin/queues`, { headers: { authorization } });
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).toContain('<base href="/admin/queues/"');
      expect(res.headers.get('content-security-policy')).toBe(DASHBOARD_CONTENT_SECURITY_POLICY);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-powered-by')).toBeNull();
    }
  });

  it('keeps the strict CSP everywhere else', async () => {
    const res = await fetch(`${intake.url}/healthz`);
    expect(res.headers.get('content-security-policy')).toContain("default-src 'none'; style-src");
    expect(res.headers.get('content-security-policy')).not.toContain('script-src');
  });
});

interface BoardJob {
  id: string;
  failedReason?: string;
  stacktrace: string[];
}
interface BoardQueue {
  name: string;
  counts: Record<string, number>;
  readOnlyMode: boolean;
  activeRateLimitTtl: number;
  allowRetries: boolean;
  jobs: BoardJob[];
}

const readBoard = async (query: string): Promise<BoardQueue[]> => {
  const res = await fetch(`${intake.url}/admin/queues/api/queues?${query}`, { headers: BEARER });
  expect(res.status).toBe(200);
  return ((await res.json()) as { queues: BoardQueue[] }).queues;
};

describe('/admin/queues board API', () => {
  it('lists every queue of the pipeline with its counts: waiting, a delayed reminder, failed jobs', async () => {
    const board = await readBoard('activeQueue=email&status=failed&page=1&jobsPerPage=10');
    expect(board.map((queue) => queue.name)).toEqual([
      'conference',
      'calendar',
      'email',
      'reminders',
      'meeting-cleanup',
    ]);
    const counts = Object.fromEntries(board.map((queue) => [queue.name, queue.counts]));
    expect(counts['conference']).toMatchObject({ waiting: 1, failed: 0 });
    expect(counts['calendar']).toMatchObject({ waiting: 1 });
    expect(counts['reminders']).toMatchObject({ delayed: 1, waiting: 0 });
    expect(counts['email']).toMatchObject({ failed: 2, waiting: 0 });
    expect(counts['meeting-cleanup']).toMatchObject({ waiting: 0, failed: 0 });
    for (const queue of board) expect([queue.readOnlyMode, queue.allowRetries]).toEqual([false, true]);
  });

  it("shows a failed job's code and message, where the board's job view reads them", async () => {
    const email = (await readBoard('activeQueue=email&status=failed&page=1&jobsPerPage=10')).find(
      (queue) => queue.name === 'email',
    )!;
    expect(email.jobs.map((job) => job.id).sort()).toEqual([...failedJobIds].sort());
    for (const job of email.jobs) {
      expect(job.failedReason).toBe(`${FAILED_CODE}: ${FAILED_MESSAGE}`);
      // The Error tab shows the newest stack trace first; it opens with the same line.
      expect(job.stacktrace[0]).toContain(`${FAILED_CODE}: ${FAILED_MESSAGE}`);
    }
  });

  it("shows a rate limit while a worker holds the queue for a vendor's 429, not for the limiter's count", async () => {
    // Our workers' limiter counts every job in its window; a hold set on a 429 is what ops must see.
    await connection.set(queues.calendar.queue.keys.limiter!, '3', 'PX', 60_000);
    await queues.conference.queue.rateLimit(60_000);
    try {
      const board = await readBoard('');
      const ttl = (name: string) => board.find((queue) => queue.name === name)!.activeRateLimitTtl;
      expect(ttl('calendar')).toBe(0);
      expect(ttl('conference')).toBeGreaterThan(50_000);
    } finally {
      await queues.calendar.queue.removeRateLimitKey();
      await queues.conference.queue.removeRateLimitKey();
    }
  });

  it('retries a failed job (back to waiting, as a fresh job: a whole retry horizon again) and cleans one (removed)', async () => {
    const [retried, cleaned] = failedJobIds as [string, string];
    const failedAt = (await queues.email.queue.getJob(retried))!.timestamp;
    const retry = await fetch(`${intake.url}/admin/queues/api/queues/email/${retried}/retry`, {
      method: 'PUT',
      headers: BEARER,
    });
    expect(retry.status).toBe(204);
    expect(await queues.email.queue.getJobState(retried)).toBe('waiting');
    // job.retry() would keep the first timestamp, and the horizon counts from it.
    const redriven = (await queues.email.queue.getJob(retried))!;
    expect(redriven.timestamp).toBeGreaterThan(failedAt);
    expect(redriven.attemptsMade).toBe(0);

    const clean = await fetch(`${intake.url}/admin/queues/api/queues/email/${cleaned}/clean`, {
      method: 'PUT',
      headers: BEARER,
    });
    expect(clean.status).toBe(204);
    expect(await queues.email.queue.getJob(cleaned)).toBeUndefined();
    const email = (await readBoard('')).find((queue) => queue.name === 'email')!;
    expect(email.counts).toMatchObject({ waiting: 1, failed: 0 });
  });
});

describe('/admin/queues in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
    });
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('without credentials: Chromium asks for a Basic login (realm "meetlink ops"); cancelled, a 401', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      // What a headful browser turns into its login prompt, answered as a person pressing Cancel.
      const cdp = await context.newCDPSession(page);
      const challenges: unknown[] = [];
      cdp.on('Fetch.requestPaused', (event) => {
        void cdp.send('Fetch.continueRequest', { requestId: event.requestId });
      });
      cdp.on('Fetch.authRequired', (event) => {
        challenges.push(event.authChallenge);
        void cdp.send('Fetch.continueWithAuth', {
          requestId: event.requestId,
          authChallengeResponse: { response: 'CancelAuth' },
        });
      });
      await cdp.send('Fetch.enable', { handleAuthRequests: true, patterns: [{ urlPattern: '*' }] });
      const res = await page.goto(`${intake.url}/admin/queues`);
      expect(challenges).toEqual([
        { source: 'Server', origin: intake.url, scheme: 'basic', realm: 'meetlink ops' },
      ]);
      expect(res?.status()).toBe(401);
      expect(await page.textContent('body')).toContain('unauthorized');
    } finally {
      await context.close();
    }
  });

  it('with wrong Basic credentials: 401', async () => {
    const context = await browser.newContext({
      httpCredentials: { username: OPS.user, password: 'wrong-password-0123456' },
    });
    try {
      const res = await (await context.newPage()).goto(`${intake.url}/admin/queues`);
      expect(res?.status()).toBe(401);
    } finally {
      await context.close();
    }
  });

  it('with Basic credentials: the board renders every queue, and the failed job with its code and message', async () => {
    const context = await browser.newContext({
      httpCredentials: { username: OPS.user, password: OPS.password },
    });
    try {
      // Every CSP refusal, as the page sees it: the board must need nothing the policy forbids.
      // (A string: this file is type-checked without the DOM's types.)
      await context.addInitScript({
        content: `window.cspViolations = [];
          document.addEventListener('securitypolicyviolation', (event) =>
            window.cspViolations.push(event.effectiveDirective + ' ' + event.blockedURI));`,
      });
      await failEmailJobs(['bk_dash_browser']);
      const page = await context.newPage();
      page.setDefaultTimeout(10_000);
      const res = await page.goto(`${intake.url}/admin/queues`);
      expect(res?.status()).toBe(200);
      const sidebar = page.getByRole('navigation');
      for (const name of ['conference', 'calendar', 'email', 'reminders', 'meeting-cleanup']) {
        await sidebar.getByText(name, { exact: true }).waitFor();
      }

      await page.goto(`${intake.url}/admin/queues/queue/email?status=failed`);
      await page.getByText(`${FAILED_CODE}: ${FAILED_MESSAGE}`).first().waitFor();

      const violations = await page.evaluate<string[]>('window.cspViolations');
      // The one thing refused on purpose: the Google Fonts stylesheet the board's page links.
      expect(violations.filter((v) => !v.startsWith('style-src-elem https://fonts.googleapis.com/'))).toEqual(
        [],
      );
    } finally {
      await context.close();
    }
  });
});
