// What the video provider told us about a meeting a booking owns (a host deleted or changed it in
// Zoom), as recorded with the booking and shown in its status so ops and the reconciler see it.
import { z } from 'zod';

export const MeetingEventKind = z.enum(['meeting.deleted', 'meeting.updated']);
export type MeetingEventKind = z.infer<typeof MeetingEventKind>;

/** A field someone changed outside the pipeline. Passcodes are never copied: only that one changed. */
export const MeetingFieldChange = z.object({
  field: z.enum(['start_time', 'duration', 'topic', 'timezone', 'passcode', 'join_url']),
  from: z.union([z.string(), z.number()]).nullable(),
  to: z.union([z.string(), z.number()]).nullable(),
});
export type MeetingFieldChange = z.infer<typeof MeetingFieldChange>;

export const MeetingEventOutcome = z.enum([
  /** It deleted or changed the booking's current meeting: a conference job was queued to re-converge. */
  'reconcile_queued',
  /** It concerned the current meeting but matches what we recorded (most likely our own update). */
  'no_change_to_booking',
  /** It concerned a meeting the booking no longer has (most likely our own delete or move). */
  'not_current_meeting',
]);
export type MeetingEventOutcome = z.infer<typeof MeetingEventOutcome>;

export const MeetingEvent = z.object({
  provider: z.literal('zoom'),
  event: MeetingEventKind,
  meetingId: z.string(),
  /** When the provider says it happened (ISO 8601). */
  occurredAt: z.string(),
  receivedAt: z.string(),
  /** Who did it, as the provider names them (an email for Zoom), where given. */
  operator: z.string().nullable(),
  changes: z.array(MeetingFieldChange),
  outcome: MeetingEventOutcome,
});
export type MeetingEvent = z.infer<typeof MeetingEvent>;
