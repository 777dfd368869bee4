// The booking snapshot (newest version wins) and each step's checkpoint, in one Redis hash per booking;
// its timeline in a list beside it (see timeline.ts), appended by the same scripts.
import { luaScript } from '@meetlink/redis';
import type { RedisClient } from '@meetlink/redis';
import {
  BookingSnapshot,
  BookingStatus,
  MeetingCleanup,
  MeetingIntent,
  MeetingRecord,
  StepStatus,
  stepNames,
} from '@meetlink/events';
import type { MeetingEvent, StepName, TimelineMeeting } from '@meetlink/events';
import type { AcceptOutcome, BookingStore } from '@meetlink/ports';
import { emailLogKey } from './email-log';
import { meetingEventsKey, meetingIndexKey, parseMeetingEvents } from './meeting-events';
import {
  APPEND_TIMELINE_SCRIPT,
  DEFAULT_TIMELINE_RETENTION,
  encodeEntry,
  openEntry,
  parseTimeline,
  PUSH_TIMELINE_LUA,
  retentionArgs,
  timelineExpiresAt,
  timelineKey,
} from './timeline';
import type { TimelineRetention } from './timeline';

// The unqueued index is a sorted set: member bookingId, score about when an accept last touched it
// (ms). It is one key for every booking, so on a Redis Cluster it lives in another slot than the
// bookings, and no script can write both: each accept touches the index first (TOUCH_INDEX_SCRIPT,
// which also trims what was touched longer ago than the retention) and then runs the accept script,
// so a booking is never newer than the queue without its entry. Each touch raises the score, at least
// by one, and every script run records in the booking's hash (`indexScore`) the highest score it ran
// under: an entry is cleared only while its score is at most that (CLEAR_INDEX_SCRIPT), so a touch
// whose accept has not run yet keeps it. markEnqueued and an accept that finds the newest version
// already queued clear it; the sweeper clears what they could not (an accept that touched and died).
const TOUCH_INDEX_SCRIPT = luaScript(`
local score = tonumber(ARGV[2])
local cur = redis.call('ZSCORE', KEYS[1], ARGV[1])
if cur and tonumber(cur) >= score then score = tonumber(cur) + 1 end
redis.call('ZADD', KEYS[1], score, ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[3])
return score
`);

const CLEAR_INDEX_SCRIPT = luaScript(`
local cur = redis.call('ZSCORE', KEYS[1], ARGV[1])
if cur and tonumber(cur) <= tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
`);

// KEYS[2], the timeline, gets the event with its outcome whatever it is (ARGV[6] the entry without its
// closing brace); a newer version also moves the expiry of every key of the booking (the hash, the
// timeline, KEYS[3] the email log, KEYS[4] the meeting reports) to its own end (ARGV[9]). ARGV[5] is
// the index score this accept touched. The reply is the outcome and, when the newest version is
// queued already, the index score up to which the booking's entry may be cleared.
const ACCEPT_SCRIPT = luaScript(`${PUSH_TIMELINE_LUA}
local function answer(outcome, clearUpTo)
  pushTimeline(KEYS[2], { ARGV[6] .. ',"outcome":"' .. outcome .. '"}' }, ARGV[7], ARGV[8])
  return { outcome, clearUpTo }
end
local cur = redis.call('HMGET', KEYS[1], 'version', 'webhookId', 'enqueuedAt', 'indexScore')
local score = tonumber(ARGV[5])
local v = tonumber(ARGV[1])
if cur[1] then
  if cur[4] and tonumber(cur[4]) > score then score = tonumber(cur[4]) end
  redis.call('HSET', KEYS[1], 'indexScore', string.format('%d', score))
  local cv = tonumber(cur[1])
  local queued = cur[3] and string.format('%d', score) or false
  if cur[2] == ARGV[2] and cv == v then
    if cur[3] then return answer('duplicate', queued) end
    return answer('replay', false)
  end
  if v <= cv then return answer('stale', queued) end
end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'webhookId', ARGV[2], 'snapshot', ARGV[3],
  'step:conference', ARGV[4], 'step:calendar', ARGV[4], 'step:email', ARGV[4],
  'indexScore', string.format('%d', score))
redis.call('HDEL', KEYS[1], 'enqueuedAt')
answer('accepted', false)
for i = 1, 4 do redis.call('PEXPIREAT', KEYS[i], ARGV[9]) end
return { 'accepted', false }
`);

