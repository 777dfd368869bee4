// An upstream system that signs with the official Standard Webhooks library is accepted as is.
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { startIntake } from './harness';
import type { Intake } from './harness';

let intake: Intake;
beforeAll(async () => (intake = await startIntake()));
afterAll(() => intake.close());

it('accepts a request signed by the standardwebhooks package and rejects it once the body changes', async () => {
  const body = JSON.stringify(sampleEvent(sampleBooking({ bookingId: 'bk_official' })));
  const id = `msg_${randomUUID()}`;
  const now = new Date();
  const signature = new Webhook(intake.secrets[0]!).sign(id, now, body);
  const headers = {
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': signature,
  };
  const accepted = await intake.post(body, headers);
  expect(accepted.status).toBe(202);
  expect(await intake.conferenceQueue.queue.getJob('bk_official-v1')).toBeDefined();

  const tampered = await intake.post(body.replace('Grace', 'Mallory'), {
    ...headers,
    'webhook-id': `${id}x`,
  });
  expect(tampered.status).toBe(401);
});
