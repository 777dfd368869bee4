// Provider reports about a booking's meeting, kept with the booking: the meeting-id index written by
// setMeeting, dedupe, the newest-first list, and the alert in the booking status until reconciled.
import { cleanUpRedisPrefix, freshRedisPrefix, sampleBooking, sampleSnapshot } from '@meetlink/fakes';
import Redis from 'ioredis';
import type { MeetingDetails, MeetingEvent } from '@meetlink/events';
import { MEETING_EVENTS_KEPT, createRedisBookingStore, createRedisMeetingEventLog } from '@meetlink/store';

const redis = new Redis(process.env['REDIS_URL']!);
const prefix = freshRedisPrefix('t-mev-');
const store = createRedisBookingStore({ redis, prefix });
const events = createRedisMeetingEventLog({ redis, prefix });

afterAll(() => cleanUpRedisPrefix({ redis, prefix }));

const meeting = (id: string): MeetingDetails => ({
  provider: 'zoom',
  id,
  hostMemberId: 'mem_ada',
  hostUserId: 'zu_ada',
  topic: 'Intro',
  startTime: '2030-01-15T09:00:00Z',
  durationMinutes: 30,
  timezone: 'UTC',
  joinUrl: `https://zoom.us/j/${id}`,
  passcode: null,
  dialIn: [],
});

const report = (
  meetingId: string,
  receivedAt: string,
  outcome: MeetingEvent['outcome'] = 'reconcile_queued',
): MeetingEvent => ({
  provider: 'zoom',
  event: 'meeting.deleted',
  meetingId,
  occurredAt: receivedAt,
  receivedAt,
  operator: 'ada@example.com',
  changes: [],
  outcome,
});

const booked = async (bookingId: string) => {
  await store.accept(
    sampleSnapshot(sampleBooking({ bookingId }), {
      eventId: 'evt_1',
      receivedAt: '2026-11-25T12:00:00.000Z',
    }),
    `msg_${bookingId}`,
  );
};

/** Records the meeting for the booking's version 1, as the conference step does. */
const setMeeting = (bookingId: string, meetingId: string) =>
  store.setMeeting(bookingId, {
    meeting: meeting(meetingId),
    host: { memberId: 'mem_ada', email: 'a@x' },
    bookingVersion: 1,
    updatedAt: '2026-11-25T12:00:00.000Z',
  });

describe('meeting events', () => {
  it('finds the booking of a meeting it recorded, and nothing for one it never saw', async () => {
    await booked('bk_idx');
    await setMeeting('bk_idx', '11111111111');
    expect(await events.findBookingByMeeting('zoom', '11111111111')).toBe('bk_idx');
    expect(await events.findBookingByMeeting('zoom', '99999999999')).toBeNull();
    expect(await redis.ttl(`${prefix}:meeting-booking:zoom:11111111111`)).toBeGreaterThan(24 * 3600);
  });

  it('records a report once per dedupe key, newest first, keeping the last 50', async () => {
    expect(await events.record('bk_list', report('1', '2026-11-25T12:00:00.000Z'), 'a')).toBe('recorded');
    expect(await events.record('bk_list', report('1', '2026-11-25T12:00:00.000Z'), 'a')).toBe('duplicate');
    for (let i = 0; i < MEETING_EVENTS_KEPT + 5; i += 1)
      await events.record('bk_list', report(String(i + 2), '2026-11-25T12:00:00.000Z'), `k${i}`);
    const list = await events.list('bk_list');
    expect(list).toHaveLength(MEETING_EVENTS_KEPT);
    expect(list[0]!.meetingId).toBe(String(MEETING_EVENTS_KEPT + 6));
  });

  it('shows the newest unreconciled report as the booking’s meetingAlert until the conference step converges', async () => {
    await booked('bk_alert');
    await setMeeting('bk_alert', '22222222222');
    await events.record(
      'bk_alert',
      report('22222222222', '2026-11-25T12:05:00.000Z', 'no_change_to_booking'),
      'x',
    );
    expect((await store.getStatus('bk_alert'))?.meetingAlert).toBeNull();
    await events.record('bk_alert', report('22222222222', '2026-11-25T12:10:00.000Z'), 'y');
    const status = await store.getStatus('bk_alert');
    expect(status?.meetingEvents?.map((e) => e.outcome)).toEqual([
      'reconcile_queued',
      'no_change_to_booking',
    ]);
    expect(status?.meetingAlert).toMatchObject({
      meetingId: '22222222222',
      receivedAt: '2026-11-25T12:10:00.000Z',
    });
    // The conference step finished after the report: resolved, even with no meeting left (a cancel).
    await store.setMeeting('bk_alert', null);
    await store.updateStep('bk_alert', 1, 'conference', {
      state: 'skipped',
      finishedAt: '2026-11-25T12:11:00.000Z',
    });
    expect((await store.getStatus('bk_alert'))?.meetingAlert).toBeNull();
  });
});
