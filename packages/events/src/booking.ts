// The booking as the upstream booking system describes it, and the events that carry it.
import { z } from 'zod';

/**
 * Remembers the answers of an expensive check (building an Intl formatter costs far more than the
 * rest of a booking's validation, and every step validates the snapshot again). Bounded: names
 * outside the remembered set are checked afresh, never stored without limit.
 */
const remembered = (check: (value: string) => boolean, max = 2_000): ((value: string) => boolean) => {
  const answers = new Map<string, boolean>();
  return (value) => {
    const known = answers.get(value);
    if (known !== undefined) return known;
    const answer = check(value);
    if (answers.size < max) answers.set(value, answer);
    return answer;
  };
};

const isIanaTimeZone = remembered((value) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
});

const isLocale = remembered((value) => {
  try {
    return Intl.getCanonicalLocales(value).length === 1;
  } catch {
    return false;
  }
});

/** Booking ids become part of Redis keys and BullMQ job ids, which must not contain `:`. */
export const BookingId = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be 1-128 characters of A-Z, a-z, 0-9, "_" or "-"');
export type BookingId = z.infer<typeof BookingId>;

export const TimeZone = z.string().refine(isIanaTimeZone, { message: 'must be an IANA time zone name' });
export const Locale = z.string().refine(isLocale, { message: 'must be a BCP 47 language tag' });
export const OffsetDateTime = z.iso.datetime({ offset: true, local: false });

export const LocationKind = z.enum(['video_conference', 'in_person', 'phone', 'custom']);
export type LocationKind = z.infer<typeof LocationKind>;

export const ServiceLocation = z
  .object({
    kind: LocationKind,
    provider: z.literal('zoom').optional(),
    instructions: z.string().max(5000).optional(),
  })
  .refine((l) => l.kind !== 'video_conference' || l.provider !== undefined, {
    message: 'is required when kind is video_conference',
    path: ['provider'],
  })
  .refine((l) => l.kind === 'video_conference' || l.provider === undefined, {
    message: 'is only allowed when kind is video_conference',
    path: ['provider'],
  });
export type ServiceLocation = z.infer<typeof ServiceLocation>;

export const Service = z.object({
  id: z.string().min(1).max(128),
  name: z.string().min(1).max(200),
  durationMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  location: ServiceLocation,
});
export type Service = z.infer<typeof Service>;

export const Host = z.object({
  memberId: z.string().min(1).max(128),
  name: z.string().min(1).max(200),
  email: z.email(),
  timezone: TimeZone,
});
export type Host = z.infer<typeof Host>;

export const Customer = z.object({
  name: z.string().min(1).max(200),
  email: z.email(),
  timezone: TimeZone,
  locale: Locale,
});
export type Customer = z.infer<typeof Customer>;

export const CalendarRef = z.discriminatedUnion('provider', [
  z.object({
    provider: z.literal('google'),
    calendarId: z.string().min(1).max(512),
    eventId: z.string().min(1).max(1024),
  }),
  z.object({
    provider: z.literal('outlook'),
    userId: z.string().min(1).max(512),
    eventId: z.string().min(1).max(1024),
  }),
]);
export type CalendarRef = z.infer<typeof CalendarRef>;

const bookingShape = {
  bookingId: BookingId,
  version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
  service: Service,
  host: Host,
  customer: Customer,
  startsAt: OffsetDateTime,
  endsAt: OffsetDateTime,
  calendar: CalendarRef.optional(),
  reminderOffsetsMinutes: z
    .array(
      z
        .number()
        .int()
        .min(1)
        .max(60 * 24 * 30),
    )
    .max(10)
    .refine((offsets) => new Set(offsets).size === offsets.length, { message: 'must not repeat an offset' })
    .optional(),
};

/** The shortest booking we make a meeting for; anything shorter is an upstream mistake. */
export const MIN_BOOKING_DURATION_MS = 60_000;

const endsAfterStart = (b: { startsAt: string; endsAt: string }): boolean =>
  Date.parse(b.endsAt) - Date.parse(b.startsAt) >= MIN_BOOKING_DURATION_MS;
const endsAfterStartIssue = { message: 'must be at least 1 minute after startsAt', path: ['endsAt'] };

export const Booking = z.object(bookingShape).refine(endsAfterStart, endsAfterStartIssue);
export type Booking = z.infer<typeof Booking>;

export const CanceledBooking = z
  .object({ ...bookingShape, reason: z.string().max(2000).optional() })
  .refine(endsAfterStart, endsAfterStartIssue);
export type CanceledBooking = z.infer<typeof CanceledBooking>;

export const EventType = {
  created: 'booking.created',
  rescheduled: 'booking.rescheduled',
  canceled: 'booking.canceled',
} as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

const envelopeShape = {
  id: z.string().min(1).max(256),
  occurredAt: OffsetDateTime,
};

export const BookingCreated = z.object({
  ...envelopeShape,
  type: z.literal(EventType.created),
  data: Booking,
});
export type BookingCreated = z.infer<typeof BookingCreated>;

export const BookingRescheduled = z.object({
  ...envelopeShape,
  type: z.literal(EventType.rescheduled),
  data: Booking,
});
export type BookingRescheduled = z.infer<typeof BookingRescheduled>;

export const BookingCanceled = z.object({
  ...envelopeShape,
  type: z.literal(EventType.canceled),
  data: CanceledBooking,
});
export type BookingCanceled = z.infer<typeof BookingCanceled>;

/** Every event the intake API accepts at `POST /v1/events`. */
export const BookingEvent = z.discriminatedUnion('type', [
  BookingCreated,
  BookingRescheduled,
  BookingCanceled,
]);
export type BookingEvent = z.infer<typeof BookingEvent>;
