// The video meeting a booking owns, as stored with the booking and handed to calendar and email.
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const DialInNumber = z.object({
  country: z.string(),
  countryName: z.string().optional(),
  city: z.string().optional(),
  number: z.string(),
  type: z.enum(['toll', 'tollfree']).optional(),
});
export type DialInNumber = z.infer<typeof DialInNumber>;

export const MeetingDetails = z.object({
  provider: z.literal('zoom'),
  /** Zoom's numeric meeting id, as a string. */
  id: z.string().regex(/^\d+$/),
  uuid: z.string().optional(),
  /** The member whose Zoom account hosts the meeting. */
  hostMemberId: z.string(),
  /** The Zoom user id or email the meeting was created under. */
  hostUserId: z.string(),
  topic: z.string(),
  /** ISO 8601, UTC. */
  startTime: z.string(),
  durationMinutes: z.number().int(),
  timezone: z.string(),
  joinUrl: z.url(),
  passcode: z.string().nullable(),
  /** Passcode for H.323/SIP room systems, where Zoom gave one. */
  h323Passcode: z.string().optional(),
  /** Numeric passcode for phone dial-in, where Zoom gave one. */
  pstnPasscode: z.string().optional(),
  dialIn: z.array(DialInNumber),
  /**
   * The meeting's agenda as the booking's instructions: Zoom's agenda without the booking marker
   * on its first line (and the blank line after it), line breaks as '\n', trimmed. Absent in
   * records stored before this field existed.
   */
  agenda: z.string().optional(),
});
export type MeetingDetails = z.infer<typeof MeetingDetails>;

/** The booking → meeting mapping, kept with the booking across versions. */
export const MeetingRecord = z.object({
  meeting: MeetingDetails,
  /** Who hosts it, so a host change can delete it on the old host's account. */
  host: z.object({ memberId: z.string(), email: z.string() }),
  /** The booking version the meeting was last reconciled with. */
  bookingVersion: z.number().int(),
  updatedAt: z.string(),
});
export type MeetingRecord = z.infer<typeof MeetingRecord>;

/** Zoom's own grouping: 11 digits as 3-4-4, 10 as 3-3-4, 9 as 3-3-3. */
export const formatMeetingId = (id: string): string => {
  const groups: Record<number, number[]> = { 9: [3, 3, 3], 10: [3, 3, 4], 11: [3, 4, 4] };
  const sizes = /^\d+$/.test(id) ? groups[id.length] : undefined;
  if (!sizes) return id;
  let at = 0;
  return sizes
    .map((size) => {
      const part = id.slice(at, at + size);
      at += size;
      return part;
    })
    .join(' ');
};

/**
 * What a person joins with (link, meeting id, passcodes), as a short digest: two meetings with the
 * same fingerprint need no new email or calendar block; a different one means the customer must hear.
 */
export const meetingFingerprint = (meeting: MeetingDetails): string =>
  createHash('sha256')
    .update(JSON.stringify([meeting.id, meeting.joinUrl, meeting.passcode, meeting.pstnPasscode ?? null]))
    .digest('hex')
    .slice(0, 12);
