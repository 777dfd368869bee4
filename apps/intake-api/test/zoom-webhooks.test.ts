// POST /webhooks/zoom over HTTP with deliveries signed as Zoom signs them (and some that are not):
// the endpoint check, forged, stale and replayed deliveries, app_deauthorized purging a member's
// tokens, and a host deleting or changing a booking's meeting in the fake Zoom.
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { createHmac, randomUUID } from 'node:crypto';
import { signZoomWebhook, urlValidationEvent } from '@meetlink/fakes';
import type { BookingStatus, MeetingDetails } from '@meetlink/events';
import { zoomAdapterFor } from '../../../test-support/zoom-adapter-for';
import { startIntake } from './harness';
import { ADA, ZOOM_APP, connectIntakeForFile, connectMember, meetingSpecFor } from './connect-harness';

const intake = connectIntakeForFile();
let secret: string;
beforeAll(() => {
  secret = intake.env['ZOOM_WEBHOOK_SECRET_TOKEN']!;
});

const post = (body: string, headers: Record<string, string>) =>
  fetch(`${intake.url}/webhooks/zoom`, { method: 'POST', body, headers });
const deliver = (event: unknown, timestamp?: number) => {
  const signed = signZoomWebhook(secret, event, timestamp);
  return post(signed.body, signed.headers);
};
const errorOf = async (res: Response) => ({
  status: res.status,
  ...((await res.json()) as { error: { code: string } }).error,
});
const nowSeconds = () => Math.floor(Date.now() / 1000);

describe('endpoint.url_validation', () => {
  it('answers plainToken and encryptedToken = hex HMAC-SHA256(secret token, plainToken)', async () => {
    const event = urlValidationEvent(new Date(), 'qgg8vlvZRS6UYooatFL8Aw');
    const res = await deliver(event);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: createHmac('sha256', secret).update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
    });
  });

  it('refuses an unsigned one: it would hand anyone an HMAC of their choice under our secret', async () => {
    // The attack: ask for HMAC(secret, "v0:{ts}:{forged body}"), the very signature of a forged event.
    const ts = nowSeconds();
    const forgedBody = JSON.stringify({ event: 'app_deauthorized', payload: { user_id: ADA.zoomUserId } });
    const res = await post(JSON.stringify(urlValidationEvent(new Date(), `v0:${ts}:${forgedBody}`)), {
      'content-type': 'application/json',
    });
    expect(await errorOf(res)).toMatchObject({ status: 401, code: 'missing_signature_headers' });
  });
});

describe('signatures', () => {
  const event = () => urlValidationEvent(new Date());

  it('401 invalid_signature for a delivery signed with another secret (forged)', async () => {
    const signed = signZoomWebhook('not-our-secret-token', event());
    expect(await errorOf(await post(signed.body, signed.headers))).toMatchObject({
      status: 401,
      code: 'invalid_signature',
    });
  });

  it('401 invalid_signature for a body changed after signing', async () => {
    const signed = signZoomWebhook(secret, event());
    const altered = signed.body.replace('endpoint.url_validation', 'app_deauthorized');
    expect((await errorOf(await post(altered, signed.headers))).code).toBe('invalid_signature');
    const garbage = { ...signed.headers, 'x-zm-signature': 'v0=zz' };
    expect((await errorOf(await post(signed.body, garbage))).code).toBe('invalid_signature');
  });

  it('401 timestamp_out_of_window for a correctly signed delivery six minutes old or ahead', async () => {
    for (const ts of [nowSeconds() - 6 * 60, nowSeconds() + 6 * 60]) {
      expect(await errorOf(await deliver(event(), ts))).toMatchObject({
        status: 401,
        code: 'timestamp_out_of_window',
      });
    }
  });

  it('409 webhook_replayed for the same signed delivery sent again', async () => {
    const signed = signZoomWebhook(secret, event());
    expect((await post(signed.body, signed.headers)).status).toBe(200);
    expect(await errorOf(await post(signed.body, signed.headers))).toMatchObject({
      status: 409,
      code: 'webhook_replayed',
    });
    // The same signature in upper-case hex still verifies, and is still the same delivery.
    const recased = {
      ...signed.headers,
      'x-zm-signature': `v0=${signed.headers['x-zm-signature'].slice(3).toUpperCase()}`,
    };
    expect((await errorOf(await post(signed.body, recased))).code).toBe('webhook_replayed');
  });

  it('401 missing_signature_headers without them; 415 for a non-JSON body; 413 over 64 KiB', async () => {
    expect((await errorOf(await post('{}', { 'content-type': 'application/json' }))).code).toBe(
      'missing_signature_headers',
    );
    expect((await post('hello', { 'content-type': 'text/plain' })).status).toBe(415);
    const big = signZoomWebhook(secret, { event: 'x', payload: { pad: 'x'.repeat(70 * 1024) } });
    expect(await errorOf(await post(big.body, big.headers))).toMatchObject({
      status: 413,
      code: 'payload_too_large',
    });
  });

  it('501 zoom_webhooks_not_configured without ZOOM_WEBHOOK_SECRET_TOKEN', async () => {
    const bare = await startIntake();
    try {
      const signed = signZoomWebhook(secret, event());
      const res = await fetch(`${bare.url}/webhooks/zoom`, {
        method: 'POST',
        body: signed.body,
        headers: signed.headers,
      });
      expect(await errorOf(res)).toMatchObject({ status: 501, code: 'zoom_webhooks_not_configured' });
    } finally {
      await bare.close();
    }
  });
});

