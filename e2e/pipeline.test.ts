// A booking goes in signed and flows through all three worker processes to a complete status.
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventType } from '@meetlink/events';
import { SANDBOX_CALENDAR_EVENTS, startRedisServer } from '@meetlink/sandbox';
import type { RunningRedis } from '@meetlink/sandbox';
import { allStepsSettled, startPipeline } from './pipeline-harness';
import type { Pipeline } from './pipeline-harness';

jest.setTimeout(90_000);

describe('the pipeline, end to end', () => {
  let pipeline: Pipeline;
  beforeAll(async () => (pipeline = await startPipeline(process.env['REDIS_URL']!)));
  afterAll(() => pipeline.stop());

  it('takes a video booking with a calendar through conference, calendar and email to done', async () => {
    const booking = sampleBooking({
      bookingId: 'bk_e2e_1',
      calendar: { ...SANDBOX_CALENDAR_EVENTS.google },
    });
    expect((await pipeline.send(sampleEvent(booking))).status).toBe(202);
    const status = await pipeline.waitForStatus('bk_e2e_1', allStepsSettled);
    expect(status.steps.conference).toMatchObject({ state: 'done', attempts: 1, lastError: null });
    const [meeting] = pipeline.fakes.zoom!.meetings();
    expect(status.meeting).toMatchObject({
      id: String(meeting!.id),
      joinUrl: meeting!.join_url,
      passcode: meeting!.password,
    });
    expect(status.steps.calendar).toMatchObject({ state: 'done', attempts: 1 });
    expect(status.steps.email).toMatchObject({ state: 'done', attempts: 1 });
    expect(status.steps.email.finishedAt).not.toBeNull();
  });

  it('keeps the Outlook event, the Zoom meeting and the emails in step through a reschedule and a cancel', async () => {
    const bookingId = 'bk_e2e_life';
    const { userId, eventId } = SANDBOX_CALENDAR_EVENTS.outlook;
    const at = (days: number) => new Date(Date.now() + days * 24 * 3600_000);
    const calendar = { ...SANDBOX_CALENDAR_EVENTS.outlook };
    await pipeline.send(sampleEvent(sampleBooking({ bookingId, version: 1, calendar, startsAt: at(3) })));
    const created = await pipeline.waitForStatus(bookingId, allStepsSettled);
    const joinUrl = created.meeting!.joinUrl;
    expect(pipeline.fakes.graph!.getEvent(userId, eventId)?.location?.locationUri).toBe(joinUrl);

    const moved = sampleBooking({ bookingId, version: 2, calendar, startsAt: at(5) });
    await pipeline.send(sampleEvent(moved, EventType.rescheduled));
    const rescheduled = await pipeline.waitForStatus(bookingId, (s) => s.version === 2 && allStepsSettled(s));
    expect(rescheduled.meeting?.joinUrl).toBe(joinUrl); // same meeting, moved
    const zoomMeeting = pipeline.fakes.zoom!.meetings().find((m) => String(m.id) === rescheduled.meeting!.id);
    expect(Date.parse(zoomMeeting!.start_time)).toBe(Date.parse(moved.startsAt));
    const body = pipeline.fakes.graph!.getEvent(userId, eventId)?.body?.content ?? '';
    expect(body).toContain('Agenda written by the booking system.'); // the text around the block survives
    expect(body.split(rescheduled.meeting!.passcode!).length).toBe(2); // one block, not two

    await pipeline.send(sampleEvent({ ...moved, version: 3 }, EventType.canceled));
    await pipeline.waitForStatus(bookingId, (s) => s.version === 3 && allStepsSettled(s));
    const event = pipeline.fakes.graph!.getEvent(userId, eventId)!;
    expect(event.body?.content ?? '').not.toContain(joinUrl.split('?')[0]);
    expect(event.location?.locationUri ?? '').toBe('');
    expect(
      pipeline.fakes.zoom!.meetings().find((m) => String(m.id) === rescheduled.meeting!.id),
    ).toBeUndefined();

    const sent = pipeline.fakes.smtp!.messages().filter((m) => (m.messageId ?? '').includes(bookingId));
    expect(sent.map((m) => /^<[^.]+\.([^@]+)@/.exec(m.messageId ?? '')?.[1])).toEqual([
      'confirmation',
      'rescheduled-v2',
      'canceled',
    ]);
  });

  it('says plainly when a step has nothing to do', async () => {
    const booking = sampleBooking({ bookingId: 'bk_e2e_2' });
    await pipeline.send(sampleEvent(booking));
    const status = await pipeline.waitForStatus('bk_e2e_2', allStepsSettled);
    expect(status.steps.calendar).toMatchObject({
      state: 'skipped',
      detail: 'booking has no calendar reference',
    });
  });

  it('converges to the newest version after a reschedule and a cancellation', async () => {
    const bookingId = 'bk_e2e_3';
    await pipeline.send(sampleEvent(sampleBooking({ bookingId, version: 1 })));
    await pipeline.send(sampleEvent(sampleBooking({ bookingId, version: 2 }), EventType.rescheduled));
    await pipeline.send(
      sampleEvent({ ...sampleBooking({ bookingId, version: 3 }), reason: 'conflict' }, EventType.canceled),
    );
    const status = await pipeline.waitForStatus(bookingId, (s) => s.version === 3 && allStepsSettled(s));
    expect(status).toMatchObject({ isCanceled: true, eventType: 'booking.canceled' });
    // Whether v1 made a meeting before v3 arrived depends on timing; either way none is left.
    expect(status.steps.conference.state).toBe('skipped');
    expect(status.steps.conference.detail).toMatch(
      /^booking is canceled: (meeting deleted|no meeting needed)$/,
    );
    expect(status.meeting).toBeNull();
    expect(pipeline.fakes.zoom!.meetings().filter((m) => m.agenda?.includes(bookingId))).toEqual([]);
  });
});

describe('the pipeline across a Redis restart', () => {
  let redis: RunningRedis;
  let pipeline: Pipeline;
  let dataDir: string;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'meetlink-redis-'));
    redis = await startRedisServer({ dataDir });
    pipeline = await startPipeline(redis.url);
  });
  afterAll(async () => {
    await pipeline.stop();
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps accepted bookings and resumes every worker once Redis is back', async () => {
    expect((await pipeline.send(sampleEvent(sampleBooking({ bookingId: 'bk_before' })))).status).toBe(202);
    await pipeline.waitForStatus('bk_before', allStepsSettled);

    await redis.restart(); // AOF on: what was accepted survives
    const deadline = Date.now() + 20_000;
    let res: Response | undefined;
    while (Date.now() < deadline) {
      res = await pipeline.send(sampleEvent(sampleBooking({ bookingId: 'bk_after' })));
      if (res.status === 202) break;
      expect(res.status).toBe(503);
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(res?.status).toBe(202);
    const after = await pipeline.waitForStatus('bk_after', allStepsSettled);
    expect(Object.values(after.steps).map((s) => s.state)).toEqual(['done', 'skipped', 'done']);
    expect((await pipeline.status('bk_before'))?.steps.email.state).toBe('done');
  });
});
