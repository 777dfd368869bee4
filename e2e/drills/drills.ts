// The fault drills: each runs the real apps as processes in a pipeline of its own (own Redis prefix,
// own fakes), puts them through one fault while bookings are made, moved and canceled, and checks the
// end state once the fault is over. `npm run drills` runs them at full length, `npm test` short.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pollUntil, startRedisServer } from '@meetlink/sandbox';
import type { RunningRedis } from '@meetlink/sandbox';
import { startPipeline } from '../pipeline-harness';
import type { Pipeline } from '../pipeline-harness';
import { waitForConvergence } from './converge';
import type { DrillContext } from './converge';
import { retryEnv } from './durations';
import type { DrillDurations } from './durations';
import { emailKeysOf, linkedMeetingIds, parseMessageId } from './end-state';
import type { World } from './end-state';
import { startZoomOutage, trackMail } from './faults';
import { calendarByTurn, createLedger } from './ledger';
import { summarizeOutput } from './report';
import type { DrillResult } from './report';

export interface DrillEnvironment {
  /** The Redis the drills share (each with its own prefix); the Redis drill starts its own. */
  redisUrl: string;
}

/** What a drill's scenario hands back once its fault is over. */
interface FaultOver {
  /** When the fault ended (Date.now()). */
  endedAt: number;
  /** What that moment is, for the table. */
  faultEnd: string;
  /** How long after it the pipeline may take to converge. */
  budgetMs: number;
  extraChecks?: (world: World) => string[];
  /** How the fault went, where it matters for reading the result. */
  notes?: string[];
}

export interface Drill {
  name: string;
  title: string;
  /** A deadline for the whole drill (jest's timeout), from its durations. */
  timeoutMs(durations: DrillDurations): number;
  run(environment: DrillEnvironment, durations: DrillDurations): Promise<DrillResult>;
}

/** Slack on top of the longest backoff: the apps' own processing, and a stalled job's recovery. */
const SLACK_MS = 30_000;
/**
 * After a worker dies, BullMQ hands its active jobs on once their lock (30 s) has run out and a stall
 * check (every 30 s) has seen it; a step lock the dead worker held expires after 60 s.
 */
const CRASH_RECOVERY_MS = 120_000;
/** Small Zoom latency in the crash drills, so that a kill lands while calls are in flight. */
const IN_FLIGHT_LATENCY_MS = 300;

