// One retention rule for every Redis key of a booking: it expires BOOKING_RETENTION_DAYS after the
// booking's newest version ends, a reschedule moves it, and the shared unqueued index is trimmed.
import { cleanUpRedisPrefix, freshRedisPrefix, sampleBooking, sampleSnapshot } from '@meetlink/fakes';
import Redis from 'ioredis';
import { EventType } from '@meetlink/events';
import type { Booking, BookingSnapshot, MeetingEvent, MeetingRecord } from '@meetlink/events';
import {
  bookingRetentionOf,
  createRedisBookingStore,
  createRedisEmailLog,
  createRedisMeetingEventLog,
  meetingIndexKey,
} from '@meetlink/store';
import type { TimelineRetention } from '@meetlink/store';

const redis = new Redis(process.env['REDIS_URL']!);
const prefix = freshRedisPrefix('t-ret-');

afterAll(() => cleanUpRedisPrefix({ redis, prefix }));

const DAY_MS = 24 * 3600_000;

const portsWith = (timeline: TimelineRetention) => ({
  store: createRedisBookingStore({ redis, prefix, timeline }),
  emailLog: createRedisEmailLog({ redis, prefix, timeline }),
  meetingEvents: createRedisMeetingEventLog({ redis, prefix, timeline }),
});

const snapshotOf = (booking: Booking): BookingSnapshot =>
  sampleSnapshot(booking, { type: booking.version === 1 ? EventType.created : EventType.rescheduled });

const recordOf = (booking: Booking, meetingId: string): MeetingRecord => ({
  meeting: {
    provider: 'zoom',
    id: meetingId,
    hostMemberId: 'mem_ada',
    hostUserId: 'zu_ada',
    topic: 'Intro call',
    startTime: booking.startsAt,
    durationMinutes: (Date.parse(booking.endsAt) - Date.parse(booking.startsAt)) / 60_000,
    timezone: 'UTC',
    joinUrl: `https://zoom.us/j/${meetingId}`,
    passcode: 'Xy7pQ2rT9k',
    pstnPasscode: '554433',
    dialIn: [],
  },
  host: { memberId: 'mem_ada', email: 'ada@example.com' },
  bookingVersion: booking.version,
  updatedAt: new Date().toISOString(),
});

const report = (meetingId: string): MeetingEvent => ({
  provider: 'zoom',
  event: 'meeting.deleted',
  meetingId,
  occurredAt: new Date().toISOString(),
  receivedAt: new Date().toISOString(),
  operator: 'ada@example.com',
  changes: [],
  outcome: 'reconcile_queued',
});

/** Every write the pipeline makes for a booking, so each of its keys exists. */
const writeEverything = async (ports: ReturnType<typeof portsWith>, booking: Booking, meetingId: string) => {
  const { store, emailLog, meetingEvents } = ports;
  await store.accept(snapshotOf(booking), `msg_${booking.bookingId}_${booking.version}`);
  await store.setMeetingIntent(booking.bookingId, {
    marker: 'mk',
    host: { memberId: 'mem_ada', email: 'ada@example.com' },
    at: new Date().toISOString(),
  });
  await store.updateStep(booking.bookingId, booking.version, 'conference', { state: 'running' });
  await store.setMeeting(booking.bookingId, recordOf(booking, meetingId), 'created');
  await store.setMeetingCleanup(booking.bookingId, 'old', {
    meetingId: '10000000000',
    hostMemberId: 'mem_ada',
    state: 'pending',
    lastError: null,
    updatedAt: new Date().toISOString(),
  });
  await emailLog.record(booking.bookingId, `confirmation-v${booking.version}`, {
    messageId: `<${booking.bookingId}.confirmation@meetlink.test>`,
    sentAt: new Date().toISOString(),
    kind: 'confirmation',
    meetingId,
  });
  await meetingEvents.record(booking.bookingId, report(meetingId), `r${booking.version}`);
};

/** The booking's own keys (same hash tag), without the reports' 7-day dedupe marks. */
const bookingKeys = async (bookingId: string): Promise<string[]> =>
  (await redis.keys(`${prefix}:booking:{${bookingId}}*`))
    .filter((k) => !k.includes(':meeting-event-seen:'))
    .sort();

const expiresAt = async (key: string): Promise<number> => Number(await redis.call('PEXPIRETIME', key));