describe('app_deauthorized', () => {
  beforeEach(async () => {
    await intake.connections.remove(ADA.memberId, 'zoom');
  });

  it('purges the member’s tokens and marks the connection revoked', async () => {
    await connectMember(intake, ADA.memberId, 'zoom', ADA.zoomUserId);
    const event = intake.zoom.deauthorize(ADA.zoomUserId, ZOOM_APP.clientId);
    const res = await deliver(event);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok', revoked: 1 });
    expect(await intake.connections.get(ADA.memberId, 'zoom')).toMatchObject({
      state: 'revoked',
      tokens: null,
      lastError: { code: 'app_deauthorized' },
    });
    const raw = await intake.redis.hgetall(`${intake.prefix}:member-connection:{${ADA.memberId}}:zoom`);
    expect(raw['tokens']).toBeUndefined();
  });

  it('leaves a member who connected again after the deauthorization (a late retry of the event)', async () => {
    await connectMember(intake, ADA.memberId, 'zoom', ADA.zoomUserId);
    const event = intake.zoom.deauthorize(ADA.zoomUserId, ZOOM_APP.clientId);
    (event.payload as { deauthorization_time: string }).deauthorization_time = new Date(
      Date.now() - 60_000,
    ).toISOString();
    await connectMember(intake, ADA.memberId, 'zoom', ADA.zoomUserId);
    expect(await (await deliver(event)).json()).toEqual({ status: 'ok', revoked: 0 });
    expect((await intake.connections.get(ADA.memberId, 'zoom'))?.state).toBe('connected');
  });

  it('ignores a deauthorization of another app', async () => {
    await connectMember(intake, ADA.memberId, 'zoom', ADA.zoomUserId);
    const event = intake.zoom.deauthorize(ADA.zoomUserId, 'someone-elses-app');
    expect(await (await deliver(event)).json()).toEqual({ status: 'ignored', reason: 'other_app' });
    expect((await intake.connections.get(ADA.memberId, 'zoom'))?.state).toBe('connected');
  });
});

