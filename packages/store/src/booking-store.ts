// The booking snapshot (newest version wins) and each step's checkpoint, in one Redis hash per booking.
import type { Redis } from 'ioredis';
import { BookingSnapshot, BookingStatus, MeetingRecord, StepStatus, stepNames } from '@meetlink/events';
import type { MeetingEvent, StepName } from '@meetlink/events';
import { meetingEventsKey, meetingIndexKey, parseMeetingEvents } from './meeting-events';

export type AcceptOutcome =
  /** A newer version: stored, steps reset to pending, the caller must enqueue it. */
  | 'accepted'
  /** The same webhook again, and its job may not have been queued yet (a crash before the enqueue). */
  | 'replay'
  /** The same webhook again, already queued: nothing to do. */
  | 'duplicate'
  /** Not newer than what is stored. */
  | 'stale';

export type StepPatch = Partial<Omit<StepStatus, 'version' | 'attempts' | 'updatedAt'>>;

export interface BookingStore {
  accept(snapshot: BookingSnapshot, webhookId: string): Promise<AcceptOutcome>;
  markEnqueued(bookingId: string, version: number): Promise<void>;
  getSnapshot(bookingId: string): Promise<BookingSnapshot | null>;
  getStatus(bookingId: string): Promise<BookingStatus | null>;
  getMeeting(bookingId: string): Promise<MeetingRecord | null>;
  /**
   * Records (or, with null, forgets) the booking's meeting. Recording also indexes the meeting id
   * (until 30 days after it starts), so a provider's report about the meeting finds the booking.
   */
  setMeeting(bookingId: string, record: MeetingRecord | null): Promise<void>;
  /** Applies `patch` to a step only while `version` is still the booking's newest; false otherwise. */
  updateStep(
    bookingId: string,
    version: number,
    step: StepName,
    patch: StepPatch,
    options?: { countAttempt?: boolean },
  ): Promise<boolean>;
}

const ACCEPT_SCRIPT = `
local cur = redis.call('HMGET', KEYS[1], 'version', 'webhookId', 'enqueuedAt')
local v = tonumber(ARGV[1])
if cur[1] then
  local cv = tonumber(cur[1])
  if cur[2] == ARGV[2] and cv == v then
    if cur[3] then return 'duplicate' end
    return 'replay'
  end
  if v <= cv then return 'stale' end
end
redis.call('HSET', KEYS[1], 'version', ARGV[1], 'webhookId', ARGV[2], 'snapshot', ARGV[3],
  'step:conference', ARGV[4], 'step:calendar', ARGV[4], 'step:email', ARGV[4])
redis.call('HDEL', KEYS[1], 'enqueuedAt')
return 'accepted'
`;

const MARK_ENQUEUED_SCRIPT = `
if redis.call('HGET', KEYS[1], 'version') ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'enqueuedAt', ARGV[2])
return 1
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

  const getSnapshot = async (bookingId: string): Promise<BookingSnapshot | null> => {
    const raw = await redis.hget(keyOf(bookingId), 'snapshot');
    return raw === null ? null : BookingSnapshot.parse(JSON.parse(raw));
  };

  return {
    accept: async (snapshot, webhookId) => {
      const at = now().toISOString();
      const outcome = await redis.eval(
        ACCEPT_SCRIPT,
        1,
        keyOf(snapshot.bookingId),
        String(snapshot.version),
        webhookId,
        JSON.stringify(snapshot),
        JSON.stringify(pendingStep(snapshot.version, at)),
      );
      return outcome as AcceptOutcome;
    },

    markEnqueued: async (bookingId, version) => {
      await redis.eval(MARK_ENQUEUED_SCRIPT, 1, keyOf(bookingId), String(version), now().toISOString());
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
      return BookingStatus.parse({
        ...JSON.parse(fields['snapshot']),
        meeting: record?.meeting ?? null,
        steps,
        meetingEvents,
        meetingAlert: unresolvedAlert(meetingEvents, record, steps.conference),
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
      await redis.hset(keyOf(bookingId), 'meeting', JSON.stringify(parsed));
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
