import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { randomUUID } from 'node:crypto';
import { EventType, generateSecret, signWebhook } from '@meetlink/events';
import { startIntake } from './harness';
import type { Intake } from './harness';

let intake: Intake;
beforeEach(async () => {
  intake = await startIntake();
});
afterEach(async () => {
  await intake.close();
});

const newBookingId = () => `bk_${randomUUID().slice(0, 12)}`;
const jobCount = () =>
  intake.conferenceQueue.queue.getJobCountByTypes('waiting', 'delayed', 'active', 'completed', 'failed');

describe('POST /v1/events (happy path)', () => {
  it('answers 202 with the event and booking ids once the job is on the queue', async () => {
    const booking = sampleBooking({ bookingId: newBookingId() });
    const event = sampleEvent(booking);
    const res = await intake.send(event);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ eventId: event.id, bookingId: booking.bookingId, status: 'accepted' });
    const job = await intake.conferenceQueue.queue.getJob(`${booking.bookingId}-v1`);
    expect(job?.data).toEqual({ bookingId: booking.bookingId, version: 1 });
  });

  it('adds nothing for a replayed webhook-id', async () => {
    const event = sampleEvent(sampleBooking({ bookingId: newBookingId() }));
    const first = await intake.send(event, 'msg_replayed');
    const second = await intake.send(event, 'msg_replayed');
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(await second.json()).toMatchObject({ status: 'duplicate' });
    expect(await jobCount()).toBe(1);
  });

  it('still queues a replay when the first delivery stored the snapshot but crashed before queueing', async () => {
    const booking = sampleBooking({ bookingId: newBookingId() });
    const event = sampleEvent(booking);
    // The first delivery got as far as the snapshot write, then the process died.
    await intake.store.accept(
      {
        bookingId: booking.bookingId,
        version: 1,
        eventId: event.id,
        eventType: event.type,
        isCanceled: false,
        booking,
        receivedAt: new Date().toISOString(),
      },
      'msg_crashed',
    );
    expect(await jobCount()).toBe(0);
    const res = await intake.send(event, 'msg_crashed');
    expect(res.status).toBe(202);
    expect(await jobCount()).toBe(1);
  });

  it('ignores a version that is not newer than the stored one', async () => {
    const bookingId = newBookingId();
    expect((await intake.send(sampleEvent(sampleBooking({ bookingId, version: 2 })))).status).toBe(202);
    const stale = await intake.send(
      sampleEvent(sampleBooking({ bookingId, version: 1 }), EventType.rescheduled, 'evt_old'),
    );
    expect(stale.status).toBe(200);
    expect(await stale.json()).toEqual({
      status: 'ignored',
      reason: 'stale_version',
      eventId: 'evt_old',
      bookingId,
    });
    const same = await intake.send(
      sampleEvent(sampleBooking({ bookingId, version: 2 }), EventType.rescheduled, 'evt_same'),
    );
    expect(same.status).toBe(200);
    expect(await jobCount()).toBe(1);
  });

  it('queues each newer version and keeps the newest snapshot', async () => {
    const bookingId = newBookingId();
    await intake.send(sampleEvent(sampleBooking({ bookingId, version: 1 })));
    const canceled = { ...sampleBooking({ bookingId, version: 3 }), reason: 'customer asked' };
    expect((await intake.send(sampleEvent(canceled, EventType.canceled))).status).toBe(202);
    expect(await jobCount()).toBe(2);
    const snapshot = await intake.store.getSnapshot(bookingId);
    expect(snapshot).toMatchObject({
      version: 3,
      isCanceled: true,
      eventType: 'booking.canceled',
      booking: { reason: 'customer asked' },
    });
  });

  it('accepts an event signed with a second, rotated-in secret', async () => {
    await intake.close();
    const [current, next] = [generateSecret(), generateSecret()];
    intake = await startIntake({ secrets: [current, next] });
    const res = await intake.send(sampleEvent(sampleBooking({ bookingId: newBookingId() })), undefined, next);
    expect(res.status).toBe(202);
  });
});

