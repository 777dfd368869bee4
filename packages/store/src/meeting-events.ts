// Provider reports about a booking's meetings (Zoom's meeting.deleted / meeting.updated), kept with
// the booking (same hash tag) so its status can show them, newest first, the last 50. The same report
// delivered twice (Zoom retries with a fresh signature) is recorded once.
import { luaScript } from '@meetlink/redis';
import { MeetingEvent } from '@meetlink/events';
import { DEFAULT_TIMELINE_RETENTION, FOLLOW_BOOKING_LUA } from './timeline';
import type { BookingLogOptions } from './timeline';

export const MEETING_EVENTS_KEPT = 50;
/** How long a report's dedupe mark lives: longer than Zoom's retries (up to a few hours). */
const DEDUPE_TTL_SECONDS = 7 * 24 * 3600;

export const meetingEventsKey = (prefix: string, bookingId: string): string =>
  `${prefix}:booking:{${bookingId}}:meeting-events`;

/** meeting id → booking id, written whenever a booking records its meeting (see setMeeting). */
export const meetingIndexKey = (prefix: string, provider: string, meetingId: string): string =>
  `${prefix}:meeting-booking:${provider}:${meetingId}`;

// KEYS[3], the booking hash: the reports expire with it (accept moves both on a reschedule).
const RECORD_SCRIPT = luaScript(`${FOLLOW_BOOKING_LUA}
if redis.call('SET', KEYS[2], '1', 'EX', ARGV[2], 'NX') == false then return 0 end
redis.call('LPUSH', KEYS[1], ARGV[1])
redis.call('LTRIM', KEYS[1], 0, tonumber(ARGV[3]) - 1)
followBooking(KEYS[1], KEYS[3], ARGV[4])
return 1
`);

export interface MeetingEventLog {
  /** The booking that owns (or once owned) the meeting, if the pipeline recorded it. */
  findBookingByMeeting(provider: 'zoom', meetingId: string): Promise<string | null>;
  /** Records the report once per `dedupeKey`; 'duplicate' when it was already there. */
  record(bookingId: string, event: MeetingEvent, dedupeKey: string): Promise<'recorded' | 'duplicate'>;
  list(bookingId: string): Promise<MeetingEvent[]>;
}

export const parseMeetingEvents = (raw: readonly string[]): MeetingEvent[] =>
  raw.flatMap((item) => {
    const parsed = MeetingEvent.safeParse(JSON.parse(item));
    return parsed.success ? [parsed.data] : [];
  });

export const createRedisMeetingEventLog = ({
  redis,
  prefix,
  timeline = DEFAULT_TIMELINE_RETENTION,
}: BookingLogOptions): MeetingEventLog => ({
  findBookingByMeeting: (provider, meetingId) => redis.get(meetingIndexKey(prefix, provider, meetingId)),

  record: async (bookingId, event, dedupeKey) => {
    const applied = await RECORD_SCRIPT.run(
      redis,
      [
        meetingEventsKey(prefix, bookingId),
        `${prefix}:booking:{${bookingId}}:meeting-event-seen:${dedupeKey}`,
        `${prefix}:booking:{${bookingId}}`,
      ],
      [
        JSON.stringify(MeetingEvent.parse(event)),
        String(DEDUPE_TTL_SECONDS),
        String(MEETING_EVENTS_KEPT),
        String(timeline.keepAfterEndMs),
      ],
    );
    return applied === 1 ? 'recorded' : 'duplicate';
  },

  list: async (bookingId) =>
    parseMeetingEvents(await redis.lrange(meetingEventsKey(prefix, bookingId), 0, -1)),
});
