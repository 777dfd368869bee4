// Never silent: a host whose Zoom is not connected gets one reconnect email a day, with a link.
import { startSmtpSink } from '@meetlink/fakes';
import type { SmtpSink } from '@meetlink/fakes';
import { createReconnectNotifier } from '@meetlink/connections';
import { createSmtpMailer } from '@meetlink/email';
import { startConferenceStep, videoBooking } from './harness';
import type { ConferenceStep } from './harness';

jest.setTimeout(60_000);

let sink: SmtpSink;
let step: ConferenceStep;
beforeAll(async () => {
  sink = await startSmtpSink();
});
afterAll(async () => {
  await step.close();
  await sink.close();
});

it('fails the step with member_not_connected and emails the host once, however many bookings fail', async () => {
  // The notifier needs the step's Redis, which exists only once the step has started.
  const hooks: { notify?: ReturnType<typeof createReconnectNotifier> } = {};
  step = await startConferenceStep({
    serverToServer: false,
    onFailed: async (snapshot, error) => {
      await hooks.notify?.(snapshot.booking, error.code, 'zoom');
    },
  });
  hooks.notify = createReconnectNotifier({
    mailer: createSmtpMailer({ smtpUrl: sink.smtpUrl, from: 'Meetlink <bookings@meetlink.test>' }),
    redis: step.redis,
    prefix: step.prefix,
    connectLink: {
      publicBaseUrl: 'http://localhost:3000',
      secrets: ['connect-link-secret-for-tests-0123456789'],
    },
  });
  step.startWorker();
  await step.submit(videoBooking('bk_unconnected_1'));
  const status = await step.waitForConference('bk_unconnected_1');
  expect(status.steps.conference).toMatchObject({ state: 'failed', attempts: 1 });
  expect(status.steps.conference.lastError?.code).toBe('member_not_connected');

  const notice = await sink.waitFor((m) => m.to.includes('ada@example.com'), 10_000);
  expect(notice.text).toContain('http://localhost:3000/connect/zoom?');
  expect(notice.text).toContain('bk_unconnected_1');

  await step.submit(videoBooking('bk_unconnected_2'));
  await step.waitForConference('bk_unconnected_2');
  expect(sink.messages().filter((m) => m.to.includes('ada@example.com'))).toHaveLength(1);
  expect(step.zoom.meetings()).toHaveLength(0);
});