describe('booking retention', () => {
  const ports = portsWith(bookingRetentionOf(30));

  it('gives every key of a booking the expiry of 30 days after it ends, moved by a reschedule', async () => {
    const v1 = sampleBooking({ bookingId: 'bk_ret', startsAt: new Date(Date.now() + 10 * DAY_MS) });
    await writeEverything(ports, v1, '81111111111');
    const keys = await bookingKeys('bk_ret');
    expect(keys).toEqual(
      ['', ':emails', ':meeting-events', ':timeline'].map((s) => `${prefix}:booking:{bk_ret}${s}`),
    );
    const indexKey = meetingIndexKey(prefix, 'zoom', '81111111111');
    const end1 = Date.parse(v1.endsAt) + 30 * DAY_MS;
    for (const key of [...keys, indexKey]) expect([key, await expiresAt(key)]).toEqual([key, end1]);

    // A reschedule five days later: the accept moves every key; the re-recorded meeting its index entry.
    const v2 = {
      ...sampleBooking({ bookingId: 'bk_ret', version: 2, startsAt: new Date(Date.now() + 15 * DAY_MS) }),
    };
    await ports.store.accept(snapshotOf(v2), 'msg_bk_ret_2');
    await ports.store.setMeeting('bk_ret', recordOf(v2, '81111111111'), 'updated');
    const end2 = Date.parse(v2.endsAt) + 30 * DAY_MS;
    expect(end2 - end1).toBe(5 * DAY_MS);
    for (const key of [...keys, indexKey]) expect([key, await expiresAt(key)]).toEqual([key, end2]);

    // A stale event changes nothing.
    expect(await ports.store.accept(snapshotOf(v1), 'msg_bk_ret_1')).toBe('stale');
    for (const key of keys) expect([key, await expiresAt(key)]).toEqual([key, end2]);
  });

  it('keeps a booking that ended long ago for a day, and never leaves a key without an expiry', async () => {
    const old = sampleBooking({ bookingId: 'bk_old', startsAt: new Date(Date.now() - 90 * DAY_MS) });
    await writeEverything(ports, old, '82222222222');
    for (const key of await bookingKeys('bk_old')) {
      const ttl = await redis.pttl(key);
      expect([key, ttl > 0.99 * DAY_MS && ttl <= DAY_MS]).toEqual([key, true]);
    }
    // A late write for a booking whose hash is gone still gets an expiry (the fallback, 30 days).
    await redis.del(`${prefix}:booking:{bk_gone}`);
    await ports.store.setMeetingIntent('bk_gone', {
      marker: 'mk',
      host: { memberId: 'mem_ada', email: 'ada@example.com' },
      at: new Date().toISOString(),
    });
    await ports.emailLog.record('bk_gone', 'confirmation-v1', {
      messageId: '<bk_gone@meetlink.test>',
      sentAt: new Date().toISOString(),
      kind: 'confirmation',
      meetingId: null,
    });
    const gone = await bookingKeys('bk_gone');
    expect(gone).toHaveLength(3);
    for (const key of gone) expect([key, (await redis.pttl(key)) > 29 * DAY_MS]).toEqual([key, true]);
  });

  it('with a one-second retention, every key of an ended booking is gone a second later', async () => {
    const short = portsWith({ ...bookingRetentionOf(30), keepAfterEndMs: 1_000, minKeepMs: 0 });
    const endsAt = Date.now() + 200;
    const booking: Booking = {
      ...sampleBooking({ bookingId: 'bk_short' }),
      startsAt: new Date(endsAt - 30 * 60_000).toISOString(),
      endsAt: new Date(endsAt).toISOString(),
    };
    await writeEverything(short, booking, '83333333333');
    const keys = await bookingKeys('bk_short');
    expect(keys).toHaveLength(4);
    for (const key of keys) {
      const ttl = await redis.pttl(key);
      expect([key, ttl > 0 && ttl <= 1_200]).toEqual([key, true]);
    }
    const deadline = Date.now() + 10_000;
    while ((await bookingKeys('bk_short')).length > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await bookingKeys('bk_short')).toEqual([]);
    expect(await redis.exists(meetingIndexKey(prefix, 'zoom', '83333333333'))).toBe(0);
  });

  it('trims unqueued-index entries accepted longer ago than the retention', async () => {
    const clock = { ms: Date.parse('2030-01-01T00:00:00Z') };
    const store = createRedisBookingStore({
      redis,
      prefix,
      now: () => new Date(clock.ms),
      timeline: bookingRetentionOf(30),
    });
    const unqueued = `${prefix}:intake:unqueued`;
    await store.accept(snapshotOf(sampleBooking({ bookingId: 'bk_stuck' })), 'msg_stuck');
    clock.ms += 29 * DAY_MS;
    await store.accept(snapshotOf(sampleBooking({ bookingId: 'bk_recent' })), 'msg_recent');
    expect((await redis.zrange(unqueued, 0, -1)).sort()).toEqual(['bk_recent', 'bk_stuck']);
    clock.ms += 2 * DAY_MS;
    await store.accept(snapshotOf(sampleBooking({ bookingId: 'bk_new' })), 'msg_new');
    expect((await redis.zrange(unqueued, 0, -1)).sort()).toEqual(['bk_new', 'bk_recent']);
  });
});
