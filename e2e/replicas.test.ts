// Three processes of each worker against one Redis, and every booking done once: one Zoom meeting, one
// join block in its calendar event, one email of each kind, one delayed reminder per offset. Then the
// same while replica 0 of each worker is SIGKILLed with jobs in flight: BullMQ's stalled-job recovery
// hands their jobs to the other replicas, and the end state is still exactly once, but for the crash
// window deliver-once.ts leaves open: an email the killed replica had handed to SMTP but not yet
// recorded arrives a second time, with the same Message-ID.
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { EventType, ReminderJob } from '@meetlink/events';
import type { Booking, BookingStatus } from '@meetlink/events';
import { createQueue } from '@meetlink/queue';
import { pollUntil, SANDBOX_CALENDAR_EVENTS, WORKER_APP_NAMES } from '@meetlink/sandbox';
import { allStepsSettled, startPipeline } from './pipeline-harness';
import type { Pipeline } from './pipeline-harness';
import { createRedisConnection } from '@meetlink/redis';

// A killed replica's active jobs wait for their lock to lapse (lockDuration 30 s, packages/queue) and
// then for a stalled-jobs check (BullMQ's stalledInterval, 30 s) to see them twice: up to ~90 s.
jest.setTimeout(240_000);
const SETTLE_TIMEOUT_MS = 150_000;

const BOOKINGS = 40;
const REPLICAS = { 'conference-worker': 3, 'calendar-worker': 3, 'email-worker': 3 } as const;
/** The opening line of the block @meetlink/calendar writes into an event (join-block.ts). */
const JOIN_BLOCK_START = '-- Zoom meeting details (meetlink) --';
const REMINDER_OFFSETS = [24 * 60, 60];

type Fate = 'kept' | 'rescheduled' | 'canceled';
interface Planned {
  bookingId: string;
  fate: Fate;
  booking: Booking;
  /** Where a reschedule or cancellation moves it (version 2). */
  movedTo: string;
}

const at = (days: number, minutes: number) => new Date(Date.now() + days * 24 * 3600_000 + minutes * 60_000);

/** Every fourth booking is moved, every fifth canceled (the rest kept); half on Google, half on Outlook. */
const planBookings = (run: string): Planned[] =>
  Array.from({ length: BOOKINGS }, (_, i) => {
    const bookingId = `bk_rep_${run}_${i}`;
    const calendar =
      i % 2 === 0
        ? { ...SANDBOX_CALENDAR_EVENTS.google, eventId: `ev${run}${i}g0000` }
        : { ...SANDBOX_CALENDAR_EVENTS.outlook, eventId: `ev-${run}-${i}-outlook` };
    const fate: Fate = i % 5 === 4 ? 'canceled' : i % 4 === 1 ? 'rescheduled' : 'kept';
    const booking = sampleBooking({ bookingId, version: 1, calendar, startsAt: at(3, i) });
    return { bookingId, fate, booking, movedTo: at(5, i).toISOString() };
  });

const finalVersion = (p: Planned): number => (p.fate === 'kept' ? 1 : 2);

const sendCreates = async (pipeline: Pipeline, plan: readonly Planned[]): Promise<void> => {
  for (const p of plan) expect((await pipeline.send(sampleEvent(p.booking))).status).toBe(202);
};

/** The reschedules and cancellations, sent once every booking's first version has settled. */
const sendChanges = async (pipeline: Pipeline, plan: readonly Planned[]): Promise<void> => {
  for (const p of plan) {
    if (p.fate === 'kept') continue;
    const length = Date.parse(p.booking.endsAt) - Date.parse(p.booking.startsAt);
    const endsAt = new Date(Date.parse(p.movedTo) + length).toISOString();
    const next = { ...p.booking, version: 2, startsAt: p.movedTo, endsAt };
    const event =
      p.fate === 'rescheduled'
        ? sampleEvent(next, EventType.rescheduled)
        : sampleEvent({ ...next, reason: 'conflict' }, EventType.canceled);
    expect((await pipeline.send(event)).status).toBe(202);
  }
};

const waitForAll = async (
  pipeline: Pipeline,
  plan: readonly Planned[],
  versionOf: (p: Planned) => number,
): Promise<BookingStatus[]> => {
  const statuses: BookingStatus[] = [];
  for (const p of plan) {
    const wanted = versionOf(p);
    statuses.push(
      await pipeline.waitForStatus(
        p.bookingId,
        (s) => s.version === wanted && allStepsSettled(s),
        SETTLE_TIMEOUT_MS,
      ),
    );
  }
  return statuses;
};

