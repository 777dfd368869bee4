// The email step's deliveries, observed in the SMTP sink and the reminders queue.
import { EventType } from '@meetlink/events';
import type { Queue } from 'bullmq';
import { pollUntil } from '@meetlink/sandbox';
import { bookingAt, meetingFor, startEmailStep } from './harness';
import type { EmailStep } from './harness';

jest.setTimeout(60_000);

/** Until the job has run (completed, or already removed by the queue's retention). */
const waitUntilRun = (queue: Queue, jobId: string): Promise<unknown> =>
  pollUntil(
    () => queue.getJobState(jobId),
    (state) => state === 'completed' || state === 'unknown',
    { what: `job ${jobId} to run` },
  );

let step: EmailStep;
beforeEach(async () => {
  step = await startEmailStep();
});
afterEach(async () => {
  await step.close();
});

const reminderState = async (bookingId: string, offset: number) => {
  const job = await step.remindersQueue.queue.getJob(`${bookingId}-r${offset}`);
  if (!job) return null;
  // BullMQ keeps a delayed job's due time as its score in the delayed set (timestamp · 4096 + counter).
  const delayedKey = step.remindersQueue.queue.keys['delayed']!;
  const score = await step.redis.zscore(delayedKey, job.id!);
  return { state: await job.getState(), runsAt: score === null ? null : Math.floor(Number(score) / 4096) };
};

