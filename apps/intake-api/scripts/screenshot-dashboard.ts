// Photographs the ops dashboard (/admin/queues) after a day's worth of real pipeline work, into
// docs/ops-dashboard.png (every queue) and docs/ops-dashboard-failed.png (a failed job's error).
// The real apps run as processes against the sandbox fakes and a Redis of their own; the bookings go
// in signed, as an upstream system sends them. Nothing of the machine's own Redis is touched.
// Run: npm run screenshot:dashboard -w @meetlink/intake-api   (CHROMIUM_PATH overrides /usr/bin/chromium)
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { EventType, generateSecret, signWebhook } from '@meetlink/events';
import type { Booking, BookingEvent, BookingStatus, CalendarRef } from '@meetlink/events';
import {
  APP_NAMES,
  findFreePort,
  pollUntil,
  SANDBOX_CALENDAR_EVENTS,
  spawnApp,
  startRedisServer,
  startSandboxFakes,
  stopProcess,
} from '@meetlink/sandbox';
import { chromium } from 'playwright-core';

const OUT_DIR = join(__dirname, '..', '..', '..', 'docs');
const EXECUTABLE = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const ADMIN_TOKEN = 'screenshot-admin-token-0123456789';
const OPS = { username: 'ops', password: 'screenshot-ops-password' };

const HOUR_MS = 3_600_000;
const at = (hoursFromNow: number): Date => new Date(Date.now() + hoursFromNow * HOUR_MS);
const { google, outlook } = SANDBOX_CALENDAR_EVENTS;
const googleEvent = (eventId: string): CalendarRef => ({ ...google, eventId });
const outlookEvent = (eventId: string): CalendarRef => ({ ...outlook, eventId });

/** A host who is a Zoom user, but of another company's account: our app may not make their meetings. */
const PARTNER_HOST = {
  memberId: 'mem_lin',
  name: 'Lin Partner',
  email: 'lin@partner.example',
  timezone: 'Asia/Singapore',
};

/** The morning's bookings: new ones over the next two days, a reschedule, a cancellation, one failure. */
const bookings: { booking: Booking; type?: BookingEvent['type'] }[] = [
  { booking: sampleBooking({ bookingId: 'bk_4f1a20', startsAt: at(3), calendar: googleEvent('evt4f1a20') }) },
  {
    booking: sampleBooking({ bookingId: 'bk_4f1a21', startsAt: at(5), calendar: outlookEvent('evt-4f1a21') }),
  },
  {
    booking: sampleBooking({ bookingId: 'bk_4f1a22', startsAt: at(26), calendar: googleEvent('evt4f1a22') }),
  },
  { booking: sampleBooking({ bookingId: 'bk_4f1a23', startsAt: at(28) }) },
  {
    booking: sampleBooking({
      bookingId: 'bk_4f1a24',
      startsAt: at(30),
      calendar: outlookEvent('evt-4f1a24'),
    }),
  },
  {
    booking: sampleBooking({ bookingId: 'bk_4f1a25', startsAt: at(47), calendar: googleEvent('evt4f1a25') }),
  },
  { booking: sampleBooking({ bookingId: 'bk_4f1a26', startsAt: at(50) }) },
  // Moved to the next day.
  {
    booking: sampleBooking({
      bookingId: 'bk_4f1a22',
      version: 2,
      startsAt: at(27),
      calendar: googleEvent('evt4f1a22'),
    }),
    type: EventType.rescheduled,
  },
  // Canceled: its meeting and reminders go.
  {
    booking: sampleBooking({ bookingId: 'bk_4f1a26', version: 2, startsAt: at(50) }),
    type: EventType.canceled,
  },
  // Hosted by someone outside our Zoom account: the conference step fails for good.
  { booking: { ...sampleBooking({ bookingId: 'bk_4f1a27', startsAt: at(6) }), host: PARTNER_HOST } },
];

const isSettled = (status: BookingStatus | null): boolean =>
  status !== null &&
  Object.values(status.steps).every(
    (step) => step.version === status.version && ['done', 'skipped', 'failed'].includes(step.state),
  );

const main = async (): Promise<void> => {
  const redis = await startRedisServer();
  const fakes = await startSandboxFakes({});
  fakes.zoom?.addUser({ id: 'zu_lin', email: PARTNER_HOST.email, accountId: 'partner-account' });
  const port = await findFreePort();
  const url = `http://127.0.0.1:${port}`;
  const secret = generateSecret();
  const env: Record<string, string | undefined> = {
    ...fakes.env,
    PATH: process.env['PATH'],
    REDIS_URL: redis.url,
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: url,
    WEBHOOK_SECRETS: secret,
    ADMIN_TOKEN,
    ADMIN_USER: OPS.username,
    ADMIN_PASSWORD: OPS.password,
    LOG_LEVEL: 'warn',
    LOG_FORMAT: 'json',
  };
  const children: ChildProcess[] = APP_NAMES.map((app) =>
    spawnApp(app, { env, stdio: ['ignore', 'ignore', 'inherit'] }),
  );
  const browser = await chromium.launch({
    executablePath: EXECUTABLE,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
  });
  try {
    await pollUntil(
      () =>
        fetch(`${url}/readyz`).then(
          (res) => res.ok,
          () => false,
        ),
      Boolean,
      { timeoutMs: 60_000, everyMs: 200, what: 'the intake API to be ready' },
    );
    for (const { booking, type } of bookings) {
      const body = JSON.stringify(sampleEvent(booking, type));
      const headers = signWebhook({ secret, id: `msg_${randomUUID()}`, timestamp: Date.now() / 1000, body });
      const res = await fetch(`${url}/v1/events`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', ...headers },
      });
      if (res.status !== 202) throw new Error(`${booking.bookingId}: ${res.status} ${await res.text()}`);
    }
    const status = (bookingId: string) =>
      fetch(`${url}/v1/bookings/${bookingId}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } }).then(
        (res) => (res.ok ? (res.json() as Promise<BookingStatus>) : null),
      );
    for (const bookingId of new Set(bookings.map(({ booking }) => booking.bookingId))) {
      await pollUntil(() => status(bookingId), isSettled, {
        timeoutMs: 60_000,
        everyMs: 250,
        what: `booking ${bookingId} to settle`,
      });
    }

    await mkdir(OUT_DIR, { recursive: true });
    const context = await browser.newContext({
      httpCredentials: OPS,
      viewport: { width: 1440, height: 760 },
      deviceScaleFactor: 1,
      colorScheme: 'light',
    });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${url}/admin/queues`);
    await page.getByText('reminders', { exact: true }).first().waitFor();
    await page.getByText('Delayed', { exact: false }).first().waitFor();
    await page.screenshot({ path: join(OUT_DIR, 'ops-dashboard.png') });

    await page.goto(`${url}/admin/queues/queue/conference?status=failed`);
    await page.getByText('zoom_user_not_found').first().waitFor();
    await page.screenshot({ path: join(OUT_DIR, 'ops-dashboard-failed.png') });
    console.log(join(OUT_DIR, 'ops-dashboard.png'));
    console.log(join(OUT_DIR, 'ops-dashboard-failed.png'));
  } finally {
    await browser.close();
    await Promise.all(children.map((child) => stopProcess(child, 30_000)));
    await fakes.close();
    await redis.stop();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