interface Tally {
  bookings: number;
  meetings: number;
  meetingCreates: number;
  calendarBlocks: number;
  emails: Record<string, number>;
  emailCopies: number;
  reminders: number;
  duplicates: string[];
  /** Emails that reached the sink more than once: booking and key, and when each copy arrived. */
  resent: Array<{ email: string; receivedAt: number[] }>;
}

/** Reads the fakes and the reminders queue and says, per booking, what is more (or less) than once. */
const tallyEndState = async (
  pipeline: Pipeline,
  redisUrl: string,
  plan: readonly Planned[],
  statuses: readonly BookingStatus[],
): Promise<Tally> => {
  const zoom = pipeline.fakes.zoom!;
  const meetings = zoom.meetings();
  const creates = zoom
    .requests()
    .filter((r) => r.method === 'POST' && /\/users\/[^/]+\/meetings$/.test(r.path));
  const messages = pipeline.fakes.smtp!.messages();
  const redis = createRedisConnection(redisUrl, 'producer', 'e2e-replicas');
  const reminders = createQueue('reminders', { connection: redis, prefix: pipeline.prefix });
  // Each delayed job's payload read with the catalog's schema, and its due time.
  const delayed = (await reminders.queue.getDelayed(0, -1)).map((job) => ({
    ...ReminderJob.parse(job.data),
    dueAt: job.timestamp + job.delay,
  }));
  await reminders.close();
  redis.disconnect();

  const tally: Tally = {
    bookings: plan.length,
    meetings: 0,
    meetingCreates: creates.length,
    calendarBlocks: 0,
    emails: {},
    emailCopies: 0,
    reminders: delayed.length,
    duplicates: [],
    resent: [],
  };
  const flag = (what: string) => tally.duplicates.push(what);

  plan.forEach((p, i) => {
    const status = statuses[i]!;
    const isCanceled = p.fate === 'canceled';
    expect(status).toMatchObject({ version: finalVersion(p), isCanceled });

    // bk_rep_a_1 must not match bk_rep_a_10's marker.
    const ownMarker = new RegExp(`${p.bookingId}(?!\\w)`);
    const own = meetings.filter((m) => ownMarker.test(m.agenda ?? ''));
    tally.meetings += own.length;
    if (own.length !== (isCanceled ? 0 : 1)) flag(`${p.bookingId}: ${own.length} Zoom meetings`);
    if (!isCanceled && own[0]) expect(status.meeting?.id).toBe(String(own[0].id));

    const ref = p.booking.calendar!;
    const text =
      ref.provider === 'google'
        ? (pipeline.fakes.google!.getEvent(ref.calendarId, ref.eventId)?.description ?? '')
        : (pipeline.fakes.graph!.getEvent(ref.userId, ref.eventId)?.body?.content ?? '');
    const blocks = text.split(JOIN_BLOCK_START).length - 1;
    tally.calendarBlocks += blocks;
    if (blocks !== (isCanceled ? 0 : 1)) flag(`${p.bookingId}: ${blocks} join blocks`);
    if (!isCanceled) expect(text).toContain(status.meeting!.joinUrl.split('?')[0]);

    const mine = messages.filter((m) => (m.messageId ?? '').startsWith(`<${p.bookingId}.`));
    tally.emailCopies += mine.length;
    const keys = mine.map((m) => /^<[^.]+\.([^@]+)@/.exec(m.messageId ?? '')?.[1] ?? '?');
    for (const key of keys) {
      const kind = key.replace(/-v\d+$/, '');
      tally.emails[kind] = (tally.emails[kind] ?? 0) + 1;
    }
    const wanted = [
      'confirmation',
      ...(p.fate === 'kept' ? [] : [p.fate === 'canceled' ? 'canceled' : 'rescheduled-v2']),
    ];
    expect([...new Set(keys)].sort()).toEqual(wanted.sort());
    if (keys.length !== wanted.length) flag(`${p.bookingId}: emails ${keys.join(', ')}`);
    for (const key of new Set(keys)) {
      const copies = mine.filter((_, k) => keys[k] === key).map((m) => Date.parse(m.receivedAt));
      if (copies.length > 1) tally.resent.push({ email: `${p.bookingId}.${key}`, receivedAt: copies });
    }

    const due = delayed.filter((job) => job.bookingId === p.bookingId);
    const offsets = due.map((job) => job.offsetMinutes).sort((a, b) => a - b);
    expect(offsets).toEqual(isCanceled ? [] : [...REMINDER_OFFSETS].sort((a, b) => a - b));
    const startsAt = Date.parse(p.fate === 'kept' ? p.booking.startsAt : p.movedTo);
    for (const job of due) {
      // Due at the booking's final start less the offset: a reschedule moved it by two days.
      expect(Math.abs(job.dueAt - (startsAt - job.offsetMinutes * 60_000))).toBeLessThan(SETTLE_TIMEOUT_MS);
    }
  });
  // A meeting no booking's marker names would be a leak the per-booking counts cannot see.
  if (meetings.length !== tally.meetings) flag(`${meetings.length - tally.meetings} unclaimed Zoom meetings`);
  return tally;
};

