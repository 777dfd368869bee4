// A valid sample booking and its event, for tests, the demo script, sandbox mode and benchmarks.
import type { Booking, BookingEvent, BookingSnapshot, CanceledBooking } from '@meetlink/events';
import { EventType } from '@meetlink/events';

export interface SampleBookingOptions {
  bookingId: string;
  version?: number;
  /** Start of the booking; the sample lasts 30 minutes. */
  startsAt?: Date;
  calendar?: Booking['calendar'];
}

export const sampleBooking = ({
  bookingId,
  version = 1,
  startsAt = new Date(Date.now() + 3 * 24 * 3600_000),
  calendar,
}: SampleBookingOptions): Booking => {
  const start = new Date(Math.ceil(startsAt.getTime() / 60_000) * 60_000);
  return {
    bookingId,
    version,
    service: {
      id: 'svc_intro_call',
      name: 'Intro call',
      durationMinutes: 30,
      location: {
        kind: 'video_conference',
        provider: 'zoom',
        instructions: 'Join from a quiet place; the link works in the browser too.',
      },
    },
    host: { memberId: 'mem_ada', name: 'Ada Host', email: 'ada@example.com', timezone: 'Europe/Berlin' },
    customer: {
      name: 'Grace Customer',
      email: 'grace@example.org',
      timezone: 'America/New_York',
      locale: 'en-US',
    },
    startsAt: start.toISOString(),
    endsAt: new Date(start.getTime() + 30 * 60_000).toISOString(),
    ...(calendar ? { calendar } : {}),
    reminderOffsetsMinutes: [24 * 60, 60],
  };
};

export const sampleEvent = (
  booking: CanceledBooking,
  type: BookingEvent['type'] = EventType.created,
  id = `evt_${booking.bookingId}_v${booking.version}`,
): BookingEvent => ({ id, type, occurredAt: new Date().toISOString(), data: booking });

export interface SampleSnapshotOptions {
  type?: BookingSnapshot['eventType'];
  /** Defaults to `evt_<bookingId>_<version>`. */
  eventId?: string;
  /** Defaults to now. */
  receivedAt?: string;
}

/** A booking version as the intake stores it: the snapshot handed to the store's accept. */
export const sampleSnapshot = (
  booking: CanceledBooking,
  { type = EventType.created, eventId, receivedAt = new Date().toISOString() }: SampleSnapshotOptions = {},
): BookingSnapshot => ({
  bookingId: booking.bookingId,
  version: booking.version,
  eventId: eventId ?? `evt_${booking.bookingId}_${booking.version}`,
  eventType: type,
  isCanceled: type === EventType.canceled,
  booking,
  receivedAt,
});
