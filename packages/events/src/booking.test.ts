import { BookingEvent } from './booking';
import type { Booking } from './booking';

// The contract's tests depend on nothing of ours: a booking written out here (the test kit in
// packages/fakes has the shared fixtures for everyone else).
// Spread into each booking: some tests change a booking's location in place.
const VIDEO: Booking['service']['location'] = {
  kind: 'video_conference',
  provider: 'zoom',
  instructions: 'Join from a quiet place.',
};
const GRACE = { name: 'Grace Customer', email: 'grace@example.org', timezone: 'America/New_York' };
const sampleBooking = ({
  bookingId,
  calendar,
}: {
  bookingId: string;
  calendar?: Booking['calendar'];
}): Booking => ({
  bookingId,
  version: 1,
  startsAt: '2030-01-15T09:00:00.000Z',
  endsAt: '2030-01-15T09:30:00.000Z',
  service: { id: 'svc_intro_call', name: 'Intro call', durationMinutes: 30, location: { ...VIDEO } },
  host: { memberId: 'mem_ada', name: 'Ada Host', email: 'ada@example.com', timezone: 'Europe/Berlin' },
  customer: { ...GRACE, locale: 'en-US' },
  ...(calendar ? { calendar } : {}),
  reminderOffsetsMinutes: [24 * 60, 60],
});
const sampleEvent = (booking: Booking): BookingEvent => ({
  id: `evt_${booking.bookingId}`,
  type: 'booking.created',
  occurredAt: '2030-01-01T00:00:00.000Z',
  data: booking,
});

const valid = () => sampleEvent(sampleBooking({ bookingId: 'bk_1' }));

const issuePaths = (input: unknown): string[] => {
  const result = BookingEvent.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => i.path.join('.'));
};

describe('BookingEvent', () => {
  it('accepts a created, a rescheduled and a canceled booking', () => {
    const created = valid();
    expect(BookingEvent.parse(created)).toEqual(created);
    expect(BookingEvent.safeParse({ ...created, type: 'booking.rescheduled' }).success).toBe(true);
    const canceled = { ...created, type: 'booking.canceled', data: { ...created.data, reason: 'sick' } };
    expect(BookingEvent.safeParse(canceled).success).toBe(true);
  });

  it('accepts google and outlook calendar references', () => {
    const google = sampleBooking({
      bookingId: 'bk_g',
      calendar: { provider: 'google', calendarId: 'primary', eventId: 'e1' },
    });
    const outlook = sampleBooking({
      bookingId: 'bk_o',
      calendar: { provider: 'outlook', userId: 'u@x.com', eventId: 'AAMk=' },
    });
    expect(BookingEvent.safeParse(sampleEvent(google)).success).toBe(true);
    expect(BookingEvent.safeParse(sampleEvent(outlook)).success).toBe(true);
  });

  it('rejects an unknown event type', () => {
    expect(issuePaths({ ...valid(), type: 'booking.exploded' })).toEqual(['type']);
  });

  it('rejects an end that is not after the start', () => {
    const event = valid();
    event.data.endsAt = event.data.startsAt;
    expect(issuePaths(event)).toEqual(['data.endsAt']);
  });

  it('rejects a booking shorter than a minute, created or canceled, and accepts exactly one minute', () => {
    const event = valid();
    const start = Date.parse(event.data.startsAt);
    event.data.endsAt = new Date(start + 59_999).toISOString();
    const result = BookingEvent.safeParse(event);
    expect(result.success ? [] : result.error.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['data.endsAt', 'must be at least 1 minute after startsAt'],
    ]);
    const canceled = { ...event, type: 'booking.canceled', data: { ...event.data, reason: 'typo' } };
    expect(issuePaths(canceled)).toEqual(['data.endsAt']);
    event.data.endsAt = new Date(start + 60_000).toISOString();
    expect(BookingEvent.safeParse(event).success).toBe(true);
  });

  it('rejects times without an offset', () => {
    const event = valid();
    event.data.startsAt = '2026-12-01T10:00:00';
    expect(issuePaths(event)).toContain('data.startsAt');
  });

  it('names every failing field', () => {
    const event = valid() as unknown as { data: Record<string, unknown> };
    event.data['host'] = { memberId: '', name: 'x', email: 'not-an-email', timezone: 'Mars/Olympus' };
    event.data['version'] = 1.5;
    expect(issuePaths(event).sort()).toEqual([
      'data.host.email',
      'data.host.memberId',
      'data.host.timezone',
      'data.version',
    ]);
  });

  it('requires the provider of a video conference and refuses one elsewhere', () => {
    const event = valid();
    delete event.data.service.location.provider;
    expect(issuePaths(event)).toEqual(['data.service.location.provider']);
    const inPerson = valid();
    inPerson.data.service.location.kind = 'in_person';
    expect(issuePaths(inPerson)).toEqual(['data.service.location.provider']);
  });

  it('refuses booking ids that cannot be a job id', () => {
    const event = valid();
    event.data.bookingId = 'bk:1';
    expect(issuePaths(event)).toEqual(['data.bookingId']);
  });

  it('refuses a bad locale and repeated reminder offsets', () => {
    const event = valid();
    event.data.customer.locale = 'not a locale!';
    event.data.reminderOffsetsMinutes = [60, 60];
    expect(issuePaths(event).sort()).toEqual(['data.customer.locale', 'data.reminderOffsetsMinutes']);
  });
});
