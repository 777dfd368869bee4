// The calendar step as it runs in production (real queue worker, the Google and Outlook adapters, Redis)
// against the fake Google Calendar and Microsoft Graph: what ends up in the organizer's event.
import { sampleBooking } from '@meetlink/fakes';
import type { Worker } from 'bullmq';
import { createGoogleCalendarProvider, createOutlookCalendarProvider } from '@meetlink/calendar';
import { createGoogleTokenSource, createMicrosoftTokenSource } from '@meetlink/connections';
import { EventType } from '@meetlink/events';
import type {
  Booking,
  BookingStatus,
  CalendarRef,
  EventType as EventTypeName,
  MeetingDetails,
} from '@meetlink/events';
import { startFakeGoogleCalendar, startFakeGraph } from '@meetlink/fakes';
import type { FakeGoogleCalendar, FakeGraph } from '@meetlink/fakes';
import { createLogger } from '@meetlink/observability';
import { createQueue, createStepWorker } from '@meetlink/queue';
import { openStepRedis, storeBookingWithMeeting, waitForStep } from '../../../test-support/step-harness';
import { patchCalendarEvent } from '../src/patch-calendar-event';

jest.setTimeout(60_000);

const APP = { tenantId: 'tenant-1', clientId: 'graph-client', clientSecret: 'graph-secret' };
const HOST = 'ada@example.com';
const meeting: MeetingDetails = {
  provider: 'zoom',
  id: '81234567890',
  hostMemberId: 'mem_ada',
  hostUserId: HOST,
  topic: 'Intro call with Grace Customer',
  startTime: '2030-01-15T09:00:00Z',
  durationMinutes: 30,
  timezone: 'Europe/Berlin',
  joinUrl: 'https://zoom.us/j/81234567890?pwd=abc',
  passcode: 'Xy7pQ2rT9k',
  dialIn: [{ country: 'US', number: '+1 646 558 8656', type: 'toll' }],
};

let google: FakeGoogleCalendar;
let graph: FakeGraph;
let worker: Worker;
const corner = openStepRedis('tcal');
const { store, context } = corner;
const calendarQueue = createQueue('calendar', context);

beforeAll(async () => {
  google = await startFakeGoogleCalendar();
  google.addUser({ email: HOST });
  const serviceAccount = google.addServiceAccount();
  graph = await startFakeGraph();
  graph.addApp(APP);
  graph.addUser({ id: 'ada-id', userPrincipalName: HOST, tenantId: APP.tenantId });
  const providers = {
    google: createGoogleCalendarProvider({
      rootUrl: google.rootUrl,
      tokens: createGoogleTokenSource({
        tokenUrl: google.tokenUrl,
        serviceAccount: {
          client_email: serviceAccount.client_email,
          private_key: serviceAccount.private_key!,
        },
      }),
    }),
    outlook: createOutlookCalendarProvider({
      graphBaseUrl: graph.baseUrl,
      tokens: createMicrosoftTokenSource({ authorityHost: graph.authorityHost, ...APP }),
    }),
  };
  worker = createStepWorker({
    step: 'calendar',
    store,
    logger: createLogger({ name: 'calendar-test', level: 'silent' }),
    process: (snapshot) => patchCalendarEvent(snapshot, { providers, store }),
    ...context,
    workerOptions: { settings: { backoffStrategy: () => 50 } },
  });
});
afterAll(async () => {
  await worker.close();
  await corner.cleanUp([calendarQueue]);
  await google.close();
  await graph.close();
});

const submit = async (booking: Booking, type: EventTypeName = EventType.created, withMeeting = true) => {
  await storeBookingWithMeeting(corner, booking, {
    type,
    meeting: withMeeting ? meeting : null,
    host: { memberId: 'mem_ada', email: HOST },
  });
  await calendarQueue.add({ bookingId: booking.bookingId, version: booking.version });
};

const waitForCalendar = (bookingId: string, version: number): Promise<BookingStatus> =>
  waitForStep(corner, 'calendar', bookingId, version, ['done', 'skipped', 'failed']);

const bookingWith = (
  bookingId: string,
  version: number,
  calendar: CalendarRef | undefined,
  startsInDays = 3,
): Booking =>
  sampleBooking({
    bookingId,
    version,
    calendar,
    startsAt: new Date(Date.now() + startsInDays * 24 * 3600_000),
  });

