// The booking's timeline as the store keeps it: appended by the writes that know each fact, in order,
// capped, expiring after the booking ends, and never holding a passcode or a join URL.
import { cleanUpRedisPrefix, freshRedisPrefix, sampleBooking, sampleSnapshot } from '@meetlink/fakes';
import Redis from 'ioredis';
import { EventType } from '@meetlink/events';
import type { MeetingRecord, TimelineEntry } from '@meetlink/events';
import type { AttemptEnd } from '@meetlink/ports';
import {
  createRedisBookingStore,
  createRedisEmailLog,
  DEFAULT_TIMELINE_RETENTION,
  timelineKey,
} from '@meetlink/store';

const redis = new Redis(process.env['REDIS_URL']!);
const prefix = freshRedisPrefix('t-tl-');
const store = createRedisBookingStore({ redis, prefix });
const emailLog = createRedisEmailLog({ redis, prefix });

afterAll(() => cleanUpRedisPrefix({ redis, prefix }));

const DAY_MS = 24 * 3600_000;

const snapshotOf = (bookingId: string, version: number, startsAt?: Date) =>
  sampleSnapshot(sampleBooking({ bookingId, version, ...(startsAt ? { startsAt } : {}) }), {
    type: version === 1 ? EventType.created : EventType.rescheduled,
  });

const recordOf = (bookingId: string, id = '81234567890'): MeetingRecord => ({
  meeting: {
    provider: 'zoom',
    id,
    hostMemberId: 'mem_ada',
    hostUserId: 'zu_ada',
    topic: 'Intro call',
    startTime: '2030-01-15T09:00:00Z',
    durationMinutes: 30,
    timezone: 'UTC',
    joinUrl: `https://zoom.us/j/${id}?pwd=SeCrEtPwdToken${bookingId}`,
    passcode: 'Xy7pQ2rT9k',
    pstnPasscode: '554433',
    dialIn: [],
  },
  host: { memberId: 'mem_ada', email: 'ada@example.com' },
  bookingVersion: 1,
  updatedAt: new Date().toISOString(),
});

const ended = (outcome: AttemptEnd['outcome'], extra: Partial<AttemptEnd> = {}): AttemptEnd => ({
  startedAt: '2030-01-01T10:00:00.000Z',
  finishedAt: '2030-01-01T10:00:01.250Z',
  durationMs: 1250,
  outcome,
  detail: null,
  error: null,
  ...extra,
});

const kinds = (timeline: TimelineEntry[]): string[] =>
  timeline.map((entry) => ('action' in entry ? `${entry.kind}:${entry.action}` : entry.kind));

const pexpireTime = async (key: string): Promise<number> => Number(await redis.call('PEXPIRETIME', key));

