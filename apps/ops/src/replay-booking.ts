// `replay <bookingId>`: runs every step of a booking again for its newest stored snapshot. Safe to run
// any time: the steps are level-triggered (the meeting is reconciled, not created again; the calendar
// block rewritten) and every email is sent once per key, so a replay only mends what is out of step.
import { bookingJobId } from '@meetlink/events';
import type { StepName } from '@meetlink/events';
import type { OpsDeps } from './connect-ops';
import { queueNameOf } from './parse-command';
import { renderTable } from './render-table';

export class BookingNotFoundError extends Error {
  constructor(bookingId: string, prefix: string) {
    super(`booking ${bookingId} not found: no stored snapshot under the prefix "${prefix}"`);
    this.name = 'BookingNotFoundError';
  }
}

export interface ReplayedBooking {
  bookingId: string;
  version: number;
  jobs: { queue: string; jobId: string }[];
  /** How the conference run had ended when calendar and email were queued. */
  conference: 'completed' | 'failed' | 'still running';
}

/** How long calendar and email wait for the replayed conference run (as MEETING_WAIT_MS does). */
export const REPLAY_CONFERENCE_WAIT_MS = 30_000;

export interface ReplayOptions {
  prefix: string;
  conferenceWaitMs?: number | undefined;
  pollEveryMs?: number;
}

export const replayBooking = async (
  bookingId: string,
  deps: Pick<OpsDeps, 'store' | 'queue' | 'now'>,
  { prefix, conferenceWaitMs = REPLAY_CONFERENCE_WAIT_MS, pollEveryMs = 100 }: ReplayOptions,
): Promise<ReplayedBooking> => {
  const snapshot = await deps.store.getSnapshot(bookingId);
  if (!snapshot) throw new BookingNotFoundError(bookingId, prefix);
  const payload = { bookingId, version: snapshot.version };
  // The catalog's ids are one per booking version, and that job exists already (completed or
  // failed): the replay's own id makes BullMQ run it again.
  const jobId = `${bookingJobId(payload)}-replay${deps.now()}`;
  const queueStep = async (step: StepName) => {
    await deps.queue(step).add(payload, { jobId });
    return { queue: queueNameOf(step), jobId };
  };

  const jobs = [await queueStep('conference')];
  // Calendar and email follow the conference run, as its hand-on does in the pipeline, so they read
  // the meeting it settled on; if it takes longer (Zoom retrying), they go ahead without waiting, and
  // the conference step's own hand-on reaches them again when the meeting changes.
  const conference = deps.queue('conference').queue;
  const deadline = deps.now() + conferenceWaitMs;
  let state = await conference.getJobState(jobId);
  while (state !== 'completed' && state !== 'failed' && deps.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, pollEveryMs));
    state = await conference.getJobState(jobId);
  }
  jobs.push(await queueStep('calendar'), await queueStep('email'));
  return {
    bookingId,
    version: snapshot.version,
    jobs,
    conference: state === 'completed' || state === 'failed' ? state : 'still running',
  };
};

export const formatReplayedBooking = (replayed: ReplayedBooking): string =>
  [
    `booking ${replayed.bookingId} v${replayed.version} replayed (conference run ${replayed.conference} before calendar and email were queued)`,
    renderTable(
      [
        { header: 'queue', value: (j: ReplayedBooking['jobs'][number]) => j.queue },
        { header: 'job', value: (j) => j.jobId },
      ],
      replayed.jobs,
    ),
  ].join('\n');
