// The port the reconciler needs from a video-meeting vendor; packages/zoom implements it.
import type { MeetingDetails } from '@meetlink/events';

export interface HostRef {
  memberId: string;
  email: string;
}

export interface MeetingSpec {
  topic: string;
  /** ISO 8601. */
  startTime: string;
  /** IANA zone the meeting is shown in. */
  timezone: string;
  durationMinutes: number;
  agenda: string;
  /** Unique per booking and carried on the meeting, so a retry can find a meeting it made. */
  marker: string;
}

export interface ConferenceProvider {
  createMeeting(host: HostRef, spec: MeetingSpec): Promise<MeetingDetails>;
  updateMeeting(host: HostRef, meetingId: string, spec: MeetingSpec): Promise<MeetingDetails>;
  /** null when the meeting is gone. */
  getMeeting(host: HostRef, meetingId: string): Promise<MeetingDetails | null>;
  /** Resolves when the meeting is gone, including when it already was. */
  deleteMeeting(host: HostRef, meetingId: string): Promise<void>;
  findMeetingByMarker(host: HostRef, marker: string): Promise<MeetingDetails | null>;
}
