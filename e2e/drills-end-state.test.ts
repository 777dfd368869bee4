// The drills' end-state check on hand-made worlds: it passes the wanted end state and names each way
// of missing it (no processes, no fakes: the check is a pure function).
import { sampleBooking } from '@meetlink/fakes';
import type { BookingStatus, StepStatus } from '@meetlink/events';
import type { FakeZoomMeeting, ParsedMessage } from '@meetlink/fakes';
import { checkEndState } from './drills/end-state';
import type { World } from './drills/end-state';
import type { LedgerEntry } from './drills/ledger';

const live = sampleBooking({ bookingId: 'bk_live', startsAt: new Date('2031-01-10T10:00:00Z') });
const gone = {
  ...sampleBooking({ bookingId: 'bk_gone', startsAt: new Date('2031-01-11T10:00:00Z') }),
  version: 2,
};
const joinUrl = 'https://zoom.us/j/111?pwd=abc';

const step = (version: number, state: StepStatus['state'] = 'done'): StepStatus => ({
  state,
  version,
  attempts: 1,
  lastError: state === 'failed' ? { code: 'zoom_unavailable', message: 'down', retryable: true } : null,
  detail: null,
  updatedAt: '',
  startedAt: null,
  finishedAt: null,
});

const status = (version: number, meeting: string | null, state: StepStatus['state'] = 'done') =>
  ({
    version,
    meeting: meeting ? { id: meeting.replace(/\D*(\d+).*/, '$1'), joinUrl: meeting } : null,
    steps: { conference: step(version, state), calendar: step(version), email: step(version) },
  }) as unknown as BookingStatus;

const zoomMeeting = (bookingId: string, id: number, startsAt: string) =>
  ({
    id,
    agenda: `meetlink-booking:${bookingId}\n\nJoin from a quiet place.`,
    join_url: `https://zoom.us/j/${id}?pwd=abc`,
    start_time: startsAt.replace(/\.\d{3}Z$/, 'Z'),
  }) as FakeZoomMeeting;

const email = (bookingId: string, key: string, text: string, to = bookingId) =>
  ({
    id: key,
    messageId: `<${bookingId}.${key}@meetlink.local>`,
    to: [to],
    text,
    html: null,
  }) as unknown as ParsedMessage;

const entries: LedgerEntry[] = [
  {
    bookingId: 'bk_live',
    booking: live,
    isCanceled: false,
    isVideo: true,
    calendar: { provider: 'google', calendarId: 'c', eventId: 'e' },
  },
  { bookingId: 'bk_gone', booking: gone, isCanceled: true, isVideo: true, calendar: null },
];

const goodWorld = (): World => ({
  bookings: entries.map((e) => ({
    ...e,
    booking: { ...e.booking, customer: { ...e.booking.customer, email: e.bookingId } },
  })),
  statuses: new Map([
    ['bk_live', status(1, joinUrl)],
    ['bk_gone', status(2, null)],
  ]),
  meetings: [zoomMeeting('bk_live', 111, live.startsAt)],
  messages: [
    email('bk_live', 'confirmation', `Join Zoom meeting\n${joinUrl}\n`),
    email('bk_gone', 'confirmation', 'Join Zoom meeting\nhttps://zoom.us/j/222?pwd=x\n'),
    email('bk_gone', 'canceled', 'Canceled.'),
  ],
  calendarTexts: new Map([['bk_live', `${joinUrl}\nJoin Zoom meeting ${joinUrl}`]]),
});

describe('the drills’ end-state check', () => {
  it('finds nothing wrong with the wanted end state', () => {
    expect(checkEndState(goodWorld())).toEqual({
      problems: [],
      counts: { bookings: 2, liveMeetings: 1, emailsSent: 3, duplicates: 0, failedSteps: 0 },
    });
  });

  it.each<[string, (w: World) => World, RegExp]>([
    [
      'a failed step',
      (w) => ({ ...w, statuses: new Map([...w.statuses, ['bk_live', status(1, joinUrl, 'failed')]]) }),
      /bk_live: conference failed: zoom_unavailable/,
    ],
    [
      'a step of an older version',
      (w) => ({ ...w, statuses: new Map([...w.statuses, ['bk_gone', status(1, null)]]) }),
      /bk_gone: status is at v1, newest sent is v2/,
    ],
    [
      'two meetings for one booking',
      (w) => ({ ...w, meetings: [...w.meetings, zoomMeeting('bk_live', 333, live.startsAt)] }),
      /bk_live: 2 live meetings in Zoom, want 1/,
    ],
    [
      'a meeting left for a canceled booking',
      (w) => ({ ...w, meetings: [...w.meetings, zoomMeeting('bk_gone', 222, gone.startsAt)] }),
      /bk_gone: 1 meeting\(s\) left in Zoom \(222\) for a canceled booking/,
    ],
    [
      'a meeting at the old time',
      (w) => ({ ...w, meetings: [zoomMeeting('bk_live', 111, '2031-01-09T10:00:00.000Z')] }),
      /bk_live: meeting 111 starts 2031-01-09T10:00:00Z/,
    ],
    [
      'the same Message-ID twice',
      (w) => ({ ...w, messages: [...w.messages, w.messages[0]!] }),
      /<bk_live.confirmation@meetlink.local> sent 2 times/,
    ],
    [
      'a newest link that is stale',
      (w) => ({
        ...w,
        messages: [
          ...w.messages,
          email('bk_live', 'rescheduled-v2', 'Join Zoom meeting\nhttps://zoom.us/j/999?pwd=x\n'),
        ],
      }),
      /newest email with a join URL \(rescheduled-v2\) links meeting 999, current is 111/,
    ],
    [
      'a canceled booking whose last email is not the cancellation',
      (w) => ({
        ...w,
        messages: [...w.messages, email('bk_gone', 'meeting_link-222', 'https://zoom.us/j/222')],
      }),
      /bk_gone: last email is meeting_link-222, want the cancellation/,
    ],
    [
      'a calendar event with the old link',
      (w) => ({ ...w, calendarTexts: new Map([['bk_live', 'https://zoom.us/j/999']]) }),
      /bk_live: google event links meeting 999, current is 111/,
    ],
    [
      'no email with a link',
      (w) => ({ ...w, messages: w.messages.slice(1) }),
      /bk_live: no email carries a join URL/,
    ],
  ])('names %s', (_, spoil, problem) => {
    const { problems } = checkEndState(spoil(goodWorld()));
    expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });
});
