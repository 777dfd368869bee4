// What a drill asked of the pipeline: each booking's newest version as sent, and the traffic that
// made it (create, reschedule, cancel), with a calendar event of its own in the fake Google or Outlook.
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { EventType } from '@meetlink/events';
import type { Booking, BookingEvent, CalendarRef } from '@meetlink/events';
import { pollUntil, SANDBOX_CALENDAR_EVENTS } from '@meetlink/sandbox';
import type { Pipeline } from '../pipeline-harness';

export interface LedgerEntry {
  bookingId: string;
  /** The newest version sent. */
  booking: Booking;
  isCanceled: boolean;
  isVideo: boolean;
  calendar: CalendarRef | null;
}

export type CalendarChoice = 'google' | 'outlook' | null;

export interface NewBooking {
  calendar?: CalendarChoice;
  /** Default true; false: an in-person booking, which needs no meeting. */
  isVideo?: boolean;
}

export interface Ledger {
  entries(): LedgerEntry[];
  entry(bookingId: string): LedgerEntry;
  create(options?: NewBooking): Promise<string>;
  /** A new version one day later. */
  reschedule(bookingId: string): Promise<void>;
  cancel(bookingId: string): Promise<void>;
}

/** Calendars by turn: Google, Outlook, none. */
export const calendarByTurn = (i: number): CalendarChoice =>
  (['google', 'outlook', null] as const)[i % 3] ?? null;

const DAY_MS = 24 * 3_600_000;
/** How long a drill keeps offering an event while the intake is down or answers 503 (Redis away). */
const SEND_TIMEOUT_MS = 60_000;

/**
 * Sends until the intake has stored it: while the intake is killed (connection refused) or Redis is
 * away (503), an upstream system retries the same delivery, so the webhook id stays the same.
 */
export const sendUntilStored = async (pipeline: Pipeline, event: BookingEvent): Promise<void> => {
  const webhookId = `msg_${event.id}`;
  await pollUntil(
    () =>
      pipeline.send(event, webhookId).then(
        (res) => res.status,
        () => 0,
      ),
    (status) => {
      if (status >= 400 && status < 500) throw new Error(`the intake refused ${event.id} with ${status}`);
      return status === 202 || status === 200;
    },
    { timeoutMs: SEND_TIMEOUT_MS, everyMs: 200, what: `the intake storing ${event.id}` },
  );
};

export const createLedger = (pipeline: Pipeline, tag: string): Ledger => {
  const entries = new Map<string, LedgerEntry>();
  const startedAt = Date.now();

  const seedCalendarEvent = (choice: CalendarChoice, booking: Booking): CalendarRef | null => {
    const start = { dateTime: booking.startsAt, timeZone: 'UTC' };
    const end = { dateTime: booking.endsAt, timeZone: 'UTC' };
    if (choice === 'google') {
      const { calendarId } = SANDBOX_CALENDAR_EVENTS.google;
      const event = pipeline.fakes.google!.seedEvent(calendarId, {
        summary: `Intro call ${booking.bookingId}`,
        description: 'Agenda written by the booking system.',
        start,
        end,
      });
      return { provider: 'google', calendarId, eventId: event.id };
    }
    if (choice === 'outlook') {
      const { userId } = SANDBOX_CALENDAR_EVENTS.outlook;
      const event = pipeline.fakes.graph!.seedEvent(userId, {
        subject: `Intro call ${booking.bookingId}`,
        body: { contentType: 'html', content: '<p>Agenda written by the booking system.</p>' },
        start,
        end,
      });
      return { provider: 'outlook', userId, eventId: event.id };
    }
    return null;
  };

  const entry = (bookingId: string): LedgerEntry => {
    const found = entries.get(bookingId);
    if (!found) throw new Error(`the drill made no booking ${bookingId}`);
    return found;
  };

  return {
    entries: () => [...entries.values()],
    entry,
    create: async ({ calendar = null, isVideo = true } = {}) => {
      const n = entries.size + 1;
      const bookingId = `bk_${tag}_${String(n).padStart(2, '0')}`;
      const base = sampleBooking({ bookingId, startsAt: new Date(startedAt + 3 * DAY_MS + n * 3_600_000) });
      const draft: Booking = {
        ...base,
        // One customer per booking, so "the customer's newest email" means this booking's.
        customer: { ...base.customer, email: `${bookingId}@customers.example.org` },
        service: isVideo
          ? base.service
          : { ...base.service, location: { kind: 'in_person', instructions: 'Reception, 2nd floor.' } },
      };
      const ref = seedCalendarEvent(calendar, draft);
      const booking: Booking = ref ? { ...draft, calendar: ref } : draft;
      entries.set(bookingId, { bookingId, booking, isCanceled: false, isVideo, calendar: ref });
      await sendUntilStored(pipeline, sampleEvent(booking));
      return bookingId;
    },
    reschedule: async (bookingId) => {
      const current = entry(bookingId);
      const shift = (iso: string) => new Date(Date.parse(iso) + DAY_MS).toISOString();
      const booking: Booking = {
        ...current.booking,
        version: current.booking.version + 1,
        startsAt: shift(current.booking.startsAt),
        endsAt: shift(current.booking.endsAt),
      };
      entries.set(bookingId, { ...current, booking });
      await sendUntilStored(pipeline, sampleEvent(booking, EventType.rescheduled));
    },
    cancel: async (bookingId) => {
      const current = entry(bookingId);
      const booking: Booking = { ...current.booking, version: current.booking.version + 1 };
      entries.set(bookingId, { ...current, booking, isCanceled: true });
      await sendUntilStored(pipeline, sampleEvent({ ...booking, reason: 'drill' }, EventType.canceled));
    },
  };
};