const defineDrill = (spec: {
  name: string;
  title: string;
  /** How long the scenario itself runs (its fault and traffic), for the deadline. */
  scenarioMs(durations: DrillDurations): number;
  /** Start this drill's own Redis instead of the shared one. */
  ownRedis?: boolean;
  scenario(ctx: DrillContext, durations: DrillDurations, redis: RunningRedis | null): Promise<FaultOver>;
}): Drill => {
  const budget = (durations: DrillDurations) => durations.maxBackoffMs + CRASH_RECOVERY_MS;
  return {
    name: spec.name,
    title: spec.title,
    timeoutMs: (durations) => spec.scenarioMs(durations) + budget(durations) + 120_000,
    run: async (environment, durations) => {
      const startedAt = Date.now();
      const dataDir = spec.ownRedis ? mkdtempSync(join(tmpdir(), 'meetlink-drill-redis-')) : null;
      const redis = dataDir ? await startRedisServer({ dataDir }) : null;
      let pipeline: Pipeline | undefined;
      try {
        pipeline = await startPipeline(redis?.url ?? environment.redisUrl, { env: retryEnv(durations) });
        const ctx: DrillContext = {
          pipeline,
          ledger: createLedger(pipeline, spec.name.replace(/-/g, '_')),
          mail: trackMail(pipeline.fakes.smtp!),
        };
        const over = await spec.scenario(ctx, durations, redis);
        const result = await waitForConvergence(ctx, {
          since: over.endedAt,
          budgetMs: over.budgetMs,
          ...(over.extraChecks ? { extraChecks: over.extraChecks } : {}),
        });
        return {
          name: spec.name,
          title: spec.title,
          variant: durations.label,
          isPassed: result.isConverged,
          counts: result.endState.counts,
          convergeMs: result.convergeMs,
          faultEnd: over.faultEnd,
          notes: over.notes ?? [],
          problems: result.endState.problems,
          pending: result.pending,
          logSummary: summarizeOutput(pipeline.output()),
          emailsByBooking: Object.fromEntries(
            result.world.bookings.map((b) => [b.bookingId, emailKeysOf(result.world, b.bookingId)]),
          ),
          wallMs: Date.now() - startedAt,
        };
      } catch (error) {
        // The drill could not even run its scenario: that is a failure too, with what the apps said.
        return {
          name: spec.name,
          title: spec.title,
          variant: durations.label,
          isPassed: false,
          counts: { bookings: 0, liveMeetings: 0, emailsSent: 0, duplicates: 0, failedSteps: 0 },
          convergeMs: null,
          faultEnd: '-',
          notes: [],
          problems: [`the drill broke off: ${error instanceof Error ? error.message : String(error)}`],
          pending: null,
          logSummary: pipeline ? summarizeOutput(pipeline.output()) : [],
          emailsByBooking: {},
          wallMs: Date.now() - startedAt,
        };
      } finally {
        await pipeline?.stop();
        await redis?.stop();
        if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
};

/**
 * Waits for a moment of the fault's own schedule (an outage that lasts 10 minutes, a change sent a
 * third of the way in): the fixed time is the fault, not a wait for the pipeline's work.
 */
const untilFaultTime = async (faultStartedAt: number, atMs: number): Promise<void> => {
  const wait = faultStartedAt + atMs - Date.now();
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
};

interface InFlight {
  /** Only runs that started after this (a kill leaves its runs marked running). */
  since?: number;
  /** Only these bookings. */
  among?: readonly string[];
  timeoutMs?: number;
}

/**
 * Until some booking's conference step (the one slowed by Zoom's latency) is running: a kill or
 * restart now hits work in flight. Answers the bookings it found running; null if none in time.
 */
const untilConferenceRunning = async (
  ctx: DrillContext,
  { since = 0, among, timeoutMs = 30_000 }: InFlight = {},
): Promise<string[] | null> => {
  const candidates = () => ctx.ledger.entries().filter((b) => !among || among.includes(b.bookingId));
  const running = async () => {
    const statuses = await Promise.all(
      candidates().map((b) => ctx.pipeline.status(b.bookingId).catch(() => null)),
    );
    return statuses
      .filter((s) => {
        const step = s?.steps.conference;
        return step?.state === 'running' && Date.parse(step.startedAt ?? '') > since;
      })
      .map((s) => s!.bookingId);
  };
  return pollUntil(running, (ids) => ids.length > 0, { timeoutMs, everyMs: 20 }).catch(() => null);
};

/**
 * Bookings made, moved and canceled across a vendor outage that lasts `durations.outageMs`: half made
 * as it starts, two moved a third of the way in, the other half made halfway, two canceled (one of them
 * moved before) two thirds of the way in, and one in-person booking that needs no meeting.
 */
const trafficThroughOutage = async (ctx: DrillContext, durations: DrillDurations, startedAt: number) => {
  const { ledger } = ctx;
  const ids: string[] = [];
  const firstHalf = Math.ceil(durations.bookings / 2);
  for (let i = 0; i < firstHalf; i++) ids.push(await ledger.create({ calendar: calendarByTurn(i) }));
  await ledger.create({ isVideo: false });
  await untilFaultTime(startedAt, durations.outageMs / 3);
  await ledger.reschedule(ids[0]!);
  await ledger.reschedule(ids[1]!);
  await untilFaultTime(startedAt, durations.outageMs / 2);
  for (let i = firstHalf; i < durations.bookings; i++)
    ids.push(await ledger.create({ calendar: calendarByTurn(i) }));
  await untilFaultTime(startedAt, (2 * durations.outageMs) / 3);
  await ledger.cancel(ids[1]!);
  await ledger.cancel(ids[2]!);
  await untilFaultTime(startedAt, durations.outageMs);
};

const zoomOutage = defineDrill({
  name: 'zoom-outage',
  title: 'Zoom answers 503 to every API call while bookings are made, moved and canceled; then it is back',
  scenarioMs: (d) => d.outageMs,
  scenario: async (ctx, durations) => {
    const outage = startZoomOutage(ctx.pipeline.fakes.zoom!, 503);
    await trafficThroughOutage(ctx, durations, Date.now());
    outage.end();
    return { endedAt: Date.now(), faultEnd: 'Zoom back', budgetMs: durations.maxBackoffMs + SLACK_MS };
  },
});

const smtpOutage = defineDrill({
  name: 'smtp-outage',
  title: 'SMTP refuses every message with 451 while bookings are made, moved and canceled; then it accepts',
  scenarioMs: (d) => d.outageMs,
  scenario: async (ctx, durations) => {
    const outage = ctx.mail.startRefusing(451);
    await trafficThroughOutage(ctx, durations, Date.now());
    outage.end();
    return { endedAt: Date.now(), faultEnd: 'SMTP back', budgetMs: durations.maxBackoffMs + SLACK_MS };
  },
});

/** Changes this far apart: within seconds of each other, well inside one slow Zoom call. */
const BURST_GAP_MS = 2_000;

const zoomLatency = defineDrill({
  name: 'zoom-latency',
  title: 'every Zoom call answered after 9 s while bookings are made, moved and canceled seconds apart',
  scenarioMs: () => 4 * BURST_GAP_MS,
  scenario: async (ctx, durations) => {
    const { ledger } = ctx;
    ctx.pipeline.fakes.zoom!.inject({ kind: 'latency', ms: durations.zoomLatencyMs });
    const startedAt = Date.now();
    const ids: string[] = [];
    for (let i = 0; i < durations.bookings; i++)
      ids.push(await ledger.create({ calendar: calendarByTurn(i) }));
    await untilFaultTime(startedAt, BURST_GAP_MS);
    await ledger.reschedule(ids[0]!);
    await ledger.reschedule(ids[1]!);
    await ledger.reschedule(ids[2]!);
    await untilFaultTime(startedAt, 2 * BURST_GAP_MS);
    await ledger.cancel(ids[1]!);
    await ledger.cancel(ids[3]!);
    await untilFaultTime(startedAt, 3 * BURST_GAP_MS);
    await ledger.reschedule(ids[0]!);
    // Made and canceled at once: the cancel lands while the create is still waiting on Zoom.
    await ledger.cancel(await ledger.create({ calendar: 'google' }));
    return {
      endedAt: Date.now(),
      faultEnd: 'last change sent (latency stays)',
      // Each reconcile is a few Zoom calls of `zoomLatencyMs`, and bookings queue behind each other.
      budgetMs: durations.maxBackoffMs + 20 * durations.zoomLatencyMs + SLACK_MS,
    };
  },
});

/** Zoom retries a delivery it got no 200 for; the same event then comes again, signed anew. */
const ZOOM_REDELIVERY_S = 1;

const meetingDeleted = defineDrill({
  name: 'meeting-deleted',
  title: 'a host deletes meetings in Zoom and Zoom sends the signed meeting.deleted webhook (twice)',
  scenarioMs: () => 60_000,
  scenario: async (ctx, durations) => {
    const { ledger, pipeline } = ctx;
    const zoom = pipeline.fakes.zoom!;
    const ids = [
      await ledger.create({ calendar: 'google' }),
      await ledger.create({ calendar: 'outlook' }),
      await ledger.create({ calendar: null }),
    ];
    const before = await waitForConvergence(ctx, { since: Date.now(), budgetMs: 60_000 });
    if (!before.isConverged)
      throw new Error(`not settled before the fault: ${before.endState.problems.join('; ')}`);

    const deleted = new Map<string, { oldId: string; deliveredAt: number; emailsBefore: number }>();
    const problems: string[] = [];
    for (const bookingId of ids.slice(0, 2)) {
      const meeting = zoom.meetings().find((m) => m.agenda.startsWith(`meetlink-booking:${bookingId}\n`));
      if (!meeting) throw new Error(`${bookingId} has no meeting to delete`);
      const event = zoom.hostDeletesMeeting(meeting.id);
      const emailsBefore = ctx.mail.messages().length;
      const first = await pipeline.sendZoomWebhook(event);
      const again = await pipeline.sendZoomWebhook(event, Math.floor(Date.now() / 1000) + ZOOM_REDELIVERY_S);
      if (first.status !== 200)
        problems.push(`${bookingId}: /webhooks/zoom answered ${first.status}: ${await first.text()}`);
      if (again.status !== 200)
        problems.push(`${bookingId}: redelivery answered ${again.status}: ${await again.text()}`);
      deleted.set(bookingId, { oldId: String(meeting.id), deliveredAt: Date.now(), emailsBefore });
    }

    const extraChecks = (world: World): string[] => {
      const found = [...problems];
      for (const [bookingId, { oldId, emailsBefore }] of deleted) {
        const say = (problem: string) => found.push(`${bookingId}: ${problem}`);
        const current = world.meetings.find((m) => m.agenda.startsWith(`meetlink-booking:${bookingId}\n`));
        if (current && String(current.id) === oldId) say(`meeting ${oldId} is still live`);
        const after = world.messages
          .slice(emailsBefore)
          .filter((m) => parseMessageId(m.messageId)?.bookingId === bookingId);
        const linkEmails = after.filter((m) => parseMessageId(m.messageId)!.key.startsWith('meeting_link'));
        if (linkEmails.length !== 1)
          say(
            `${linkEmails.length} "your meeting link changed" emails after the delete, want 1 ` +
              `(emails after it: ${after.map((m) => parseMessageId(m.messageId)!.key).join(', ') || 'none'})`,
          );
        const [linkEmail] = linkEmails;
        if (linkEmail && current) {
          const body = linkEmail.text ?? linkEmail.html ?? '';
          if (
            !body.includes(current.join_url) ||
            linkedMeetingIds(body).some((id) => id !== String(current.id))
          )
            say(
              `the meeting-link email links ${linkedMeetingIds(body).join(', ') || 'nothing'}, the new meeting is ${current.id}`,
            );
        }
      }
      for (const bookingId of ids.slice(2)) {
        const keys = world.messages
          .map((m) => parseMessageId(m.messageId))
          .filter((p) => p?.bookingId === bookingId && p.key.startsWith('meeting_link'));
        if (keys.length > 0)
          found.push(`${bookingId}: got a meeting-link email, its meeting was never deleted`);
      }
      return found;
    };
    return {
      endedAt: Date.now(),
      faultEnd: 'webhooks sent',
      budgetMs: durations.maxBackoffMs + SLACK_MS,
      extraChecks,
    };
  },
});

/**
 * Bookings made, moved and canceled while the processes are killed (or Redis restarted) twice: first
 * while conference runs are in flight; then while runs begun after it are in flight. With
 * `isSameJobTwice`, the second time waits until an interrupted run has been taken up again (BullMQ's
 * stalled-job recovery) and hits that one, so the same job dies twice.
 */
const trafficThroughCrashes = async (
  ctx: DrillContext,
  durations: DrillDurations,
  crash: () => Promise<void>,
  { isSameJobTwice }: { isSameJobTwice: boolean },
): Promise<{ notes: string[] }> => {
  const { ledger } = ctx;
  const notes: string[] = [];
  ctx.pipeline.fakes.zoom!.inject({ kind: 'latency', ms: IN_FLIGHT_LATENCY_MS });
  const ids: string[] = [];
  for (let i = 0; i < durations.bookings; i++) ids.push(await ledger.create({ calendar: calendarByTurn(i) }));
  const hit = await untilConferenceRunning(ctx);
  if (!hit) throw new Error('no conference run was in flight to hit');
  await crash();
  const crashedAt = Date.now();
  // Changes to bookings the crash did not hit, so a later run of a hit booking is its stalled job's.
  const untouched = ids.filter((id) => !hit.includes(id));
  if (untouched[0]) await ledger.reschedule(untouched[0]);
  if (untouched[1]) await ledger.cancel(untouched[1]);
  for (let i = 0; i < Math.ceil(durations.bookings / 2); i++)
    await ledger.create({ calendar: calendarByTurn(i) });
  const rerun = isSameJobTwice
    ? await untilConferenceRunning(ctx, { since: crashedAt, among: hit, timeoutMs: CRASH_RECOVERY_MS })
    : null;
  if (isSameJobTwice && !rerun)
    notes.push(
      `no interrupted run of ${hit.join(', ')} was taken up again within ${CRASH_RECOVERY_MS / 1000}s`,
    );
  if (!rerun && !(await untilConferenceRunning(ctx, { since: crashedAt })))
    notes.push('the second crash found no conference run in flight');
  await crash();
  return { notes };
};

const processKills = defineDrill({
  name: 'process-kills',
  title:
    'every process SIGKILLed twice while bookings are in flight (the second time, a job the first interrupted), restarted each time',
  scenarioMs: () => 2 * CRASH_RECOVERY_MS,
  scenario: async (ctx, durations) => {
    const { notes } = await trafficThroughCrashes(ctx, durations, () => ctx.pipeline.restartAll(), {
      isSameJobTwice: true,
    });
    return {
      notes,
      endedAt: Date.now(),
      faultEnd: 'second restart',
      budgetMs: durations.maxBackoffMs + CRASH_RECOVERY_MS,
    };
  },
});

const redisRestart = defineDrill({
  name: 'redis-restart',
  title: 'Redis (AOF on) restarted twice while bookings are in flight',
  scenarioMs: () => 120_000,
  ownRedis: true,
  scenario: async (ctx, durations, redis) => {
    const { notes } = await trafficThroughCrashes(ctx, durations, () => redis!.restart(), {
      isSameJobTwice: false,
    });
    return {
      notes,
      endedAt: Date.now(),
      faultEnd: 'second restart',
      budgetMs: durations.maxBackoffMs + CRASH_RECOVERY_MS,
    };
  },
});

export const DRILLS: readonly Drill[] = [
  zoomOutage,
  smtpOutage,
  zoomLatency,
  meetingDeleted,
  processKills,
  redisRestart,
];
