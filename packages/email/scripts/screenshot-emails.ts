// Renders every email kind and photographs it in headless Chromium, into docs/emails/*.png.
// Run: npm run screenshots -w @meetlink/email   (CHROMIUM_PATH overrides /usr/bin/chromium)
import { sampleBooking } from '@meetlink/fakes';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Booking, CanceledBooking } from '@meetlink/events';
import type { EmailInput } from '@meetlink/email';
import { createEmailRenderer, sampleMeeting } from '@meetlink/email';
import { chromium } from 'playwright-core';

const OUT_DIR = join(__dirname, '..', '..', '..', 'docs', 'emails');
const EXECUTABLE = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const booking: Booking = sampleBooking({
  bookingId: 'bk_screenshot',
  version: 2,
  startsAt: new Date('2030-03-06T15:00:00Z'),
});
const german: Booking = {
  ...booking,
  customer: { ...booking.customer, name: 'Jürgen Kunde', locale: 'de-DE', timezone: 'America/New_York' },
};
const canceled: CanceledBooking = {
  ...booking,
  version: 3,
  reason: 'Ada is ill; she will contact you to find a new time.',
};
const hostile: Booking = {
  ...booking,
  customer: { ...booking.customer, name: '<script>alert(1)</script>' },
  service: { ...booking.service, name: 'Intro call <b>bold?</b>' },
};
const meeting = sampleMeeting();

const shots: { name: string; input: EmailInput; width?: number }[] = [
  { name: 'confirmation', input: { kind: 'confirmation', booking, meeting } },
  { name: 'confirmation-mobile', input: { kind: 'confirmation', booking, meeting }, width: 375 },
  { name: 'confirmation-no-meeting-de', input: { kind: 'confirmation', booking: german, meeting: null } },
  {
    name: 'rescheduled',
    input: {
      kind: 'rescheduled',
      booking,
      meeting,
      previous: { startsAt: '2030-03-05T15:00:00Z', endsAt: '2030-03-05T15:30:00Z' },
    },
  },
  { name: 'canceled', input: { kind: 'canceled', booking: canceled, meeting: null } },
  { name: 'reminder', input: { kind: 'reminder', booking, meeting, reminderOffsetMinutes: 60 } },
  { name: 'meeting-link', input: { kind: 'meeting_link', booking, meeting } },
  {
    name: 'escaping',
    input: { kind: 'confirmation', booking: hostile, meeting: sampleMeeting({ dialIn: [] }) },
  },
];

const main = async (): Promise<void> => {
  const renderer = await createEmailRenderer({ now: () => new Date('2030-03-01T12:00:00Z') });
  await mkdir(OUT_DIR, { recursive: true });
  const browser = await chromium.launch({
    executablePath: EXECUTABLE,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    for (const shot of shots) {
      const page = await browser.newPage({
        viewport: { width: shot.width ?? 640, height: 400 },
        deviceScaleFactor: 1,
      });
      // An email must not need the network: anything it would fetch is refused, and shows.
      await page.route('**/*', (route) => route.abort());
      await page.setContent(renderer.render(shot.input).html, { waitUntil: 'load' });
      const file = join(OUT_DIR, `${shot.name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      await page.close();
      console.log(file);
    }
  } finally {
    await browser.close();
  }
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