describe('booking emails', () => {
  it('sends one confirmation with HTML, text and an ICS request carrying the join details', async () => {
    step.startWorkers();
    await step.submit(bookingAt('bk_conf', 1, 72));
    const status = await step.waitForEmailStep('bk_conf', 1);
    expect(status.steps.email.state).toBe('done');
    const [mail] = step.sink.messages();
    expect(step.sink.messages()).toHaveLength(1);
    expect(mail!.to).toEqual(['grace@example.org']);
    expect(mail!.messageId).toBe('<bk_conf.confirmation@meetlink.test>');
    const meeting = meetingFor('bk_conf');
    expect(mail!.html).toContain(`https://zoom.us/j/${meeting.id}`);
    expect(mail!.text).toContain(meeting.passcode!);
    expect(mail!.text).toContain('812 3456 7890');
    const ics = mail!.attachments.find((a) => a.contentType.startsWith('text/calendar'));
    expect(ics?.content.toString()).toContain('METHOD:REQUEST');
  });

  it('sends nothing twice when the same change is replayed', async () => {
    step.startWorkers();
    await step.submit(bookingAt('bk_twice', 1, 72));
    await step.waitForEmailStep('bk_twice', 1);
    const replay = await step.emailQueue.add(
      { bookingId: 'bk_twice', version: 1 },
      { jobId: 'bk_twice-v1-replay' },
    );
    await waitUntilRun(step.emailQueue.queue, replay.id!);
    await step.waitForEmailStep('bk_twice', 1);
    expect(step.sink.messages()).toHaveLength(1);
  });

  it.each([
    {
      title: 'retries after the mail server said 451, and sends once',
      code: 451 as const,
      times: 2,
      settled: { state: 'done', attempts: 3, lastError: null },
      sent: 1,
    },
    {
      title: 'gives up at once when the mail server refuses for good (550)',
      code: 550 as const,
      times: 1,
      settled: { state: 'failed', attempts: 1, lastError: { code: 'smtp_rejected' } },
      sent: 0,
    },
  ])('$title', async ({ code, times, settled, sent }) => {
    step.sink.inject({ kind: 'reject', code, times });
    step.startWorkers();
    await step.submit(bookingAt(`bk_${code}`, 1, 72));
    const status = await step.waitForEmailStep(`bk_${code}`, 1);
    expect(status.steps.email).toMatchObject(settled);
    expect(step.sink.messages()).toHaveLength(sent);
  });

  it('sends a rescheduled email per reschedule and a cancellation without a join block', async () => {
    step.startWorkers();
    await step.submit(bookingAt('bk_life', 1, 72));
    await step.waitForEmailStep('bk_life', 1);
    await step.submit(bookingAt('bk_life', 2, 96), EventType.rescheduled);
    await step.waitForEmailStep('bk_life', 2);
    await step.submit(bookingAt('bk_life', 3, 96), EventType.canceled, null);
    await step.waitForEmailStep('bk_life', 3);
    const ids = step.sink.messages().map((m) => m.messageId);
    expect(ids).toEqual([
      '<bk_life.confirmation@meetlink.test>',
      '<bk_life.rescheduled-v2@meetlink.test>',
      '<bk_life.canceled@meetlink.test>',
    ]);
    const canceled = step.sink.messages()[2]!;
    expect(canceled.html).not.toContain('zoom.us/j/');
    expect(
      canceled.attachments.find((a) => a.contentType.startsWith('text/calendar'))?.content.toString(),
    ).toContain('METHOD:CANCEL');
  });

  it('confirms without a join block when there is no meeting, then sends the link once it exists', async () => {
    step.startWorkers();
    await step.submit(bookingAt('bk_late', 1, 72), EventType.created, null);
    const first = await step.waitForEmailStep('bk_late', 1);
    expect(first.steps.email.detail).toMatch(/without a join block/);
    expect(step.sink.messages()[0]!.html).not.toContain('zoom.us/j/');
    // The conference step succeeds later (ops retried it): the hand-off reaches email again.
    await step.store.setMeeting('bk_late', {
      meeting: meetingFor('bk_late'),
      host: { memberId: 'mem_ada', email: 'ada@example.com' },
      bookingVersion: 1,
      updatedAt: new Date().toISOString(),
    });
    await step.emailQueue.add({ bookingId: 'bk_late', version: 1 }, { jobId: 'bk_late-v1-m81234567890' });
    await step.sink.waitFor(
      (m) => /^<bk_late\.meeting_link-81234567890-[0-9a-f]{12}@meetlink\.test>$/.test(m.messageId ?? ''),
      10_000,
    );
    expect(step.sink.messages()).toHaveLength(2);
    expect(step.sink.messages()[1]!.subject).toMatch(/^Your meeting link: /);
  });

  it('tells the customer once when the meeting they hold was replaced, with a newer invitation', async () => {
    step.startWorkers();
    await step.submit(bookingAt('bk_swap', 1, 72));
    await step.waitForEmailStep('bk_swap', 1);
    // The host deleted the meeting in Zoom and the conference step made a new one.
    const replacement = meetingFor('bk_swap', '89990001112');
    await step.store.setMeeting('bk_swap', {
      meeting: replacement,
      host: { memberId: 'mem_ada', email: 'ada@example.com' },
      bookingVersion: 1,
      updatedAt: new Date().toISOString(),
    });
    await step.emailQueue.add({ bookingId: 'bk_swap', version: 1 }, { jobId: 'bk_swap-v1-m89990001112' });
    const changed = await step.sink.waitFor(
      (m) => (m.messageId ?? '').startsWith('<bk_swap.meeting_link-89990001112-'),
      10_000,
    );
    expect(changed.subject).toMatch(/^Your meeting link changed: /);
    expect(changed.text).toContain(replacement.joinUrl);
    const ics = (message: typeof changed) =>
      message.attachments.find((a) => a.contentType.startsWith('text/calendar'))!.content.toString();
    const [confirmation] = step.sink.messages();
    const uid = (text: string) => /UID:(.+)/.exec(text)?.[1]?.trim();
    const sequence = (text: string) => Number(/SEQUENCE:(\d+)/.exec(text)?.[1]);
    expect(uid(ics(changed))).toBe(uid(ics(confirmation!)));
    expect(sequence(ics(changed))).toBeGreaterThan(sequence(ics(confirmation!)));

    // The same hand-off again (a replayed job) sends nothing more.
    await step.emailQueue.add(
      { bookingId: 'bk_swap', version: 1 },
      { jobId: 'bk_swap-v1-m89990001112-again' },
    );
    await pollUntil(
      () => step.emailQueue.queue.getJobState('bk_swap-v1-m89990001112-again'),
      (state) => state === 'completed',
      { what: 'the replayed hand-off' },
    );
    expect(step.sink.messages().filter((m) => (m.messageId ?? '').includes('bk_swap'))).toHaveLength(2);
  });
});

