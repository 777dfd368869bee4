// What the email worker asks the renderer for, and what it gets back.
import type { Booking, CanceledBooking, MeetingDetails } from '@meetlink/events';
import type { IcsMethod } from '@meetlink/ports';

export const EMAIL_KINDS = ['confirmation', 'rescheduled', 'canceled', 'reminder', 'meeting_link'] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

export interface EmailInput {
  kind: EmailKind;
  booking: Booking | CanceledBooking;
  /** The booking's meeting; null when there is none (in person, or the conference step failed for good). */
  meeting: MeetingDetails | null;
  /** Reminders: how long before the start this one goes out (one of `booking.reminderOffsetsMinutes`). */
  reminderOffsetMinutes?: number;
  /** Cancellations: why; defaults to the canceled booking's own `reason`. */
  reason?: string;
  /** Meeting-link emails: the customer was sent another link before (the meeting was re-created or moved). */
  isLinkChange?: boolean;
  /**
   * The ICS SEQUENCE at least: the sender passes one past every SEQUENCE it already sent, so a new
   * meeting within the same booking version still supersedes the invitation the customer holds.
   */
  sequence?: number;
  /** Reschedules: the times the customer had before, shown struck through when given. */
  previous?: { startsAt: string; endsAt: string };
}

export type { IcsMethod } from '@meetlink/ports';

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** The calendar invitation to send along (text/calendar with this method), or null for none. */
  ics: { method: IcsMethod; content: string; sequence: number } | null;
}
