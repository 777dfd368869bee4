// A booking's timeline, end to end: made (through one transient Zoom failure), moved and canceled by
// the real apps as processes, then told by GET /v1/bookings/:bookingId in order, oldest first.
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { BookingStatusWithTimeline, EventType } from '@meetlink/events';
import type { TimelineEntry } from '@meetlink/events';
import { SANDBOX_CALENDAR_EVENTS } from '@meetlink/sandbox';
import { ADMIN_TOKEN, allStepsSettled, startPipeline } from './pipeline-harness';
import type { Pipeline } from './pipeline-harness';

jest.setTimeout(90_000);

/** One line per entry, as a reader of the timeline would sum it up. */
const summaryOf = (entry: TimelineEntry): string => {
  switch (entry.kind) {
    case 'event':
      return `event v${entry.version} ${entry.eventType} ${entry.outcome}`;
    case 'attempt':
      return `${entry.step} v${entry.version} #${entry.attempt} ${entry.outcome}${entry.error ? ` ${entry.error.code}` : ''}`;
    case 'meeting':
      return `meeting ${entry.action}`;
    case 'calendar':
      return `calendar ${entry.action}`;
    case 'email':
      return `email ${entry.email} ${entry.action}`;
    case 'reminder':
      return `reminder ${entry.offsetMinutes} ${entry.action}`;
  }
};

/** Whether `wanted` appears in `lines` in this order (other lines may come between). */
const isInOrder = (lines: readonly string[], wanted: readonly string[]): boolean => {
  let at = 0;
  for (const line of lines) if (line === wanted[at]) at += 1;
  return at === wanted.length;
};

describe('the booking timeline, end to end', () => {
  let pipeline: Pipeline;
  beforeAll(async () => {
    pipeline = await startPipeline(process.env['REDIS_URL']!, {
      // Quick retries; the hand-on without a meeting stays far off, so only the meeting's own runs.
      env: { RETRY_MAX_BACKOFF_MS: '300', MEETING_WAIT_MS: '600000' },
    });
  });
  afterAll(() => pipeline.stop());

  it('tells the events, the retried attempt, the meeting, the calendar patch, the emails and the reminders', async () => {
    const bookingId = 'bk_e2e_story';
    const calendar = { ...SANDBOX_CALENDAR_EVENTS.google };
    const at = (days: number) => new Date(Date.now() + days * 24 * 3600_000);
    const booking = (version: number, days: number) =>
      sampleBooking({ bookingId, version, calendar, startsAt: at(days) });

    pipeline.fakes.zoom!.inject({ kind: 'status', status: 503, times: 1 });
    expect((await pipeline.send(sampleEvent(booking(1, 3)), 'msg_story_1')).status).toBe(202);
    const created = await pipeline.waitForStatus(bookingId, allStepsSettled);
    expect(created.steps.conference).toMatchObject({ state: 'done', attempts: 2 });
    const meetingId = created.meeting!.id;

    await pipeline.send(sampleEvent(booking(2, 5), EventType.rescheduled), 'msg_story_2');
    await pipeline.waitForStatus(bookingId, (s) => s.version === 2 && allStepsSettled(s));
    await pipeline.send(sampleEvent(booking(3, 5), EventType.canceled), 'msg_story_3');
    await pipeline.waitForStatus(bookingId, (s) => s.version === 3 && allStepsSettled(s));

    const res = await fetch(`${pipeline.url}/v1/bookings/${bookingId}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    const { timeline, ...status } = BookingStatusWithTimeline.parse(await res.json());
    expect(status).toMatchObject({ version: 3, isCanceled: true, meeting: null });
    const lines = timeline.map(summaryOf);

    // Each version's entries come after its event and before the next one's.
    const events = timeline.flatMap((entry, i) => (entry.kind === 'event' ? [i] : []));
    expect(lines.filter((line) => line.startsWith('event'))).toEqual([
      'event v1 booking.created accepted',
      'event v2 booking.rescheduled accepted',
      'event v3 booking.canceled accepted',
    ]);
    const [v1, v2, v3] = [
      lines.slice(events[0]! + 1, events[1]),
      lines.slice(events[1]! + 1, events[2]),
      lines.slice(events[2]! + 1),
    ];
    // Calendar and email run side by side once the meeting is in (the conference step hands on just
    // before it records its own end), so each chain is checked in its own order.
    const chains = {
      v1: [
        ['conference v1 #1 retrying zoom_unavailable', 'meeting created', 'conference v1 #2 done'],
        ['meeting created', 'calendar written', 'calendar v1 #1 done'],
        ['meeting created', 'reminder 1440 scheduled', 'email confirmation sent', 'email v1 #1 done'],
        ['reminder 60 scheduled', 'email confirmation sent'],
      ],
      v2: [
        ['meeting updated', 'conference v2 #1 done'],
        ['meeting updated', 'calendar written', 'calendar v2 #1 done'],
        ['meeting updated', 'reminder 1440 moved', 'email rescheduled sent', 'email v2 #1 done'],
        ['reminder 60 moved', 'email rescheduled sent'],
      ],
      v3: [
        ['meeting deleted', 'conference v3 #1 skipped'],
        ['meeting deleted', 'calendar removed', 'calendar v3 #1 done'],
        ['meeting deleted', 'reminder 1440 canceled', 'email canceled sent', 'email v3 #1 done'],
        ['reminder 60 canceled', 'email canceled sent'],
      ],
    };
    for (const [version, segment] of Object.entries({ v1, v2, v3 })) {
      for (const chain of chains[version as keyof typeof chains]) {
        // The segment rides along so that a failure prints it.
        expect({ chain, inOrder: isInOrder(segment, chain), segment }).toEqual({
          chain,
          inOrder: true,
          segment,
        });
      }
    }
    // Nothing more than that: no second email, no stray attempt.
    expect({ counts: [v1.length, v2.length, v3.length], lines }).toEqual({ counts: [9, 8, 8], lines });

    const retried = timeline.find((e) => e.kind === 'attempt' && e.outcome === 'retrying');
    expect(retried).toMatchObject({
      step: 'conference',
      attempt: 1,
      error: { code: 'zoom_unavailable', retryable: true },
      retryInMs: expect.any(Number) as unknown,
    });
    for (const entry of timeline) {
      if (entry.kind === 'attempt') expect(entry.durationMs).toBeGreaterThanOrEqual(0);
      if (entry.kind === 'meeting') expect(entry.meetingId).toBe(meetingId);
    }
    expect(timeline.find((e) => e.kind === 'calendar' && e.action === 'written')).toMatchObject({
      provider: 'google',
      eventId: calendar.eventId,
      meetingId,
    });
    expect(timeline.find((e) => e.kind === 'reminder' && e.action === 'canceled')).toMatchObject({
      reason: 'booking canceled',
    });

    // What the customer joins with never goes into the story.
    const raw = JSON.stringify(timeline);
    expect(raw).not.toContain(created.meeting!.joinUrl);
    expect(raw).not.toContain('zoom.us/j/');
    expect(created.meeting!.passcode).toBeTruthy();
    expect(raw).not.toContain(created.meeting!.passcode);
  });
});