// The reply: the index score up to which the booking's entry may be cleared, or nil when ARGV[1] is
// no longer the newest version.
const MARK_ENQUEUED_SCRIPT = luaScript(`
local cur = redis.call('HMGET', KEYS[1], 'version', 'indexScore')
if cur[1] ~= ARGV[1] then return false end
redis.call('HSET', KEYS[1], 'enqueuedAt', ARGV[2])
return cur[2] or false
`);

// KEYS[2], the timeline, gets the entries in ARGV[9…] and then the attempt's end (ARGV[6], without its
// closing brace, or ''), numbered here with the step's attempt count, only when the update applies.
const UPDATE_STEP_SCRIPT = luaScript(`${PUSH_TIMELINE_LUA}
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
local field = 'step:' .. ARGV[2]
local raw = redis.call('HGET', KEYS[1], field)
if not raw then return 0 end
local step = cjson.decode(raw)
for k, val in pairs(cjson.decode(ARGV[3])) do step[k] = val end
if ARGV[4] == '1' then step['attempts'] = (tonumber(step['attempts']) or 0) + 1 end
step['updatedAt'] = ARGV[5]
redis.call('HSET', KEYS[1], field, cjson.encode(step))
local entries = { unpack(ARGV, 9) }
if ARGV[6] ~= '' then
  table.insert(entries, ARGV[6] .. ',"attempt":' .. string.format('%d', tonumber(step['attempts']) or 0) .. '}')
end
pushTimeline(KEYS[2], entries, ARGV[7], ARGV[8])
return 1
`);

// Recording a meeting fulfils its intent in the same write. ARGV[2] is the timeline entry ('' for
// none); forgetting one (ARGV[1] '') names the meeting it forgot, which only the stored record knows.
// A hash this creates (its booking expired meanwhile) gets the fallback TTL, as a timeline does.
const SET_MEETING_SCRIPT = luaScript(`${PUSH_TIMELINE_LUA}
if ARGV[1] ~= '' then
  redis.call('HSET', KEYS[1], 'meeting', ARGV[1])
  if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[4]) end
  redis.call('HDEL', KEYS[1], 'meetingIntent')
  if ARGV[2] ~= '' then pushTimeline(KEYS[2], { ARGV[2] }, ARGV[3], ARGV[4]) end
  return 1
end
local old = redis.call('HGET', KEYS[1], 'meeting')
redis.call('HDEL', KEYS[1], 'meeting')
if old and ARGV[2] ~= '' then
  local meeting = cjson.decode(old)['meeting']
  local entry = ARGV[2] .. ',"meetingId":' .. cjson.encode(meeting['id']) ..
    ',"hostMemberId":' .. cjson.encode(meeting['hostMemberId']) .. '}'
  pushTimeline(KEYS[2], { entry }, ARGV[3], ARGV[4])
end
return 1
`);

// A field set on a booking keeps the hash's expiry; one that creates the hash gives it the fallback.
const SET_FIELD_SCRIPT = luaScript(`
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
if redis.call('PTTL', KEYS[1]) == -1 then redis.call('PEXPIRE', KEYS[1], ARGV[3]) end
return 1
`);

