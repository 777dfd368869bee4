import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { BookingStatusWithTimeline, EventType } from '@meetlink/events';
import type { BookingStatus } from '@meetlink/events';
import { ADMIN_TOKEN, startIntake } from './harness';
import type { Intake } from './harness';

let intake: Intake;
beforeAll(async () => {
  intake = await startIntake();
});
afterAll(async () => {
  await intake.close();
});

type ErrorBody = { error: { code: string } };
const errorCode = async (res: Response) => ((await res.json()) as ErrorBody).error.code;

const getStatus = (bookingId: string, token: string | null = ADMIN_TOKEN) =>
  fetch(`${intake.url}/v1/bookings/${bookingId}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });

describe('GET /v1/bookings/:bookingId', () => {
  it('shows the newest snapshot and every step pending right after intake', async () => {
    const booking = sampleBooking({ bookingId: 'bk_status_1' });
    await intake.send(sampleEvent(booking));
    const res = await getStatus('bk_status_1');
    expect(res.status).toBe(200);
    const body = (await res.json()) as BookingStatus;
    expect(body).toMatchObject({ bookingId: 'bk_status_1', version: 1, isCanceled: false, booking });
    for (const step of ['conference', 'calendar', 'email'] as const) {
      expect(body.steps[step]).toMatchObject({ state: 'pending', version: 1, attempts: 0, lastError: null });
    }
  });

  it('tells every event received in its timeline, oldest first: accepted, duplicate, stale', async () => {
    const bookingId = 'bk_status_story';
    const v2 = sampleBooking({ bookingId, version: 2 });
    await intake.send(sampleEvent(v2, EventType.rescheduled), 'msg_story_v2');
    await intake.send(sampleEvent(v2, EventType.rescheduled), 'msg_story_v2');
    await intake.send(sampleEvent(sampleBooking({ bookingId, version: 1 })), 'msg_story_v1');
    const body = BookingStatusWithTimeline.parse(await (await getStatus(bookingId)).json());
    expect(body.steps.conference.state).toBe('pending'); // the status fields are all still there
    expect(body.timeline).toEqual([
      expect.objectContaining({ kind: 'event', version: 2, webhookId: 'msg_story_v2', outcome: 'accepted' }),
      expect.objectContaining({ kind: 'event', version: 2, webhookId: 'msg_story_v2', outcome: 'duplicate' }),
      expect.objectContaining({ kind: 'event', version: 1, webhookId: 'msg_story_v1', outcome: 'stale' }),
    ]);
    expect(body.timeline[0]).toMatchObject({
      eventType: EventType.rescheduled,
      eventId: `evt_${bookingId}_v2`,
      at: expect.any(String) as unknown,
    });
  });

  it('401 without a token and with a wrong one', async () => {
    for (const token of [null, 'wrong-token-wrong-token']) {
      const res = await getStatus('bk_status_1', token);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('Bearer');
      expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
  });

  it('404 booking_not_found for an unknown booking, 400 for an id that cannot exist', async () => {
    expect(await errorCode(await getStatus('bk_unknown'))).toBe('booking_not_found');
    const bad = await getStatus('bk%3Aone');
    expect(bad.status).toBe(400);
    expect(await errorCode(bad)).toBe('invalid_booking_id');
  });
});

describe('health', () => {
  it('/healthz and /readyz answer while Redis is up', async () => {
    expect((await fetch(`${intake.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${intake.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });
});