describe('reminders', () => {
  it('schedules the default 24 h and 1 h reminders, moves them on a reschedule and removes them on a cancel', async () => {
    step.startWorkers();
    await step.submit(bookingAt('bk_rem', 1, 72));
    await step.waitForEmailStep('bk_rem', 1);
    const startsAt = Date.parse(bookingAt('bk_rem', 1, 72).startsAt);
    const day = await reminderState('bk_rem', 1440);
    expect(day?.state).toBe('delayed');
    expect(Math.abs(day!.runsAt! - (startsAt - 1440 * 60_000))).toBeLessThan(5_000);
    expect((await reminderState('bk_rem', 60))?.state).toBe('delayed');

    await step.submit(bookingAt('bk_rem', 2, 120), EventType.rescheduled);
    await step.waitForEmailStep('bk_rem', 2);
    const moved = await reminderState('bk_rem', 1440);
    expect(
      Math.abs(moved!.runsAt! - (Date.parse(bookingAt('bk_rem', 2, 120).startsAt) - 1440 * 60_000)),
    ).toBeLessThan(5_000);

    await step.submit(bookingAt('bk_rem', 3, 120), EventType.canceled, null);
    await step.waitForEmailStep('bk_rem', 3);
    expect(await reminderState('bk_rem', 1440)).toBeNull();
    expect(await reminderState('bk_rem', 60)).toBeNull();
  });

  it('skips a reminder whose time has already passed when the booking is made', async () => {
    step.startWorkers();
    await step.submit(bookingAt('bk_soon', 1, 2)); // starts in 2 h: the 24 h reminder is already past
    const status = await step.waitForEmailStep('bk_soon', 1);
    expect(await reminderState('bk_soon', 1440)).toBeNull();
    expect((await reminderState('bk_soon', 60))?.state).toBe('delayed');
    expect(status.steps.email.detail).toMatch(/skipped \(already past\) 1440/);
  });

  it('sends a due reminder with the newest link, once, and nothing once the booking is canceled', async () => {
    step.startWorkers();
    // A 30 min reminder for a booking 30-31 min away is due within the next minute or so; the
    // meeting changes meanwhile, and the reminder must carry the new one. Promote it instead of waiting.
    await step.submit(bookingAt('bk_fire', 1, 30.2 / 60, [30]));
    await step.waitForEmailStep('bk_fire', 1);
    await step.store.setMeeting('bk_fire', {
      meeting: meetingFor('bk_fire', '89999999999'),
      host: { memberId: 'mem_ada', email: 'ada@example.com' },
      bookingVersion: 1,
      updatedAt: new Date().toISOString(),
    });
    const job = await step.remindersQueue.queue.getJob('bk_fire-r30');
    await job!.promote();
    const reminder = await step.sink.waitFor((m) => (m.messageId ?? '').includes('reminder-30'), 10_000);
    expect(reminder.html).toContain('https://zoom.us/j/89999999999');
    const again = await step.remindersQueue.add(
      { bookingId: 'bk_fire', offsetMinutes: 30 },
      { jobId: 'bk_fire-r30-again' },
    );
    await waitUntilRun(step.remindersQueue.queue, again.id!);
    expect(step.sink.messages().filter((m) => (m.messageId ?? '').includes('reminder'))).toHaveLength(1);

    // Canceled meanwhile: a reminder that still fires sends nothing.
    await step.submit(bookingAt('bk_fire', 2, 30.2 / 60, [30]), EventType.canceled, null);
    await step.waitForEmailStep('bk_fire', 2);
    const before = step.sink.messages().length;
    const late = await step.remindersQueue.add(
      { bookingId: 'bk_fire', offsetMinutes: 30 },
      { jobId: 'bk_fire-r30-late' },
    );
    await pollUntil(
      () => late.getState(),
      (state) => state === 'completed',
      {
        timeoutMs: 10_000,
        what: 'the late reminder',
      },
    );
    expect(step.sink.messages()).toHaveLength(before);
    expect(step.sink.messages().at(-1)?.messageId).toBe('<bk_fire.canceled@meetlink.test>');
  });
});
