// The booking snapshot (newest version wins) and each step's checkpoint, in one Redis hash per booking.
import type { Redis } from 'ioredis';
import {
  BookingSnapshot,
  BookingStatus,
  MeetingCleanup,
  MeetingIntent,
  MeetingRecord,
  StepStatus,
  stepNames,
} from '@meetlink/events';
import type { MeetingEvent, StepName } from '@meetlink/events';
import type { AcceptOutcome, BookingStore } from '@meetlink/ports';
import { meetingEventsKey, meetingIndexKey, parseMeetingEvents } from './meeting-events';

export type { AcceptOutcome, BookingStore, StepPatch, UnqueuedBooking } from '@meetlink/ports';

// KEYS[2], the unqueued index, is a sorted set: member bookingId, score the newest version's accept
// time (ms). One entry per booking, removed once that version is queued (or the booking is gone), so
// it bounds itself. It is one key for every booking: on Redis Cluster it would have to be split by
// hash tag, since a script may not touch two slots.
const ACCEPT_SCRIPT = `
local cur = redis.call('HMGET', KEYS[1], 'version', 'webhookId', 'enqueuedAt')
local v = tonumber(ARGV[1])
if cur[1] then
  local cv = tonumber(cur[1])
  if cur[2] == ARGV[2] and cv == v then
    if cur[3] then return 'duplicate' end
    redis.call('ZADD', KEYS[2], 'NX', ARGV[5], ARGV[6])
    return 'replay'
  end
  if v <= cv then return 'stale' end
end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'webhookId', ARGV[2], 'snapshot', ARGV[3],
  'step:conference', ARGV[4], 'step:calendar', ARGV[4], 'step:email', ARGV[4])
redis.call('HDEL', KEYS[1], 'enqueuedAt')
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[6])
return 'accepted'
`;

const MARK_ENQUEUED_SCRIPT = `
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'enqueuedAt', ARGV[2])
redis.call('ZREM', KEYS[2], ARGV[3])
return 1
`;

