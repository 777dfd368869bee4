// Reads the world (statuses, Zoom, the sink, the calendars) and waits until it has reached the end
// state with nothing left to run, or until it cannot get there any more.
import { SANDBOX_CALENDAR_EVENTS } from '@meetlink/sandbox';
import type { Pipeline, PendingJobs } from '../pipeline-harness';
import { checkEndState } from './end-state';
import type { EndState, World } from './end-state';
import type { MailLog } from './faults';
import type { Ledger, LedgerEntry } from './ledger';

export interface DrillContext {
  pipeline: Pipeline;
  ledger: Ledger;
  mail: MailLog;
}

const calendarText = (pipeline: Pipeline, entry: LedgerEntry): string | null => {
  const ref = entry.calendar;
  if (ref?.provider === 'google') {
    const event = pipeline.fakes.google!.getEvent(SANDBOX_CALENDAR_EVENTS.google.calendarId, ref.eventId);
    return event && event.status !== 'cancelled'
      ? `${event.location ?? ''}\n${event.description ?? ''}`
      : null;
  }
  if (ref?.provider === 'outlook') {
    const event = pipeline.fakes.graph!.getEvent(SANDBOX_CALENDAR_EVENTS.outlook.userId, ref.eventId);
    return event
      ? `${event.location?.displayName ?? ''}\n${event.location?.locationUri ?? ''}\n${event.body?.content ?? ''}`
      : null;
  }
  return null;
};

export const collectWorld = async ({ pipeline, ledger, mail }: DrillContext): Promise<World> => {
  const bookings = ledger.entries();
  const statuses = new Map(
    await Promise.all(
      bookings.map(async (b) => [b.bookingId, await pipeline.status(b.bookingId).catch(() => null)] as const),
    ),
  );
  return {
    bookings,
    statuses,
    meetings: pipeline.fakes.zoom!.meetings(),
    messages: mail.messages(),
    calendarTexts: new Map(
      bookings.filter((b) => b.calendar).map((b) => [b.bookingId, calendarText(pipeline, b)] as const),
    ),
  };
};

export interface Convergence {
  isConverged: boolean;
  /** From `since` to the first read that found the end state with nothing left to run. */
  convergeMs: number | null;
  endState: EndState;
  world: World;
  pending: PendingJobs | null;
}

export interface ConvergeOptions {
  /** When the fault ended. */
  since: number;
  /** How long after `since` the pipeline may take. */
  budgetMs: number;
  /** A drill's own checks, on top of the common end state. */
  extraChecks?: (world: World) => string[];
}

const POLL_MS = 250;
/** Reads in a row with nothing left to run and the end state still wrong: it will not get there. */
const STUCK_READS = 4;

const totalOf = (pending: PendingJobs): number => Object.values(pending).reduce((a, b) => a + b, 0);

export const waitForConvergence = async (
  ctx: DrillContext,
  { since, budgetMs, extraChecks }: ConvergeOptions,
): Promise<Convergence> => {
  let stuckReads = 0;
  for (;;) {
    const world = await collectWorld(ctx);
    const common = checkEndState(world);
    const endState = { ...common, problems: [...common.problems, ...(extraChecks?.(world) ?? [])] };
    const pending = await ctx.pipeline.pendingJobs();
    const isIdle = pending !== null && totalOf(pending) === 0;
    if (isIdle && endState.problems.length === 0) {
      return { isConverged: true, convergeMs: Date.now() - since, endState, world, pending };
    }
    stuckReads = isIdle ? stuckReads + 1 : 0;
    if (stuckReads >= STUCK_READS || Date.now() > since + budgetMs) {
      const why = isIdle
        ? 'nothing left to run, and the end state is not reached'
        : `not converged ${Math.round(budgetMs / 1000)}s after the fault ended; jobs still to run: ${JSON.stringify(pending)}`;
      return {
        isConverged: false,
        convergeMs: null,
        endState: { ...endState, problems: [why, ...endState.problems] },
        world,
        pending,
      };
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
};
