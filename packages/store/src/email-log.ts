// Which emails a booking has been sent, so a retried or replayed job never sends one twice.
import type { Redis } from 'ioredis';
import { z } from 'zod';

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

export const createRedisEmailLog = ({ redis, prefix }: { redis: Redis; prefix: string }): EmailLog => {
  // Same hash tag as the booking, so both live in one Redis Cluster slot.
  const keyOf = (bookingId: string): string => `${prefix}:booking:{${bookingId}}:emails`;
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
      await redis.hset(keyOf(bookingId), key, JSON.stringify(sent));
    },
  };
};