const DROP_UNQUEUED_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], 'version') == 1 then return 0 end
return redis.call('ZREM', KEYS[2], ARGV[1])
`;

const UPDATE_STEP_SCRIPT = `
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
local field = 'step:' .. ARGV[2]
local raw = redis.call('HGET', KEYS[1], field)
if not raw then return 0 end
local step = cjson.decode(raw)
for k, val in pairs(cjson.decode(ARGV[3])) do step[k] = val end
if ARGV[4] == '1' then step['attempts'] = (tonumber(step['attempts']) or 0) + 1 end
step['updatedAt'] = ARGV[5]
redis.call('HSET', KEYS[1], field, cjson.encode(step))
return 1
`;

const INTENT_FIELD = 'meetingIntent';
const CLEANUP_FIELD = 'cleanup:';

const MEETING_INDEX_AFTER_START_S = 30 * 24 * 3600;
const MEETING_INDEX_MIN_S = 24 * 3600;

/**
 * The newest report that changed the booking's meeting, unless the conference step has converged
 * since: it finished (done or skipped) after the report, or rewrote the meeting record after it.
 */
const unresolvedAlert = (
  events: readonly MeetingEvent[],
  record: MeetingRecord | null,
  conference: StepStatus,
): MeetingEvent | null => {
  const newest = events.find((event) => event.outcome === 'reconcile_queued');
  if (!newest) return null;
  const at = Date.parse(newest.receivedAt);
  const isRecordNewer = record !== null && Date.parse(record.updatedAt) >= at;
  const isStepNewer =
    (conference.state === 'done' || conference.state === 'skipped') &&
    conference.finishedAt !== null &&
    Date.parse(conference.finishedAt) >= at;
  return isRecordNewer || isStepNewer ? null : newest;
};

export interface RedisBookingStoreOptions {
  redis: Redis;
  /** Key prefix; keys are `<prefix>:booking:{<bookingId>}` (the braces keep a booking in one cluster slot). */
  prefix: string;
  now?: () => Date;
}

export const pendingStep = (version: number, at: string): StepStatus => ({
  state: 'pending',
  version,
  attempts: 0,
  lastError: null,
  detail: null,
  updatedAt: at,
  startedAt: null,
  finishedAt: null,
});

export const createRedisBookingStore = ({
  redis,
  prefix,
  now = () => new Date(),
}: RedisBookingStoreOptions): BookingStore => {
  const keyOf = (bookingId: string): string => `${prefix}:booking:{${bookingId}}`;
  const unqueuedKey = `${prefix}:intake:unqueued`;

  const getSnapshot = async (bookingId: string): Promise<BookingSnapshot | null> => {
    const raw = await redis.hget(keyOf(bookingId), 'snapshot');
    return raw === null ? null : BookingSnapshot.parse(JSON.parse(raw));
  };

  return {
    accept: async (snapshot, webhookId) => {
      const at = now();
      const outcome = await redis.eval(
        ACCEPT_SCRIPT,
        2,
        keyOf(snapshot.bookingId),
        unqueuedKey,
        String(snapshot.version),
        webhookId,
        JSON.stringify(snapshot),
        JSON.stringify(pendingStep(snapshot.version, at.toISOString())),
        String(at.getTime()),
        snapshot.bookingId,
      );
      return outcome as AcceptOutcome;
    },

    markEnqueued: async (bookingId, version) => {
      await redis.eval(
        MARK_ENQUEUED_SCRIPT,
        2,
        keyOf(bookingId),
        unqueuedKey,
        String(version),
        now().toISOString(),
        bookingId,
      );
    },

    listUnqueued: async (olderThanMs, limit) => {
      const cutoff = now().getTime() - olderThanMs;
      const flat = await redis.zrangebyscore(unqueuedKey, '-inf', cutoff, 'WITHSCORES', 'LIMIT', 0, limit);
      const entries: { bookingId: string; acceptedAtMs: number }[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2)
        entries.push({ bookingId: flat[i]!, acceptedAtMs: Number(flat[i + 1]) });
      if (entries.length === 0) return [];
      const pipeline = redis.pipeline();
      for (const { bookingId } of entries) pipeline.hget(keyOf(bookingId), 'version');
      const replies = (await pipeline.exec()) ?? [];
      return entries.map((entry, i) => {
        const [error, raw] = replies[i] ?? [null, null];
        if (error) throw error;
        return { ...entry, version: typeof raw === 'string' ? Number(raw) : null };
      });
    },

    dropUnqueued: async (bookingId) =>
      (await redis.eval(DROP_UNQUEUED_SCRIPT, 2, keyOf(bookingId), unqueuedKey, bookingId)) === 1,

    getSnapshot,

    getStatus: async (bookingId) => {
      const [fields, rawEvents] = await Promise.all([
        redis.hgetall(keyOf(bookingId)),
        redis.lrange(meetingEventsKey(prefix, bookingId), 0, -1),
      ]);
      if (!fields['snapshot']) return null;
      const steps = Object.fromEntries(
        stepNames.map((name) => [name, StepStatus.parse(JSON.parse(fields[`step:${name}`] ?? 'null'))]),
      ) as Record<StepName, StepStatus>;
      const record = fields['meeting'] ? MeetingRecord.parse(JSON.parse(fields['meeting'])) : null;
      const meetingEvents = parseMeetingEvents(rawEvents);
      const meetingCleanups = Object.entries(fields)
        .filter(([name]) => name.startsWith(CLEANUP_FIELD))
        .map(([, raw]) => MeetingCleanup.parse(JSON.parse(raw)));
      return BookingStatus.parse({
        ...JSON.parse(fields['snapshot']),
        meeting: record?.meeting ?? null,
        steps,
        meetingEvents,
        meetingAlert: unresolvedAlert(meetingEvents, record, steps.conference),
        ...(meetingCleanups.length ? { meetingCleanups } : {}),
      });
    },

    getMeeting: async (bookingId) => {
      const raw = await redis.hget(keyOf(bookingId), 'meeting');
      return raw === null ? null : MeetingRecord.parse(JSON.parse(raw));
    },

    setMeeting: async (bookingId, record) => {
      if (!record) {
        await redis.hdel(keyOf(bookingId), 'meeting');
        return;
      }
      const parsed = MeetingRecord.parse(record);
      const ttlSeconds = Math.max(
        Math.ceil((Date.parse(parsed.meeting.startTime) - now().getTime()) / 1000) +
          MEETING_INDEX_AFTER_START_S,
        MEETING_INDEX_MIN_S,
      );
      await redis.set(
        meetingIndexKey(prefix, parsed.meeting.provider, parsed.meeting.id),
        bookingId,
        'EX',
        Number.isFinite(ttlSeconds) ? ttlSeconds : MEETING_INDEX_AFTER_START_S,
      );
      // The intent is fulfilled in the same write: a record and a stale intent never coexist.
      await redis
        .multi()
        .hset(keyOf(bookingId), 'meeting', JSON.stringify(parsed))
        .hdel(keyOf(bookingId), INTENT_FIELD)
        .exec();
    },

    getMeetingIntent: async (bookingId) => {
      const raw = await redis.hget(keyOf(bookingId), INTENT_FIELD);
      return raw === null ? null : MeetingIntent.parse(JSON.parse(raw));
    },

    setMeetingIntent: async (bookingId, intent) => {
      if (!intent) await redis.hdel(keyOf(bookingId), INTENT_FIELD);
      else await redis.hset(keyOf(bookingId), INTENT_FIELD, JSON.stringify(MeetingIntent.parse(intent)));
    },

    setMeetingCleanup: async (bookingId, id, cleanup) => {
      const field = `${CLEANUP_FIELD}${id}`;
      if (!cleanup) await redis.hdel(keyOf(bookingId), field);
      else await redis.hset(keyOf(bookingId), field, JSON.stringify(MeetingCleanup.parse(cleanup)));
    },

    updateStep: async (bookingId, version, step, patch, options = {}) => {
      const applied = await redis.eval(
        UPDATE_STEP_SCRIPT,
        1,
        keyOf(bookingId),
        String(version),
        step,
        JSON.stringify(patch),
        options.countAttempt ? '1' : '0',
        now().toISOString(),
      );
      return applied === 1;
    },
  };
};