describe('meeting.deleted and meeting.updated', () => {
  const zoom = () =>
    zoomAdapterFor(
      {
        apiBaseUrl: intake.zoom.apiBaseUrl,
        oauthBaseUrl: intake.zoom.oauthBaseUrl,
        accountId: 'acc_main',
        clientId: 's2s',
        clientSecret: 's2s-secret',
      },
      { redis: intake.redis, keyPrefix: intake.prefix },
    );

  /** A booking whose conference step made a meeting, as the conference worker records it. */
  const bookingWithMeeting = async (): Promise<{ bookingId: string; meeting: MeetingDetails }> => {
    const bookingId = `bk_${randomUUID().slice(0, 8)}`;
    const booking = sampleBooking({ bookingId });
    expect((await intake.send(sampleEvent(booking))).status).toBe(202);
    const host = { memberId: booking.host.memberId, email: ADA.email };
    const meeting = await zoom().provider.createMeeting(host, meetingSpecFor(booking));
    await intake.store.setMeeting(bookingId, {
      meeting,
      host,
      bookingVersion: 1,
      updatedAt: new Date(Date.now() - 1000).toISOString(),
    });
    return { bookingId, meeting };
  };

  const statusOf = async (bookingId: string) =>
    (await (
      await fetch(`${intake.url}/v1/bookings/${bookingId}`, { headers: intake.admin })
    ).json()) as BookingStatus;

  it('a host deleting the booking’s meeting: recorded, shown as an alert, a conference job queued', async () => {
    const { bookingId, meeting } = await bookingWithMeeting();
    const event = intake.zoom.hostDeletesMeeting(meeting.id);
    const res = await deliver(event);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'recorded', bookingId, outcome: 'reconcile_queued' });

    const status = await statusOf(bookingId);
    expect(status.meetingAlert).toMatchObject({
      event: 'meeting.deleted',
      meetingId: meeting.id,
      operator: ADA.email,
      outcome: 'reconcile_queued',
    });
    expect(status.meetingEvents).toHaveLength(1);
    const jobs = await intake.conferenceQueue.queue.getJobs(['waiting', 'delayed', 'prioritized']);
    const queued = jobs
      .filter((job) => (job.data as { bookingId: string }).bookingId === bookingId)
      .map((job) => job.id);
    expect(queued).toEqual(
      expect.arrayContaining([`${bookingId}-v1`, `${bookingId}-v1-zd${meeting.id}-${event.event_ts}`]),
    );
  });

  it('Zoom retrying the same event (a fresh signature) records it once and queues nothing more', async () => {
    const { bookingId, meeting } = await bookingWithMeeting();
    const event = intake.zoom.hostDeletesMeeting(meeting.id);
    // Two distinct timestamps, so the retry's signature differs whenever the second ticks over.
    const at = nowSeconds();
    await deliver(event, at);
    const retry = await deliver(event, at - 1);
    expect(await retry.json()).toEqual({ status: 'duplicate', bookingId, outcome: 'reconcile_queued' });
    expect((await statusOf(bookingId)).meetingEvents).toHaveLength(1);
    const jobs = await intake.conferenceQueue.queue.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(jobs.filter((job) => (job.data as { bookingId: string }).bookingId === bookingId)).toHaveLength(2);
  });

  it('a host moving the meeting: the change is recorded (passcodes never copied) and reconciled', async () => {
    const { bookingId, meeting } = await bookingWithMeeting();
    const later = new Date(Date.parse(meeting.startTime) + 3_600_000).toISOString();
    const event = intake.zoom.hostUpdatesMeeting(meeting.id, { start_time: later, password: 'Hx7kQ2pZ9' });
    expect(await (await deliver(event)).json()).toMatchObject({ outcome: 'reconcile_queued' });
    const status = await statusOf(bookingId);
    expect(status.meetingAlert?.changes).toEqual([
      { field: 'start_time', from: meeting.startTime, to: later.replace(/\.\d{3}Z$/, 'Z') },
      { field: 'passcode', from: null, to: null },
    ]);
    expect(JSON.stringify(status)).not.toContain('Hx7kQ2pZ9');
  });

  it('an update that matches the booking’s record (our own) changes nothing and queues nothing', async () => {
    const { bookingId, meeting } = await bookingWithMeeting();
    const event = intake.zoom.hostUpdatesMeeting(meeting.id, { topic: meeting.topic });
    expect(await (await deliver(event)).json()).toEqual({
      status: 'recorded',
      bookingId,
      outcome: 'no_change_to_booking',
    });
    const status = await statusOf(bookingId);
    expect(status.meetingAlert).toBeNull();
    const jobs = await intake.conferenceQueue.queue.getJobs(['waiting', 'delayed', 'prioritized']);
    expect(
      jobs.filter((job) => (job.data as { bookingId: string }).bookingId === bookingId).map((job) => job.id),
    ).toEqual([`${bookingId}-v1`]);
  });

  it('a delete of a meeting the booking no longer has (our own move) is recorded but not alerted', async () => {
    const { bookingId, meeting } = await bookingWithMeeting();
    await intake.store.setMeeting(bookingId, null);
    const event = intake.zoom.hostDeletesMeeting(meeting.id);
    expect(await (await deliver(event)).json()).toMatchObject({ outcome: 'not_current_meeting' });
    expect((await statusOf(bookingId)).meetingAlert).toBeNull();
  });

  it('the alert clears once the conference step has re-converged after it', async () => {
    const { bookingId, meeting } = await bookingWithMeeting();
    await deliver(intake.zoom.hostDeletesMeeting(meeting.id));
    expect((await statusOf(bookingId)).meetingAlert).not.toBeNull();
    // What the reconciler does: a new meeting recorded after the report.
    const record = await intake.store.getMeeting(bookingId);
    await intake.store.setMeeting(bookingId, {
      ...record!,
      updatedAt: new Date(Date.now() + 1000).toISOString(),
    });
    const status = await statusOf(bookingId);
    expect(status.meetingAlert).toBeNull();
    expect(status.meetingEvents).toHaveLength(1);
  });

  it('ignores a meeting no booking recorded, and events it does not handle', async () => {
    const event = {
      event: 'meeting.deleted',
      event_ts: Date.now(),
      payload: {
        account_id: 'acc_main',
        operator: 'x@example.com',
        object: { id: 99999999999, uuid: 'u', host_id: 'h' },
      },
    };
    expect(await (await deliver(event)).json()).toEqual({ status: 'ignored', reason: 'unknown_meeting' });
    expect(
      await (await deliver({ event: 'meeting.started', event_ts: Date.now(), payload: {} })).json(),
    ).toEqual({
      status: 'ignored',
      reason: 'unhandled_event',
    });
  });

  it('400 validation_failed for a meeting event without a meeting id', async () => {
    const res = await deliver({ event: 'meeting.deleted', event_ts: Date.now(), payload: { object: {} } });
    expect(await errorOf(res)).toMatchObject({ status: 400, code: 'validation_failed' });
  });
});