describe('Google Calendar', () => {
  it('writes the join block and location, refreshes it on a reschedule, and takes it out on a cancel', async () => {
    const event = google.seedEvent(HOST, {
      summary: 'Intro call',
      description: 'Notes from the booking system.',
    });
    const ref: CalendarRef = { provider: 'google', calendarId: HOST, eventId: event.id };
    await submit(bookingWith('bk_g', 1, ref));
    expect((await waitForCalendar('bk_g', 1)).steps.calendar.state).toBe('done');
    let stored = google.getEvent(HOST, event.id)!;
    expect(stored.location).toBe(meeting.joinUrl);
    expect(stored.description).toContain('Notes from the booking system.');
    expect(stored.description).toContain('812 3456 7890');

    await submit(bookingWith('bk_g', 2, ref, 5), EventType.rescheduled);
    await waitForCalendar('bk_g', 2);
    stored = google.getEvent(HOST, event.id)!;
    expect(stored.description!.match(/zoom\.us\/j\/81234567890/g)?.length).toBeGreaterThanOrEqual(1);
    expect(stored.description!.split('Notes from the booking system.').length).toBe(2);

    await submit(bookingWith('bk_g', 3, ref, 5), EventType.canceled, false);
    expect((await waitForCalendar('bk_g', 3)).steps.calendar.detail).toMatch(/join block removed/);
    stored = google.getEvent(HOST, event.id)!;
    expect(stored.description).not.toContain('zoom.us/j/');
    expect(stored.description).toContain('Notes from the booking system.');
    expect(stored.location ?? '').toBe('');
  });
});

describe('Outlook', () => {
  it('writes location and HTML body, never a Teams meeting, and removes them on a cancel', async () => {
    const event = graph.seedEvent(HOST, {
      subject: 'Intro call',
      body: { contentType: 'html', content: '<p>Host notes</p>' },
    });
    const ref: CalendarRef = { provider: 'outlook', userId: HOST, eventId: event.id };
    const booking = bookingWith('bk_o', 1, ref);
    booking.service.location.instructions = 'Bring <script>alert(1)</script> & questions';
    await submit(booking);
    expect((await waitForCalendar('bk_o', 1)).steps.calendar.state).toBe('done');
    let stored = graph.getEvent(HOST, event.id)!;
    expect(stored.location?.locationUri).toBe(meeting.joinUrl);
    expect(stored.body?.content).toContain('Host notes');
    expect(stored.body?.content).not.toContain('<script>');
    expect(stored.body?.content).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(graph.teamsMeetingsCreated()).toEqual([]);

    await submit(bookingWith('bk_o', 2, ref), EventType.canceled, false);
    await waitForCalendar('bk_o', 2);
    stored = graph.getEvent(HOST, event.id)!;
    expect(stored.body?.content).not.toContain('zoom.us/j/');
    expect(stored.body?.content).toContain('Host notes');
  });
});

describe('plain answers', () => {
  it('skips a booking without a calendar reference and says so', async () => {
    await submit(bookingWith('bk_none', 1, undefined));
    expect((await waitForCalendar('bk_none', 1)).steps.calendar).toMatchObject({
      state: 'skipped',
      detail: 'booking has no calendar reference',
    });
  });

  it('fails at once when the host cannot be reached with any credential', async () => {
    const ref: CalendarRef = { provider: 'outlook', userId: 'stranger@example.com', eventId: 'nope' };
    const booking = bookingWith('bk_stranger', 1, ref);
    booking.host = { ...booking.host, memberId: 'mem_x', email: 'stranger@example.com' };
    await submit(booking);
    const status = await waitForCalendar('bk_stranger', 1);
    expect(status.steps.calendar).toMatchObject({ state: 'failed', attempts: 1 });
    expect(status.steps.calendar.lastError?.retryable).toBe(false);
  });

  it('leaves a deleted event alone on a cancel', async () => {
    const event = google.seedEvent(HOST, { summary: 'Gone soon' });
    const ref: CalendarRef = { provider: 'google', calendarId: HOST, eventId: event.id };
    google.deleteEvent(HOST, event.id, { purge: true });
    await submit(bookingWith('bk_gone', 1, ref), EventType.canceled, false);
    expect((await waitForCalendar('bk_gone', 1)).steps.calendar.detail).toMatch(/event already gone/);
  });
});
