// The conference step, observed where it matters: the meetings the fake Zoom holds, the requests it
// received, and the booking status.
import { EventType } from '@meetlink/events';
import { pollUntil } from '@meetlink/sandbox';
import { meetingMarker, meetingSpecFor } from '../src/reconcile-meeting';
import { startConferenceStep, videoBooking } from './harness';
import type { ConferenceStep } from './harness';

jest.setTimeout(60_000);

let step: ConferenceStep;
beforeEach(async () => {
  step = await startConferenceStep();
});
afterEach(async () => {
  await step.close();
});

/** Host `name` (member mem_<name>, <name>@example.com) as a Zoom user of the fake account. */
const zoomUserOf = (name: string) => ({ id: `zu_${name}`, email: `${name}@example.com`, accountId: 'acc_1' });
/** A video booking whose host is `name` (see zoomUserOf). */
const bookingHostedBy = (bookingId: string, name: string) => {
  const booking = videoBooking(bookingId);
  booking.host = { ...booking.host, memberId: `mem_${name}`, email: `${name}@example.com` };
  return booking;
};

const requestsTo = (method: string, pattern: RegExp) =>
  step.zoom.requests().filter((r) => r.method === method && pattern.test(r.path));

describe('the conference step against Zoom', () => {
  it('creates one meeting with a passcode and records it with the booking', async () => {
    step.startWorker();
    await step.submit(videoBooking('bk_create'));
    const status = await step.waitForConference('bk_create');
    expect(status.steps.conference).toMatchObject({ state: 'done', attempts: 1, lastError: null });
    const meetings = step.zoom.meetings();
    expect(meetings).toHaveLength(1);
    const [meeting] = meetings;
    expect(status.meeting).toMatchObject({
      id: String(meeting!.id),
      joinUrl: meeting!.join_url,
      passcode: meeting!.password,
    });
    expect(status.meeting?.passcode).toMatch(/^[A-Za-z0-9]{10}$/);
    expect(meeting!.topic).toBe('Intro call with Grace Customer');
    expect(meeting!.duration).toBe(30);
    // Handed on to calendar and email, once.
    expect(await step.calendarQueue.queue.getJobCountByTypes('waiting')).toBe(1);
    expect(await step.emailQueue.queue.getJobCountByTypes('waiting')).toBe(1);
  });

  it('moves the same meeting on a reschedule: same id and link, new start', async () => {
    step.startWorker();
    await step.submit(videoBooking('bk_move', 1));
    const before = (await step.waitForConference('bk_move')).meeting!;
    const later = new Date(Date.now() + 72 * 3600_000);
    await step.submit(videoBooking('bk_move', 2, later), EventType.rescheduled);
    const after = await step.waitForConference(
      'bk_move',
      (s) => s.version === 2 && s.steps.conference.state === 'done',
    );
    expect(after.meeting).toMatchObject({ id: before.id, joinUrl: before.joinUrl });
    expect(Date.parse(after.meeting!.startTime)).toBe(Math.ceil(later.getTime() / 60_000) * 60_000);
    expect(step.zoom.meetings()).toHaveLength(1);
    expect(requestsTo('PATCH', /\/meetings\/\d+$/)).toHaveLength(1);
  });

  it('deletes the meeting when the booking is canceled', async () => {
    step.startWorker();
    await step.submit(videoBooking('bk_cancel', 1));
    const { meeting } = await step.waitForConference('bk_cancel');
    await step.submit({ ...videoBooking('bk_cancel', 2) }, EventType.canceled);
    const status = await step.waitForConference(
      'bk_cancel',
      (s) =>
        s.version === 2 && s.steps.conference.state !== 'pending' && s.steps.conference.state !== 'running',
    );
    expect(status.steps.conference).toMatchObject({
      state: 'skipped',
      detail: 'booking is canceled: meeting deleted',
    });
    expect(status.meeting).toBeNull();
    expect(step.zoom.meetings()).toHaveLength(0);
    expect(step.zoom.deletedMeetings().map((m) => String(m.id))).toEqual([meeting!.id]);
  });

  it('moves the meeting to a new host: created on the new one at once, the old one deleted on its own', async () => {
    step.startWorker();
    await step.submit(videoBooking('bk_host', 1));
    const first = (await step.waitForConference('bk_host')).meeting!;
    const booking = videoBooking('bk_host', 2);
    booking.host = { ...booking.host, memberId: 'mem_bob', name: 'Bob', email: 'bob@example.com' };
    await step.submit(booking, EventType.rescheduled);
    const status = await step.waitForConference(
      'bk_host',
      (s) => s.version === 2 && s.steps.conference.state === 'done',
    );
    expect(status.meeting?.id).not.toBe(first.id);
    expect(status.meeting?.hostMemberId).toBe('mem_bob');
    // The old host's meeting waits for its own clean-up job, visibly.
    expect(status.meetingCleanups).toEqual([
      expect.objectContaining({ meetingId: first.id, hostMemberId: 'mem_ada', state: 'pending' }),
    ]);

    // Its first two deletes fail (Zoom 500); the clean-up retries on its own until the meeting is gone.
    step.zoom.inject({ kind: 'status', status: 500, times: 2, path: new RegExp(`/meetings/${first.id}$`) });
    step.startCleanupWorker();
    await pollUntil(
      () => step.store.getStatus('bk_host'),
      (s) => s !== null && s.meetingCleanups === undefined,
      { what: 'the old meeting clean-up' },
    );
    const live = step.zoom.meetings();
    expect(live).toHaveLength(1);
    expect(live[0]!.hostUserId).toBe('zu_bob');
    expect(step.zoom.deletedMeetings().map((m) => String(m.id))).toEqual([first.id]);
  });

  it('makes no list call on an ordinary create: the intent makes the search a recovery path', async () => {
    step.startWorker();
    await step.submit(videoBooking('bk_nolist'));
    await step.waitForConference('bk_nolist');
    expect(requestsTo('GET', /\/users\/.+\/meetings/)).toHaveLength(0);
    expect(requestsTo('POST', /\/users\/.+\/meetings$/)).toHaveLength(1);
    expect(await step.store.getMeetingIntent('bk_nolist')).toBeNull();
  });

  it('carries changed instructions into the meeting (PATCH), keeping its link', async () => {
    step.startWorker();
    await step.submit(videoBooking('bk_agenda', 1));
    const first = (await step.waitForConference('bk_agenda')).meeting!;
    const moved = videoBooking('bk_agenda', 2, new Date(first.startTime));
    moved.service.location = {
      kind: 'video_conference',
      provider: 'zoom',
      instructions: 'Bring the contract.',
    };
    await step.submit(moved, EventType.rescheduled);
    const status = await step.waitForConference(
      'bk_agenda',
      (s) => s.version === 2 && s.steps.conference.state === 'done',
    );
    expect(status.steps.conference.detail).toMatch(/updated/);
    expect(status.meeting?.joinUrl).toBe(first.joinUrl);
    expect(step.zoom.meetings()[0]!.agenda).toContain('Bring the contract.');
  });

  it('makes no meeting for an in-person booking and deletes one when a booking stops being video', async () => {
    step.startWorker();
    const inPerson = videoBooking('bk_room', 1);
    inPerson.service.location = { kind: 'in_person', instructions: 'Room 4' };
    await step.submit(inPerson);
    expect((await step.waitForConference('bk_room')).steps.conference).toMatchObject({
      state: 'skipped',
      detail: 'location is in_person: no meeting needed',
    });
    expect(step.zoom.meetings()).toHaveLength(0);

    await step.submit(videoBooking('bk_switch', 1));
    await step.waitForConference('bk_switch');
    const phone = videoBooking('bk_switch', 2);
    phone.service.location = { kind: 'phone' };
    await step.submit(phone, EventType.rescheduled);
    await step.waitForConference(
      'bk_switch',
      (s) => s.version === 2 && s.steps.conference.state === 'skipped',
    );
    expect(step.zoom.meetings()).toHaveLength(0);
  });

  it('treats a replayed job and an out-of-order older version as nothing to do', async () => {
    step.startWorker();
    await step.submit(videoBooking('bk_replay', 2));
    await step.waitForConference('bk_replay');
    // The same version again (a stalled job run twice), then an older version arriving late.
    await step.conferenceQueue.add({ bookingId: 'bk_replay', version: 2 }, { jobId: 'bk_replay-v2-again' });
    await step.conferenceQueue.add({ bookingId: 'bk_replay', version: 1 });
    await pollUntil(
      () => step.conferenceQueue.queue.getJobCountByTypes('completed'),
      (completed) => completed >= 3,
      { timeoutMs: 10_000, what: 'the replayed jobs' },
    );
    expect(step.zoom.meetings()).toHaveLength(1);
    expect(requestsTo('POST', /\/users\/.+\/meetings$/)).toHaveLength(1);
    expect(requestsTo('PATCH', /\/meetings\//)).toHaveLength(0);
  });
});

describe('the conference step under faults', () => {
  it('finds the meeting it made when the answer to the create was lost: still exactly one meeting', async () => {
    step.zoom.inject({ kind: 'drop_after_create', times: 1 });
    step.startWorker();
    await step.submit(videoBooking('bk_drop'));
    const status = await step.waitForConference('bk_drop');
    expect(status.steps.conference).toMatchObject({ state: 'done', attempts: 2 });
    expect(status.steps.conference.detail).toMatch(/adopted/);
    expect(step.zoom.meetings()).toHaveLength(1);
    expect(requestsTo('POST', /\/users\/.+\/meetings$/)).toHaveLength(1);
    expect(status.meeting?.id).toBe(String(step.zoom.meetings()[0]!.id));
  });

  it('finds the meeting when the worker died after Zoom answered but before the record was written', async () => {
    // The first run "dies" right after Zoom created the meeting: the record write never happens.
    const setMeeting = step.store.setMeeting.bind(step.store);
    let isFirst = true;
    step.store.setMeeting = async (bookingId, record) => {
      if (isFirst && record) {
        isFirst = false;
        throw new Error('process killed before the record was written');
      }
      return setMeeting(bookingId, record);
    };
    step.startWorker();
    await step.submit(videoBooking('bk_killed'));
    const status = await step.waitForConference('bk_killed');
    expect(status.steps.conference).toMatchObject({ state: 'done', attempts: 2 });
    expect(step.zoom.meetings()).toHaveLength(1);
    expect(requestsTo('POST', /\/users\/.+\/meetings$/)).toHaveLength(1);
  });

  it('deletes the orphan of a create that crashed before its record when the booking is canceled', async () => {
    const booking = videoBooking('bk_orphan_cancel', 1);
    const snapshot = {
      bookingId: booking.bookingId,
      version: 1,
      eventId: 'evt_1',
      eventType: EventType.created,
      isCanceled: false,
      booking,
      receivedAt: new Date().toISOString(),
    };
    // The crashed run's state: the intent recorded, the meeting made in Zoom, no record.
    const host = { memberId: booking.host.memberId, email: booking.host.email };
    await step.store.setMeetingIntent(booking.bookingId, {
      marker: meetingMarker(booking.bookingId),
      host,
      at: snapshot.receivedAt,
    });
    await step.provider.createMeeting(host, meetingSpecFor(snapshot));
    expect(step.zoom.meetings()).toHaveLength(1);

    step.startWorker();
    await step.submit({ ...booking, version: 2 }, EventType.canceled);
    const status = await step.waitForConference(
      'bk_orphan_cancel',
      (s) => s.version === 2 && s.steps.conference.state === 'skipped',
    );
    expect(status.steps.conference.detail).toBe('booking is canceled: meeting deleted');
    expect(step.zoom.meetings()).toHaveLength(0);
    expect(await step.store.getMeetingIntent('bk_orphan_cancel')).toBeNull();
  });

  it('lets calendar and email go ahead without the meeting while Zoom keeps failing, then hands on the meeting', async () => {
    await step.close();
    step = await startConferenceStep({ meetingWaitMs: 0 });
    step.zoom.inject({ kind: 'status', status: 503, times: 4 });
    step.startWorker();
    await step.submit(videoBooking('bk_late'));
    const status = await step.waitForConference('bk_late', (s) => s.steps.conference.state === 'done');
    const ids = (await step.emailQueue.queue.getJobs(['waiting', 'delayed', 'completed', 'active'])).map(
      (j) => j.id,
    );
    expect(ids).toEqual(
      expect.arrayContaining([
        'bk_late-v1-late',
        expect.stringMatching(new RegExp(`^bk_late-v1-m${status.meeting!.id}-`)),
      ]),
    );
    const calendarIds = (await step.calendarQueue.queue.getJobs(['waiting', 'delayed'])).map((j) => j.id);
    expect(calendarIds).toContain('bk_late-v1-late');
  });

  it('waits out a 429 storm: no request before Retry-After, one meeting, no attempt burnt', async () => {
    step.zoom.inject({ kind: 'rate_limit', type: 'QPS', times: 3, retryAfterSeconds: 1 });
    step.startWorker();
    await step.submit(videoBooking('bk_429'));
    const status = await step.waitForConference('bk_429', (s) => s.steps.conference.state === 'done');
    expect(step.zoom.meetings()).toHaveLength(1);
    const limited = step.zoom.requests().filter((r) => r.status === 429);
    expect(limited).toHaveLength(3);
    expect(step.zoom.requests().filter((r) => r.beforeRetryAfter)).toEqual([]);
    // The step's status is written just before BullMQ records the job's end: wait for that too.
    await pollUntil(
      () => step.conferenceQueue.queue.getJobState('bk_429-v1'),
      (state) => state === 'completed',
      { what: 'the conference job recorded as completed' },
    );
    const job = await step.conferenceQueue.queue.getJob('bk_429-v1');
    expect(job?.attemptsMade).toBe(1);
    expect(status.steps.conference.lastError).toBeNull();
  });

  it('retries a 5xx and then succeeds', async () => {
    step.zoom.inject({ kind: 'status', status: 503, times: 2 });
    step.startWorker();
    await step.submit(videoBooking('bk_503'));
    const status = await step.waitForConference('bk_503');
    expect(status.steps.conference).toMatchObject({ state: 'done', attempts: 3 });
    expect(step.zoom.meetings()).toHaveLength(1);
  });

  it('fails at once, naming the rule, when the account passcode rules cannot be met', async () => {
    step.zoom.addUser({
      ...zoomUserOf('strict'),
      passwordRequirement: { only_allow_numeric: true, have_letter: true },
    });
    step.startWorker();
    await step.submit(bookingHostedBy('bk_strict', 'strict'));
    const status = await step.waitForConference('bk_strict');
    expect(status.steps.conference).toMatchObject({ state: 'failed', attempts: 1 });
    expect(status.steps.conference.lastError).toMatchObject({
      code: 'passcode_policy_unsatisfiable',
      retryable: false,
    });
    expect(status.steps.conference.lastError?.message).toMatch(/only_allow_numeric/);
    expect(step.zoom.meetings()).toHaveLength(0);
    // Later steps still run: the confirmation goes out without a meeting.
    expect(await step.emailQueue.queue.getJob('bk_strict-v1-mnone')).toBeDefined();
  });

  it('meets a strict passcode policy: digits only, no runs', async () => {
    step.zoom.addUser({
      ...zoomUserOf('digits'),
      passwordRequirement: {
        length: 8,
        only_allow_numeric: true,
        consecutive_characters_length: 4,
        weak_enhance_detection: true,
      },
    });
    step.startWorker();
    await step.submit(bookingHostedBy('bk_digits', 'digits'));
    const status = await step.waitForConference('bk_digits');
    expect(status.steps.conference.state).toBe('done');
    expect(status.meeting?.passcode).toMatch(/^\d{8,10}$/);
  });

  it('fails at once when the host has no Zoom user in the account', async () => {
    step.startWorker();
    await step.submit(bookingHostedBy('bk_nouser', 'ghost'));
    const status = await step.waitForConference('bk_nouser');
    expect(status.steps.conference).toMatchObject({ state: 'failed', attempts: 1 });
    expect(status.steps.conference.lastError?.code).toBe('zoom_user_not_found');
  });
});
