// The conference step's processor and hand-on as a pair, with in-memory ports: the hand-on names
// the meeting its run recorded, and reads the record only when no run came before it.
import { meetingFingerprint } from '@meetlink/events';
import type { MeetingDetails, MeetingIntent, MeetingRecord } from '@meetlink/events';
import { sampleBooking, sampleSnapshot } from '@meetlink/fakes';
import type { ConferenceProvider } from '@meetlink/ports';
import { createConferenceStep } from './reconcile-meeting';
import type { HandOnDeps, ReconcileMeetingDeps } from './reconcile-meeting';

const meetingFor = (id: string): MeetingDetails => ({
  provider: 'zoom',
  id,
  hostMemberId: 'mem_ada',
  hostUserId: 'ada@example.com',
  topic: 'Intro call',
  startTime: '2031-05-04T08:30:00Z',
  durationMinutes: 30,
  timezone: 'Europe/Berlin',
  joinUrl: `https://zoom.us/j/${id}?pwd=x`,
  passcode: 'Zx81kQ2mPw',
  dialIn: [],
  agenda: '',
});

/** A booking store in memory that counts how often the meeting record is read. */
const memoryStore = () => {
  const meetings = new Map<string, MeetingRecord>();
  const intents = new Map<string, MeetingIntent>();
  let meetingReads = 0;
  const store: ReconcileMeetingDeps['store'] & HandOnDeps['store'] = {
    getMeeting: (bookingId) => {
      meetingReads += 1;
      return Promise.resolve(meetings.get(bookingId) ?? null);
    },
    setMeeting: (bookingId, record) => {
      if (record) meetings.set(bookingId, record);
      else meetings.delete(bookingId);
      intents.delete(bookingId);
      return Promise.resolve();
    },
    getMeetingIntent: (bookingId) => Promise.resolve(intents.get(bookingId) ?? null),
    setMeetingIntent: (bookingId, intent) => {
      if (intent) intents.set(bookingId, intent);
      else intents.delete(bookingId);
      return Promise.resolve();
    },
  };
  return { store, meetings, meetingReads: () => meetingReads };
};

const fakeProvider = (created: MeetingDetails): ConferenceProvider => ({
  createMeeting: () => Promise.resolve(created),
  updateMeeting: () => Promise.reject(new Error('not expected')),
  getMeeting: () => Promise.resolve(null),
  deleteMeeting: () => Promise.resolve(),
  findMeetingByMarker: () => Promise.resolve(null),
});

const setUp = () => {
  const memory = memoryStore();
  const jobIds: string[] = [];
  const queue = {
    add: (_job: unknown, options?: { jobId?: string }) => {
      jobIds.push(options?.jobId ?? '');
      return Promise.resolve(undefined as never);
    },
  };
  const step = createConferenceStep({ store: memory.store, calendarQueue: queue, emailQueue: queue });
  return { ...memory, jobIds, step };
};

describe('createConferenceStep', () => {
  it('hands on the meeting its run just recorded, without reading the record back', async () => {
    const { store, meetings, meetingReads, jobIds, step } = setUp();
    const snapshot = sampleSnapshot(sampleBooking({ bookingId: 'bk_pair' }));
    const meeting = meetingFor('85746065432');
    const deps = { provider: fakeProvider(meeting), store, cleanUpLater: () => Promise.resolve() };

    expect(await step.process(snapshot, deps)).toMatchObject({ state: 'done' });
    await step.next(snapshot);

    const expected = `bk_pair-v1-m85746065432-${meetingFingerprint(meeting)}`;
    expect(jobIds).toEqual([expected, expected]);
    expect(meetings.get('bk_pair')?.meeting).toEqual(meeting);
    // The one read is the run's own, before it created the meeting.
    expect(meetingReads()).toBe(1);
  });

  it('reads the record when no run of its own came before the hand-on (a step failed for good)', async () => {
    const { store, meetingReads, jobIds, step } = setUp();
    const snapshot = sampleSnapshot(sampleBooking({ bookingId: 'bk_failed' }));
    await step.next(snapshot);
    const meeting = meetingFor('85746065433');
    await store.setMeeting('bk_failed', {
      meeting,
      host: { memberId: 'mem_ada', email: 'ada@example.com' },
      bookingVersion: 1,
      updatedAt: new Date().toISOString(),
    });
    await step.next(snapshot);

    expect(jobIds).toEqual([
      'bk_failed-v1-mnone',
      'bk_failed-v1-mnone',
      `bk_failed-v1-m85746065433-${meetingFingerprint(meeting)}`,
      `bk_failed-v1-m85746065433-${meetingFingerprint(meeting)}`,
    ]);
    expect(meetingReads()).toBe(2);
  });
});
