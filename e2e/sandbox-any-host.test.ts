// A newcomer's own booking in the sandbox: hosts and calendar events nobody seeded still get their
// Zoom meeting, the join block in their Google or Outlook event, and the customer's email.
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import type { Booking, CalendarRef } from '@meetlink/events';
import { allStepsSettled, startPipeline } from './pipeline-harness';
import type { Pipeline } from './pipeline-harness';

jest.setTimeout(90_000);

const bookingFor = (bookingId: string, host: Booking['host'], calendar: CalendarRef): Booking => ({
  ...sampleBooking({ bookingId, calendar }),
  host,
});

describe('the sandbox with a host nobody seeded', () => {
  let pipeline: Pipeline;
  beforeAll(async () => (pipeline = await startPipeline(process.env['REDIS_URL']!)));
  afterAll(() => pipeline.stop());

  /** Sends the booking, waits until every step is done, and returns its Zoom meeting. */
  const meetingOnceDone = async (booking: Booking) => {
    expect((await pipeline.send(sampleEvent(booking))).status).toBe(202);
    const status = await pipeline.waitForStatus(booking.bookingId, allStepsSettled);
    expect(status.steps.conference).toMatchObject({ state: 'done', lastError: null });
    expect(status.steps.calendar).toMatchObject({ state: 'done', lastError: null });
    expect(status.steps.email).toMatchObject({ state: 'done', lastError: null });
    const meeting = pipeline.fakes.zoom!.meetings().find((m) => String(m.id) === status.meeting?.id);
    expect(meeting?.host_email).toBe(booking.host.email);
    return meeting!;
  };
  const emailsOf = (booking: Booking) =>
    pipeline.fakes.smtp!.messages().filter((m) => (m.messageId ?? '').includes(booking.bookingId));

  it("writes the join block into a Google event of grace@example.org's calendar that did not exist yet", async () => {
    const booking = bookingFor(
      'bk_any_host_google',
      { memberId: 'mem_grace', name: 'Grace Host', email: 'grace@example.org', timezone: 'Europe/London' },
      { provider: 'google', calendarId: 'grace@example.org', eventId: 'evt_grace_1' },
    );

    const meeting = await meetingOnceDone(booking);
    const event = pipeline.fakes.google!.getEvent('grace@example.org', 'evt_grace_1');
    expect(event?.description).toContain(meeting.join_url);
    expect(event?.description).toContain(meeting.password);
    const sent = emailsOf(booking);
    expect(sent.map((m) => m.to)).toEqual([[booking.customer.email]]);
    expect(sent[0]?.text).toContain(meeting.join_url);
  });

  it('writes the join block into an Outlook event of linus@example.net that did not exist yet', async () => {
    const eventId = 'AAMkADlinus-demo-event=';
    const booking = bookingFor(
      'bk_any_host_outlook',
      { memberId: 'mem_linus', name: 'Linus Host', email: 'linus@example.net', timezone: 'Europe/Helsinki' },
      { provider: 'outlook', userId: 'linus@example.net', eventId },
    );

    const meeting = await meetingOnceDone(booking);
    const event = pipeline.fakes.graph!.getEvent('linus@example.net', eventId);
    expect(event?.location.locationUri).toBe(meeting.join_url);
    expect(event?.body.content).toContain(meeting.password);
    expect(pipeline.fakes.graph!.teamsMeetingsCreated()).toEqual([]);
    const sent = emailsOf(booking);
    expect(sent.map((m) => m.to)).toEqual([[booking.customer.email]]);
  });
});