const INTENT_FIELD = 'meetingIntent';
const CLEANUP_FIELD = 'cleanup:';

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
  redis: RedisClient;
  /** Key prefix; keys are `<prefix>:booking:{<bookingId>}` (the braces keep a booking in one cluster slot). */
  prefix: string;
  now?: () => Date;
  /**
   * How many timeline entries are kept, and how long every key of a booking lives after the booking
   * ends (default: the newest 200, 30 days; apps pass bookingRetentionOf(BOOKING_RETENTION_DAYS)).
   */
  timeline?: TimelineRetention;
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
  timeline: retention = DEFAULT_TIMELINE_RETENTION,
}: RedisBookingStoreOptions): BookingStore => {
  const keyOf = (bookingId: string): string => `${prefix}:booking:{${bookingId}}`;
  const unqueuedKey = `${prefix}:intake:unqueued`;
  /** Takes the booking out of the unqueued index unless an accept touched it after `upTo`. */
  const clearIndex = async (bookingId: string, upTo: string): Promise<boolean> =>
    (await CLEAR_INDEX_SCRIPT.run(redis, [unqueuedKey], [bookingId, upTo])) === 1;
  const kept = retentionArgs(retention);
  /** Writes a JSON field of the booking's hash (following its retention), or deletes it for null. */
  const setOrDeleteField = async (bookingId: string, field: string, value: object | null): Promise<void> => {
    if (!value) await redis.hdel(keyOf(bookingId), field);
    else await SET_FIELD_SCRIPT.run(redis, [keyOf(bookingId)], [field, JSON.stringify(value), kept[1]]);
  };

  const getSnapshot = async (bookingId: string): Promise<BookingSnapshot | null> => {
    const raw = await redis.hget(keyOf(bookingId), 'snapshot');
    return raw === null ? null : BookingSnapshot.parse(JSON.parse(raw));
  };

  return {
    accept: async (snapshot, webhookId) => {
      const at = now();
      const event = openEntry(
        {
          kind: 'event',
          at: snapshot.receivedAt,
          eventType: snapshot.eventType,
          version: snapshot.version,
          eventId: snapshot.eventId,
          webhookId,
          outcome: 'accepted',
        },
        ['outcome'],
      );
      const score = (await TOUCH_INDEX_SCRIPT.run(
        redis,
        [unqueuedKey],
        [snapshot.bookingId, String(at.getTime()), String(at.getTime() - retention.keepAfterEndMs)],
      )) as number;
      const [outcome, clearUpTo] = (await ACCEPT_SCRIPT.run(
        redis,
        [
          keyOf(snapshot.bookingId),
          timelineKey(prefix, snapshot.bookingId),
          emailLogKey(prefix, snapshot.bookingId),
          meetingEventsKey(prefix, snapshot.bookingId),
        ],
        [
          String(snapshot.version),
          webhookId,
          JSON.stringify(snapshot),
          JSON.stringify(pendingStep(snapshot.version, at.toISOString())),
          String(score),
          event,
          ...kept,
          String(timelineExpiresAt(snapshot.booking.endsAt, at.getTime(), retention)),
        ],
      )) as [AcceptOutcome, string | null];
      if (clearUpTo !== null) await clearIndex(snapshot.bookingId, clearUpTo);
      return outcome;
    },

    markEnqueued: async (bookingId, version) => {
      const clearUpTo = (await MARK_ENQUEUED_SCRIPT.run(
        redis,
        [keyOf(bookingId)],
        [String(version), now().toISOString()],
      )) as string | null;
      if (clearUpTo !== null) await clearIndex(bookingId, clearUpTo);
    },

    listUnqueued: async (olderThanMs, limit) => {
      const cutoff = now().getTime() - olderThanMs;
      const flat = await redis.zrangebyscore(unqueuedKey, '-inf', cutoff, 'WITHSCORES', 'LIMIT', 0, limit);
      const listed: { bookingId: string; acceptedAtMs: number }[] = [];
      for (let i = 0; i + 1 < flat.length; i += 2)
        listed.push({ bookingId: flat[i]!, acceptedAtMs: Number(flat[i + 1]) });
      // One read per booking: on a cluster each booking's hash lives on the node of its own slot.
      const states = await Promise.all(
        listed.map(({ bookingId }) => redis.hmget(keyOf(bookingId), 'version', 'enqueuedAt')),
      );
      return listed.map((entry, i) => {
        const [version, enqueuedAt] = states[i] ?? [null, null];
        return {
          ...entry,
          version: typeof version === 'string' ? Number(version) : null,
          isQueued: typeof enqueuedAt === 'string',
        };
      });
    },

    dropUnqueued: async (bookingId, acceptedAtMs) => {
      const [version, enqueuedAt] = await redis.hmget(keyOf(bookingId), 'version', 'enqueuedAt');
      if (version !== null && enqueuedAt === null) return false;
      return clearIndex(bookingId, String(acceptedAtMs));
    },

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

    setMeeting: async (bookingId, record, change) => {
      const at = now().toISOString();
      if (!record) {
        const entry = change
          ? openEntry(
              { kind: 'meeting', at, action: change, provider: 'zoom', meetingId: '', hostMemberId: '' },
              ['meetingId', 'hostMemberId'],
            )
          : '';
        await SET_MEETING_SCRIPT.run(
          redis,
          [keyOf(bookingId), timelineKey(prefix, bookingId)],
          ['', entry, ...kept],
        );
        return;
      }
      const parsed = MeetingRecord.parse(record);
      // The index entry follows the booking's retention rule, from the meeting's own end.
      const meetingEndsAt = new Date(
        Date.parse(parsed.meeting.startTime) + parsed.meeting.durationMinutes * 60_000,
      );
      await redis.set(
        meetingIndexKey(prefix, parsed.meeting.provider, parsed.meeting.id),
        bookingId,
        'PXAT',
        timelineExpiresAt(
          Number.isFinite(meetingEndsAt.getTime()) ? meetingEndsAt.toISOString() : '',
          now().getTime(),
          retention,
        ),
      );
      const entry: TimelineMeeting | null = change
        ? {
            kind: 'meeting',
            at,
            action: change,
            provider: parsed.meeting.provider,
            meetingId: parsed.meeting.id,
            hostMemberId: parsed.meeting.hostMemberId,
            startTime: parsed.meeting.startTime,
            durationMinutes: parsed.meeting.durationMinutes,
          }
        : null;
      // The intent is fulfilled in the same write: a record and a stale intent never coexist.
      await SET_MEETING_SCRIPT.run(
        redis,
        [keyOf(bookingId), timelineKey(prefix, bookingId)],
        [JSON.stringify(parsed), entry ? encodeEntry(entry) : '', ...kept],
      );
    },

    getMeetingIntent: async (bookingId) => {
      const raw = await redis.hget(keyOf(bookingId), INTENT_FIELD);
      return raw === null ? null : MeetingIntent.parse(JSON.parse(raw));
    },

    setMeetingIntent: (bookingId, intent) =>
      setOrDeleteField(bookingId, INTENT_FIELD, intent && MeetingIntent.parse(intent)),

    setMeetingCleanup: (bookingId, id, cleanup) =>
      setOrDeleteField(bookingId, `${CLEANUP_FIELD}${id}`, cleanup && MeetingCleanup.parse(cleanup)),

    updateStep: async (bookingId, version, step, patch, options = {}) => {
      const ended = options.attemptEnded;
      const applied = await UPDATE_STEP_SCRIPT.run(
        redis,
        [keyOf(bookingId), timelineKey(prefix, bookingId)],
        [
          String(version),
          step,
          JSON.stringify(patch),
          options.countAttempt ? '1' : '0',
          now().toISOString(),
          ended
            ? openEntry({ ...ended, kind: 'attempt', at: ended.finishedAt, step, version, attempt: 0 }, [
                'attempt',
              ])
            : '',
          ...kept,
          ...(options.timeline ?? []).map(encodeEntry),
        ],
      );
      return applied === 1;
    },

    getTimeline: async (bookingId) =>
      parseTimeline(await redis.lrange(timelineKey(prefix, bookingId), 0, -1)),

    appendTimeline: async (bookingId, entries) => {
      if (entries.length === 0) return;
      await APPEND_TIMELINE_SCRIPT.run(
        redis,
        [timelineKey(prefix, bookingId)],
        [...kept, ...entries.map(encodeEntry)],
      );
    },
  };
};