describe('the booking timeline', () => {
  it('records every event received with its outcome, in order', async () => {
    // Each delivery is received anew (its own receivedAt), as the intake builds the snapshot per request.
    const v1 = () => snapshotOf('bk_ev', 1);
    expect(await store.accept(v1(), 'msg_1')).toBe('accepted');
    expect(await store.accept(v1(), 'msg_1')).toBe('replay');
    await store.markEnqueued('bk_ev', 1);
    expect(await store.accept(v1(), 'msg_1')).toBe('duplicate');
    expect(await store.accept(snapshotOf('bk_ev', 2), 'msg_2')).toBe('accepted');
    expect(await store.accept(v1(), 'msg_old')).toBe('stale');

    const timeline = await store.getTimeline('bk_ev');
    expect(timeline.map((e) => (e.kind === 'event' ? [e.version, e.webhookId, e.outcome] : null))).toEqual([
      [1, 'msg_1', 'accepted'],
      [1, 'msg_1', 'replay'],
      [1, 'msg_1', 'duplicate'],
      [2, 'msg_2', 'accepted'],
      [1, 'msg_old', 'stale'],
    ]);
    expect(timeline[3]).toEqual({
      kind: 'event',
      at: expect.any(String) as unknown,
      eventType: EventType.rescheduled,
      version: 2,
      eventId: 'evt_bk_ev_2',
      webhookId: 'msg_2',
      outcome: 'accepted',
    });
    // The status keeps its shape: the timeline is read on its own.
    expect(await store.getStatus('bk_ev')).not.toHaveProperty('timeline');
  });

  it('keeps a version too large for Redis’s cjson numbers exact', async () => {
    const version = Number.MAX_SAFE_INTEGER - 2;
    const snapshot = snapshotOf('bk_big', version);
    await store.accept(snapshot, 'msg_big');
    await store.updateStep('bk_big', version, 'email', { state: 'running' }, { countAttempt: true });
    await store.updateStep('bk_big', version, 'email', { state: 'done' }, { attemptEnded: ended('done') });
    expect((await store.getTimeline('bk_big')).map((e) => 'version' in e && e.version)).toEqual([
      version,
      version,
    ]);
  });

  it('numbers each attempt by the step’s own count and puts what it noted before its end', async () => {
    await store.accept(snapshotOf('bk_try', 1), 'm1');
    const run = () => store.updateStep('bk_try', 1, 'email', { state: 'running' }, { countAttempt: true });
    await run();
    const error = { code: 'smtp_unavailable', message: '451 try later', retryable: true };
    await store.updateStep(
      'bk_try',
      1,
      'email',
      { state: 'pending', lastError: error },
      {
        timeline: [
          {
            kind: 'reminder',
            at: '2030-01-01T10:00:00.500Z',
            action: 'scheduled',
            offsetMinutes: 60,
            dueAt: '2030-01-05T09:00:00.000Z',
            reason: null,
          },
        ],
        attemptEnded: ended('retrying', { error, detail: 'retrying in 2s', retryInMs: 2000 }),
      },
    );
    await run();
    await store.updateStep(
      'bk_try',
      1,
      'email',
      { state: 'done' },
      { attemptEnded: ended('done', { finishedAt: '2030-01-01T10:00:05.000Z' }) },
    );

    const timeline = await store.getTimeline('bk_try');
    expect(kinds(timeline)).toEqual(['event', 'reminder:scheduled', 'attempt', 'attempt']);
    expect(timeline[2]).toEqual({
      kind: 'attempt',
      at: '2030-01-01T10:00:01.250Z',
      step: 'email',
      version: 1,
      attempt: 1,
      startedAt: '2030-01-01T10:00:00.000Z',
      finishedAt: '2030-01-01T10:00:01.250Z',
      durationMs: 1250,
      outcome: 'retrying',
      detail: 'retrying in 2s',
      error,
      retryInMs: 2000,
    });
    expect(timeline[3]).toMatchObject({ attempt: 2, outcome: 'done', error: null });
  });

  it('records nothing for a step update that no longer applies (a newer version came)', async () => {
    await store.accept(snapshotOf('bk_old', 1), 'm1');
    await store.accept(snapshotOf('bk_old', 2), 'm2');
    const applied = await store.updateStep(
      'bk_old',
      1,
      'conference',
      { state: 'done' },
      { attemptEnded: ended('done') },
    );
    expect(applied).toBe(false);
    expect(kinds(await store.getTimeline('bk_old'))).toEqual(['event', 'event']);
  });

  it('records the meeting made, moved and deleted by its id, never its passcode or join URL', async () => {
    await store.accept(snapshotOf('bk_meet', 1), 'm1');
    const record = recordOf('bk_meet');
    await store.setMeeting('bk_meet', record, 'created');
    await store.setMeeting('bk_meet', record); // a refresh with no change: nothing to record
    const moved = { ...record, meeting: { ...record.meeting, startTime: '2030-01-16T09:00:00Z' } };
    await store.setMeeting('bk_meet', moved, 'updated');
    await store.setMeeting('bk_meet', null, 'deleted');
    await store.setMeeting('bk_meet', null, 'deleted'); // nothing left to forget: nothing to record

    const timeline = await store.getTimeline('bk_meet');
    expect(kinds(timeline)).toEqual(['event', 'meeting:created', 'meeting:updated', 'meeting:deleted']);
    expect(timeline[1]).toEqual({
      kind: 'meeting',
      at: expect.any(String) as unknown,
      action: 'created',
      provider: 'zoom',
      meetingId: '81234567890',
      hostMemberId: 'mem_ada',
      startTime: '2030-01-15T09:00:00Z',
      durationMinutes: 30,
    });
    expect(timeline[2]).toMatchObject({ startTime: '2030-01-16T09:00:00Z' });
    expect(timeline[3]).toEqual({
      kind: 'meeting',
      at: expect.any(String) as unknown,
      action: 'deleted',
      provider: 'zoom',
      meetingId: '81234567890',
      hostMemberId: 'mem_ada',
    });
    expect(await store.getMeeting('bk_meet')).toBeNull();
    const raw = (await redis.lrange(timelineKey(prefix, 'bk_meet'), 0, -1)).join('\n');
    for (const secret of ['Xy7pQ2rT9k', '554433', 'SeCrEtPwdToken', 'zoom.us/j']) {
      expect(raw).not.toContain(secret);
    }
  });

  it('records each email the log records as sent, in the same write', async () => {
    await store.accept(snapshotOf('bk_mail', 1), 'm1');
    await emailLog.record('bk_mail', 'confirmation', {
      messageId: '<bk_mail.confirmation@meetlink.test>',
      sentAt: '2030-01-01T10:00:00.000Z',
      kind: 'confirmation',
      meetingId: null,
      meetingFingerprint: null,
    });
    expect(await emailLog.get('bk_mail', 'confirmation')).toMatchObject({ kind: 'confirmation' });
    expect((await store.getTimeline('bk_mail'))[1]).toEqual({
      kind: 'email',
      at: '2030-01-01T10:00:00.000Z',
      action: 'sent',
      email: 'confirmation',
      key: 'confirmation',
      messageId: '<bk_mail.confirmation@meetlink.test>',
      meetingId: null,
      reason: null,
    });
  });

  it('shows entries by time, oldest first, whatever order they were appended in', async () => {
    const reminder = (at: string, offsetMinutes: number): TimelineEntry => ({
      kind: 'reminder',
      at,
      action: 'skipped',
      offsetMinutes,
      dueAt: null,
      reason: 'booking canceled',
    });
    await store.appendTimeline('bk_order', [reminder('2030-01-01T10:00:02.000Z', 2)]);
    await store.appendTimeline('bk_order', [
      reminder('2030-01-01T10:00:01.000Z', 1),
      reminder('2030-01-01T10:00:03.000Z', 3),
      reminder('2030-01-01T10:00:01.000Z', 11),
    ]);
    expect(
      (await store.getTimeline('bk_order')).map((e) => (e.kind === 'reminder' ? e.offsetMinutes : null)),
    ).toEqual([1, 11, 2, 3]);
  });

  it('keeps only the newest entries past its cap', async () => {
    const capped = createRedisBookingStore({
      redis,
      prefix,
      timeline: { ...DEFAULT_TIMELINE_RETENTION, maxEntries: 3 },
    });
    for (let version = 1; version <= 5; version += 1) {
      await capped.accept(snapshotOf('bk_cap', version), `m${version}`);
    }
    expect(await redis.llen(timelineKey(prefix, 'bk_cap'))).toBe(3);
    expect((await capped.getTimeline('bk_cap')).map((e) => 'version' in e && e.version)).toEqual([3, 4, 5]);
  });

  it('expires 30 days after the booking ends, moved by a reschedule and kept by a stale event', async () => {
    const startsAt = new Date(Date.now() + 10 * DAY_MS);
    const v1 = snapshotOf('bk_ttl', 1, startsAt);
    await store.accept(v1, 'm1');
    const key = timelineKey(prefix, 'bk_ttl');
    expect(await pexpireTime(key)).toBe(Date.parse(v1.booking.endsAt) + 30 * DAY_MS);

    const v2 = snapshotOf('bk_ttl', 2, new Date(startsAt.getTime() + 5 * DAY_MS));
    await store.accept(v2, 'm2');
    expect(await pexpireTime(key)).toBe(Date.parse(v2.booking.endsAt) + 30 * DAY_MS);
    await store.accept(v1, 'm1-late');
    await store.updateStep('bk_ttl', 2, 'calendar', { state: 'done' }, { attemptEnded: ended('done') });
    expect(await pexpireTime(key)).toBe(Date.parse(v2.booking.endsAt) + 30 * DAY_MS);
  });

  it('gives a booking that ended long ago at least a day, and a list made by another write 30 days', async () => {
    const before = Date.now();
    const old = snapshotOf('bk_past', 1, new Date(before - 90 * DAY_MS));
    await store.accept(old, 'm1');
    expect(await pexpireTime(timelineKey(prefix, 'bk_past'))).toBeGreaterThanOrEqual(before + DAY_MS);

    await store.appendTimeline('bk_orphan', [
      {
        kind: 'reminder',
        at: new Date().toISOString(),
        action: 'skipped',
        offsetMinutes: 60,
        dueAt: null,
        reason: 'booking canceled',
      },
    ]);
    const expiresAt = await pexpireTime(timelineKey(prefix, 'bk_orphan'));
    expect(expiresAt).toBeGreaterThanOrEqual(before + 30 * DAY_MS);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 30 * DAY_MS);
  });

  it('refuses an entry that does not match the schema', async () => {
    await expect(
      store.appendTimeline('bk_bad', [{ kind: 'email', at: 'now' } as unknown as TimelineEntry]),
    ).rejects.toThrow();
    expect(await redis.exists(timelineKey(prefix, 'bk_bad'))).toBe(0);
  });
});