describe('POST /v1/events (errors)', () => {
  const errorOf = async (res: Response) => ({
    status: res.status,
    ...((await res.json()) as { error: { code: string } }).error,
  });

  it('401 missing_signature_headers without a signature', async () => {
    const res = await intake.post(
      JSON.stringify(sampleEvent(sampleBooking({ bookingId: newBookingId() }))),
      {},
    );
    expect(await errorOf(res)).toMatchObject({ status: 401, code: 'missing_signature_headers' });
  });

  it('401 invalid_signature for a body signed with another secret or altered after signing', async () => {
    const event = sampleEvent(sampleBooking({ bookingId: newBookingId() }));
    expect(await errorOf(await intake.send(event, undefined, generateSecret()))).toMatchObject({
      status: 401,
      code: 'invalid_signature',
    });
    const body = JSON.stringify(event);
    const headers = signWebhook({
      secret: intake.secrets[0]!,
      id: 'msg_x',
      timestamp: Date.now() / 1000,
      body,
    });
    const tampered = await intake.post(body.replace('Intro call', 'Free call'), { ...headers });
    expect(await errorOf(tampered)).toMatchObject({ status: 401, code: 'invalid_signature' });
  });

  it('401 timestamp_out_of_window for a delivery signed more than five minutes ago', async () => {
    const body = JSON.stringify(sampleEvent(sampleBooking({ bookingId: newBookingId() })));
    const headers = signWebhook({
      secret: intake.secrets[0]!,
      id: 'msg_old',
      timestamp: Date.now() / 1000 - 6 * 60,
      body,
    });
    expect(await errorOf(await intake.post(body, { ...headers }))).toMatchObject({
      status: 401,
      code: 'timestamp_out_of_window',
    });
  });

  it('415 unsupported_media_type for a body that is not JSON', async () => {
    const res = await fetch(`${intake.url}/v1/events`, {
      method: 'POST',
      body: 'hello',
      headers: { 'content-type': 'text/plain' },
    });
    expect(await errorOf(res)).toMatchObject({ status: 415, code: 'unsupported_media_type' });
  });

  it('413 payload_too_large over 256 KiB', async () => {
    const res = await intake.post(JSON.stringify({ pad: 'x'.repeat(256 * 1024) }), {});
    expect(await errorOf(res)).toMatchObject({ status: 413, code: 'payload_too_large' });
  });

  it('400 invalid_json for a signed body that does not parse', async () => {
    const body = '{"id": "evt_1", ';
    const headers = signWebhook({
      secret: intake.secrets[0]!,
      id: 'msg_bad',
      timestamp: Date.now() / 1000,
      body,
    });
    expect(await errorOf(await intake.post(body, { ...headers }))).toMatchObject({
      status: 400,
      code: 'invalid_json',
    });
  });

  it('400 validation_failed naming each failing field', async () => {
    const event = sampleEvent(sampleBooking({ bookingId: newBookingId() }));
    const broken = {
      ...event,
      data: {
        ...event.data,
        customer: { ...event.data.customer, email: 'nope' },
        endsAt: event.data.startsAt,
      },
    };
    const error = await errorOf(await intake.send(broken));
    expect(error).toMatchObject({ status: 400, code: 'validation_failed' });
    expect((error as unknown as { details: { path: string }[] }).details.map((d) => d.path).sort()).toEqual([
      'data.customer.email',
      'data.endsAt',
    ]);
    expect(await jobCount()).toBe(0);
  });

  it('400 validation_failed for a booking shorter than a minute, saying so on endsAt', async () => {
    const event = sampleEvent(sampleBooking({ bookingId: newBookingId() }));
    const short = {
      ...event,
      data: { ...event.data, endsAt: new Date(Date.parse(event.data.startsAt) + 30_000).toISOString() },
    };
    const error = await errorOf(await intake.send(short));
    expect(error).toMatchObject({
      status: 400,
      code: 'validation_failed',
      details: [{ path: 'data.endsAt', message: 'must be at least 1 minute after startsAt' }],
    });
    expect(await jobCount()).toBe(0);
  });

  it('404 with a JSON body for an unknown route', async () => {
    const res = await fetch(`${intake.url}/v1/nope`);
    expect(await errorOf(res)).toMatchObject({ status: 404, code: 'not_found' });
  });
});
