// The booking's timeline: one append-only Redis list per booking (same hash tag as the booking), capped
// at its newest entries and expiring a while after the booking ends. Entries are appended inside the
// store's own scripts (accept, updateStep, setMeeting, the email log), so a fact costs no extra round
// trip; only what no other write carries is appended on its own (appendTimeline).
import { luaScript } from '@meetlink/redis';
import type { RedisClient } from '@meetlink/redis';
import { TimelineEntry } from '@meetlink/events';

/** What a log kept beside a booking (emails, meeting events) is built from. */
export interface BookingLogOptions {
  redis: RedisClient;
  prefix: string;
  /** The booking store's retention: the log expires with the booking. */
  timeline?: TimelineRetention;
}

export interface TimelineRetention {
  /** The newest this many entries are kept; older ones are trimmed on each append. */
  maxEntries: number;
  /**
   * The list expires this long after the booking's newest version ends. The one retention rule of a
   * booking: its hash, email log, meeting reports and index entries all follow it (BOOKING_RETENTION_DAYS).
   */
  keepAfterEndMs: number;
  /** A booking that ended long ago (an upstream backfill) is still kept this long; default a day. */
  minKeepMs?: number;
}

export const DEFAULT_TIMELINE_RETENTION: TimelineRetention = {
  maxEntries: 200,
  keepAfterEndMs: 30 * 24 * 3600_000,
};

const DAY_MS = 24 * 3600_000;
const MIN_TTL_MS = DAY_MS;

/** The default retention with BOOKING_RETENTION_DAYS in place of its 30 days. */
export const bookingRetentionOf = (days: number): TimelineRetention => ({
  ...DEFAULT_TIMELINE_RETENTION,
  keepAfterEndMs: days * DAY_MS,
});

export const timelineKey = (prefix: string, bookingId: string): string =>
  `${prefix}:booking:{${bookingId}}:timeline`;

/** When the timeline of a booking version that ends at `endsAt` expires (ms since the epoch). */
export const timelineExpiresAt = (endsAt: string, nowMs: number, retention: TimelineRetention): number => {
  const at = Date.parse(endsAt) + retention.keepAfterEndMs;
  const min = retention.minKeepMs ?? MIN_TTL_MS;
  return Number.isFinite(at) ? Math.max(at, nowMs + min) : nowMs + retention.keepAfterEndMs;
};

/**
 * Lua for a key written beside the booking hash (KEYS of the same hash tag) by a write that does not
 * know the booking's end: it expires with the hash, or after the fallback TTL when the hash has none
 * (gone already), so no booking key ever lives forever.
 */
export const FOLLOW_BOOKING_LUA = `
local function followBooking(key, bookingKey, fallbackMs)
  local ttl = redis.call('PTTL', bookingKey)
  if ttl > 0 then redis.call('PEXPIRE', key, ttl)
  elseif redis.call('PTTL', key) == -1 then redis.call('PEXPIRE', key, fallbackMs) end
end
`;

/**
 * Lua shared by the scripts that append: RPUSH, LTRIM to the cap, and an expiry for a list that has
 * none (accept sets the real one from the booking's end; a list created by any other write, e.g. after
 * the booking's own expired, still never lives forever).
 */
export const PUSH_TIMELINE_LUA = `
local function pushTimeline(key, entries, maxEntries, ttlMs)
  if #entries == 0 then return end
  redis.call('RPUSH', key, unpack(entries))
  redis.call('LTRIM', key, -tonumber(maxEntries), -1)
  if redis.call('PTTL', key) == -1 then redis.call('PEXPIRE', key, ttlMs) end
end
`;

export const APPEND_TIMELINE_SCRIPT = luaScript(`${PUSH_TIMELINE_LUA}
pushTimeline(KEYS[1], { unpack(ARGV, 3) }, ARGV[1], ARGV[2])
return 1
`);

/** The arguments every append passes after its own: the cap and the fallback TTL. */
export const retentionArgs = (retention: TimelineRetention): [string, string] => [
  String(retention.maxEntries),
  String(retention.keepAfterEndMs),
];

export const encodeEntry = (entry: TimelineEntry): string => JSON.stringify(TimelineEntry.parse(entry));

/**
 * The entry, checked whole (with placeholders for the fields in `scriptFills`), as JSON without those
 * fields and its closing brace: the script finishes it with what only it knows (an event's outcome, an
 * attempt's number). Concatenated there rather than decoded and re-encoded, since Redis's cjson writes
 * numbers with 14 significant digits and would round a large booking version.
 */
export const openEntry = (entry: TimelineEntry, scriptFills: readonly string[]): string => {
  const fields: Record<string, unknown> = { ...TimelineEntry.parse(entry) };
  for (const name of scriptFills) delete fields[name];
  return JSON.stringify(fields).slice(0, -1);
};

/**
 * Oldest first. Entries are appended in the order they reached Redis; the stable sort on `at` puts the
 * facts a step noted during an attempt (appended with the attempt's end) before what was appended
 * meanwhile (the email it sent). Entries that no longer parse are left out.
 */
export const parseTimeline = (raw: readonly string[]): TimelineEntry[] =>
  raw
    .flatMap((item) => {
      try {
        const parsed = TimelineEntry.safeParse(JSON.parse(item));
        return parsed.success ? [parsed.data] : [];
      } catch {
        return [];
      }
    })
    .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
