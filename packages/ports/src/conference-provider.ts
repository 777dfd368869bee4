// The port the conference worker converges meetings through; @meetlink/zoom implements it.
import type { MeetingDetails } from '@meetlink/events';
import type { HostRef } from './host-ref';

export interface MeetingSpec {
  topic: string;
  /** ISO 8601. */
  startTime: string;
  /** IANA, e.g. 'Europe/Berlin'. */
  timezone: string;
  durationMinutes: number;
  agenda: string;
  /** Unique per booking, e.g. 'meetlink-booking:bk_123'; must be findable later. */
  marker: string;
}

export interface ConferenceProvider {
  /**
   * Creates a scheduled meeting with a passcode generated for the host's rules. When the vendor
   * refuses the passcode (the rules changed since they were read), reads the rules again and tries
   * once more; a second refusal is PermanentError('passcode_policy_unsatisfiable').
   */
  createMeeting(host: HostRef, spec: MeetingSpec): Promise<MeetingDetails>;
  /** PATCH then GET; the join link and passcode stay the same. Gone → PermanentError('zoom_meeting_not_found'). */
  updateMeeting(host: HostRef, meetingId: string, spec: MeetingSpec): Promise<MeetingDetails>;
  /** Null when the meeting is gone. */
  getMeeting(host: HostRef, meetingId: string): Promise<MeetingDetails | null>;
  /** A meeting that is already gone is fine. */
  deleteMeeting(host: HostRef, meetingId: string): Promise<void>;
  /**
   * Searches every scheduled meeting of the host (upcoming, live, and past but unexpired) for the
   * marker; the oldest match if there are several. A list too long to read to its end is
   * RetryableError('zoom_meeting_list_too_long'), never null.
   */
  findMeetingByMarker(host: HostRef, marker: string): Promise<MeetingDetails | null>;
}
