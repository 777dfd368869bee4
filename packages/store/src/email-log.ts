// Which emails a booking has been sent, so a retried or replayed job never sends one twice. Each record
// also goes into the booking's timeline, in the same script.
import { luaScript } from '@meetlink/redis';
import { z } from 'zod';
import {
  DEFAULT_TIMELINE_RETENTION,
  encodeEntry,
  FOLLOW_BOOKING_LUA,
  PUSH_TIMELINE_LUA,
  retentionArgs,
  timelineKey,
} from './timeline';
import type { BookingLogOptions } from './timeline';

export const SentEmail = z.object({
  messageId: z.string(),
  sentAt: z.string(),
  kind: z.string(),
  /** The meeting whose join details it carried; null when it went out without one. */
  meetingId: z.string().nullable(),
  /** Those join details' fingerprint (meetingFingerprint): what the customer holds since this email. */
  meetingFingerprint: z.string().nullable().optional(),
  /** The ICS SEQUENCE it carried, if it carried an invitation. */
  sequence: z.number().int().optional(),
});
export type SentEmail = z.infer<typeof SentEmail>;

export interface EmailLog {
  /** The record for `key` (e.g. `confirmation`, `rescheduled-v3`), or null if never sent. */
  get(bookingId: string, key: string): Promise<SentEmail | null>;
  list(bookingId: string): Promise<Record<string, SentEmail>>;
  record(bookingId: string, key: string, sent: SentEmail): Promise<void>;
}

// Same hash tag as the booking, so both live in one Redis Cluster slot.
export const emailLogKey = (prefix: string, bookingId: string): string =>
  `${prefix}:booking:{${bookingId}}:emails`;

// KEYS[3], the booking hash: the log expires with it (accept moves both on a reschedule).
const RECORD_SCRIPT = luaScript(`${PUSH_TIMELINE_LUA}${FOLLOW_BOOKING_LUA}
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
followBooking(KEYS[1], KEYS[3], ARGV[5])
pushTimeline(KEYS[2], { ARGV[3] }, ARGV[4], ARGV[5])
return 1
`);

export const createRedisEmailLog = ({
  redis,
  prefix,
  timeline = DEFAULT_TIMELINE_RETENTION,
}: BookingLogOptions): EmailLog => {
  const keyOf = (bookingId: string): string => emailLogKey(prefix, bookingId);
  return {
    get: async (bookingId, key) => {
      const raw = await redis.hget(keyOf(bookingId), key);
      return raw === null ? null : SentEmail.parse(JSON.parse(raw));
    },
    list: async (bookingId) => {
      const all = await redis.hgetall(keyOf(bookingId));
      return Object.fromEntries(Object.entries(all).map(([k, v]) => [k, SentEmail.parse(JSON.parse(v))]));
    },
    record: async (bookingId, key, sent) => {
      const entry = encodeEntry({
        kind: 'email',
        at: sent.sentAt,
        action: 'sent',
        email: sent.kind,
        key,
        messageId: sent.messageId,
        meetingId: sent.meetingId,
        reason: null,
      });
      await RECORD_SCRIPT.run(
        redis,
        [keyOf(bookingId), timelineKey(prefix, bookingId), `${prefix}:booking:{${bookingId}}`],
        [key, JSON.stringify(sent), entry, ...retentionArgs(timeline)],
      );
    },
  };
};