const waitForIdleQueues = (pipeline: Pipeline) =>
  pollUntil(pipeline.pendingJobs, (p) => p !== null && p.conference + p.calendar + p.email === 0, {
    timeoutMs: SETTLE_TIMEOUT_MS,
    everyMs: 200,
    what: 'step queues empty',
  });

const report = (label: string, tally: Tally, ms: number) =>
  // The closing note's table comes from these lines.
  console.log(
    `${label}: ${JSON.stringify({ ...tally, duplicates: tally.duplicates.length, resent: tally.resent.length, seconds: Math.round(ms / 100) / 10 })}`,
  );

describe('three replicas of every worker against one Redis', () => {
  const redisUrl = process.env['REDIS_URL']!;
  let pipeline: Pipeline | undefined;
  afterEach(async () => {
    await pipeline?.stop();
    pipeline = undefined;
  });

  it('does every booking once', async () => {
    const started = Date.now();
    pipeline = await startPipeline(redisUrl, { replicas: REPLICAS });
    const plan = planBookings('a');
    await sendCreates(pipeline, plan);
    await waitForAll(pipeline, plan, () => 1);
    await sendChanges(pipeline, plan);
    const statuses = await waitForAll(pipeline, plan, finalVersion);
    await waitForIdleQueues(pipeline);

    const tally = await tallyEndState(pipeline, redisUrl, plan, statuses);
    report('replicas, no kill', tally, Date.now() - started);
    expect(tally.duplicates).toEqual([]);
  });

  it('does every booking once while one replica of each worker is SIGKILLed mid-run', async () => {
    const started = Date.now();
    pipeline = await startPipeline(redisUrl, { replicas: REPLICAS });
    const p = pipeline;
    // Slow Zoom down, so that conference jobs are surely active (holding locks) when the kill comes.
    p.fakes.zoom!.inject({ kind: 'latency', ms: 1_000 });
    const plan = planBookings('b');
    await sendCreates(p, plan);
    // Some bookings done end to end (emails out), most still in flight.
    await pollUntil(
      () => Promise.resolve(p.fakes.smtp!.messages().length),
      (sent) => sent >= 2,
      { timeoutMs: 60_000, everyMs: 20, what: 'first emails sent' },
    );
    const pendingAtKill = await p.pendingJobs();
    await Promise.all(WORKER_APP_NAMES.map((app) => p.killReplica(app, 0)));
    const killedAt = Date.now();
    const emailsAtKill = p.fakes.smtp!.messages().length;
    expect(emailsAtKill).toBeLessThan(plan.length);
    expect(pendingAtKill!.conference).toBeGreaterThan(0);

    await waitForAll(p, plan, () => 1);
    await sendChanges(p, plan);
    const statuses = await waitForAll(p, plan, finalVersion);
    await waitForIdleQueues(p);

    const tally = await tallyEndState(p, redisUrl, plan, statuses);
    report(
      `replicas, SIGKILL (resent ${JSON.stringify(tally.resent.map((r) => r.email))}) (pending at kill ${JSON.stringify(pendingAtKill)})`,
      tally,
      Date.now() - started,
    );
    // The one crash window left open on purpose (apps/email-worker/src/deliver-once.ts): SMTP accepted,
    // the record not yet written. Such a resend carries the same Message-ID; no other duplicate may exist.
    // Such a resend carries the same Message-ID (the key above is read from it). So: no other duplicate;
    // only emails whose first copy reached the sink before the kill; at most the killed replica's
    // concurrency (WORKER_CONCURRENCY, 5) of them; one resend each.
    expect(tally.duplicates.filter((d) => !/ emails /.test(d))).toEqual([]);
    expect(tally.resent.length).toBeLessThanOrEqual(5);
    for (const { email, receivedAt } of tally.resent) {
      expect({ email, copies: receivedAt.length }).toEqual({ email, copies: 2 });
      expect(Math.min(...receivedAt)).toBeLessThanOrEqual(killedAt);
    }
  });
});
