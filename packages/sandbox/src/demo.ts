// `npm run demo`: sends signed sample bookings (one with a Google event, one with an Outlook event) to
// a running pipeline and follows each until every step has settled.
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { randomUUID } from 'node:crypto';
import { signWebhook } from '@meetlink/events';
import type { BookingStatus, CalendarRef } from '@meetlink/events';
import {
  SANDBOX_ADMIN_TOKEN,
  SANDBOX_CALENDAR_EVENTS,
  SANDBOX_PORT,
  SANDBOX_WEBHOOK_SECRET,
} from './defaults';

export interface DemoOptions {
  env: Record<string, string | undefined>;
  print?: (line: string) => void;
  timeoutMs?: number;
}

const isSettled = (status: BookingStatus): boolean =>
  Object.values(status.steps).every(
    (s) => s.version === status.version && ['done', 'skipped', 'failed'].includes(s.state),
  );

const calendars: CalendarRef[] = [
  { ...SANDBOX_CALENDAR_EVENTS.google },
  { ...SANDBOX_CALENDAR_EVENTS.outlook },
];

export const runDemo = async ({
  env,
  print = console.log,
  timeoutMs = 30_000,
}: DemoOptions): Promise<number> => {
  const url = env['INTAKE_URL'] ?? `http://localhost:${env['PORT'] ?? SANDBOX_PORT}`;
  const secret = (env['WEBHOOK_SECRETS'] ?? SANDBOX_WEBHOOK_SECRET).split(',')[0]!.trim();
  const adminToken = env['ADMIN_TOKEN'] ?? SANDBOX_ADMIN_TOKEN;

  const health = await fetch(`${url}/healthz`).catch(() => undefined);
  if (!health?.ok) {
    print(`No intake API answers at ${url}/healthz. Start the pipeline first: npm start`);
    return 1;
  }

  const follow = async (bookingId: string): Promise<boolean> => {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      const res = await fetch(`${url}/v1/bookings/${bookingId}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      if (res.status !== 200) {
        print(`GET /v1/bookings/${bookingId} -> ${res.status} ${await res.text()}`);
        return false;
      }
      const status = (await res.json()) as BookingStatus;
      const line = Object.entries(status.steps)
        .map(([name, step]) => `${name}=${step.state}`)
        .join('  ');
      if (line !== last) print(`  ${line}`);
      last = line;
      if (isSettled(status)) {
        for (const [name, step] of Object.entries(status.steps)) {
          print(
            `  ${name.padEnd(10)} ${step.state.padEnd(8)} attempts=${step.attempts}  ${step.lastError?.code ?? step.detail ?? ''}`,
          );
        }
        if (status.meeting) {
          print(
            `  meeting    ${status.meeting.id}  ${status.meeting.joinUrl}  passcode ${status.meeting.passcode ?? '(none)'}`,
          );
        }
        return !Object.values(status.steps).some((s) => s.state === 'failed');
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    print(`Booking ${bookingId} did not settle within ${timeoutMs / 1000}s; are the workers running?`);
    return false;
  };

  let isOk = true;
  for (const calendar of calendars) {
    const bookingId = `bk_demo_${randomUUID().slice(0, 8)}`;
    const body = JSON.stringify(sampleEvent(sampleBooking({ bookingId, calendar })));
    const headers = signWebhook({ secret, id: `msg_${randomUUID()}`, timestamp: Date.now() / 1000, body });
    const res = await fetch(`${url}/v1/events`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
    print(`\n${calendar.provider} booking: POST ${url}/v1/events -> ${res.status} ${await res.text()}`);
    isOk = res.status === 202 && (await follow(bookingId)) && isOk;
  }
  print(isOk ? '\nEvery step settled.' : '\nA step failed; see its lastError above.');
  return isOk ? 0 : 1;
};
