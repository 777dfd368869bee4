// The port the calendar worker depends on: put the join details into the organizer's calendar event,
// and take them out again. @meetlink/calendar's Google and Outlook adapters implement it.
import type { CalendarRef, DialInNumber } from '@meetlink/events';
import type { HostRef } from './host-ref';

/** What the join block shows, taken from the booking's Zoom meeting. */
export interface JoinDetails {
  topic: string;
  joinUrl: string;
  /** Zoom's numeric meeting id. */
  meetingId: string;
  passcode: string | null;
  /** Dial-in numbers, where Zoom gave them. */
  dialIn: DialInNumber[];
  /** The service's own instructions for the meeting, if any. */
  instructions?: string;
  /** ISO 8601 with offset. */
  startsAt: string;
  endsAt: string;
  /** The host's IANA time zone, for the times shown in the block. */
  timezone: string;
}

/** `unchanged`: the event already carried this very block and location, so nothing was written. */
export type ApplyResult = 'patched' | 'unchanged';

/** `event_gone`: the event was deleted (404/410 or cancelled); nothing left to clean. */
export type RemoveResult = 'removed' | 'unchanged' | 'event_gone';

export interface CalendarProvider {
  /**
   * Writes the join block into the event (replacing an earlier one, never appending a second) and
   * points its location at the join URL. Idempotent: a second call with the same details writes
   * nothing and answers `unchanged`.
   */
  applyJoinBlock(ref: CalendarRef, host: HostRef, details: JoinDetails): Promise<ApplyResult>;
  /**
   * Takes the join block out of the event and clears the location if it is ours (equal to `joinUrl`,
   * or to the join URL in the block when `joinUrl` is null). 404/410 → `event_gone`.
   */
  removeJoinBlock(ref: CalendarRef, host: HostRef, joinUrl: string | null): Promise<RemoveResult>;
}
