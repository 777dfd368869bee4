// Deletes a meeting a booking no longer owns (the old host's after a host change, or an orphan of a
// crashed create under another host), on its own queue and retried on its own, under the booking's
// conference lease so that it never races the booking's own reconcile.
import type { Job } from 'bullmq';
import { meetingCleanupJobId } from '@meetlink/events';
import type { MeetingCleanupJob } from '@meetlink/events';
import { summarizeError } from '@meetlink/errors';
import type { Logger } from '@meetlink/observability';
import {
  acquireLease,
  BUSY_LEASE_RETRY_MS,
  STEP_LEASE_TTL_MS,
  classifyFailure,
  deferJob,
  fenced,
  rememberVerdict,
  stepLeaseKey,
} from '@meetlink/queue';
import type { TypedQueue } from '@meetlink/queue';
import type { RetryPolicy } from '@meetlink/events';
import type { BookingStore, ConferenceProvider } from '@meetlink/ports';
import type { RedisClient } from '@meetlink/redis';
import { meetingMarker } from './reconcile-meeting';

export type CleanupOutcome = 'deleted' | 'nothing_to_delete' | 'owned_again';

export interface CleanUpMeetingDeps {
  provider: ConferenceProvider;
  store: Pick<BookingStore, 'getMeeting' | 'setMeetingCleanup'>;
  redis: RedisClient;
  prefix: string;
  policy: RetryPolicy;
  logger: Logger;
  now?: () => Date;
}

/** Records the clean-up as pending in the booking status and queues it. */
export const queueMeetingCleanup = async (
  job: MeetingCleanupJob,
  deps: {
    queue: Pick<TypedQueue<'meetingCleanup'>, 'add'>;
    store: Pick<BookingStore, 'setMeetingCleanup'>;
    now?: () => Date;
  },
): Promise<void> => {
  await deps.store.setMeetingCleanup(job.bookingId, meetingCleanupJobId(job), {
    meetingId: job.meetingId ?? null,
    hostMemberId: job.host.memberId,
    state: 'pending',
    lastError: null,
    updatedAt: (deps.now ?? (() => new Date()))().toISOString(),
  });
  await deps.queue.add(job);
};

export const cleanUpMeeting = async (
  payload: MeetingCleanupJob,
  job: Job,
  token: string | undefined,
  deps: CleanUpMeetingDeps,
): Promise<CleanupOutcome> => {
  const now = deps.now ?? (() => new Date());
  const id = meetingCleanupJobId(payload);
  const lease = await acquireLease(deps.redis, stepLeaseKey(deps.prefix, payload.bookingId, 'conference'), {
    ttlMs: STEP_LEASE_TTL_MS,
  });
  if (!lease) return deferJob(job, token, now().getTime() + BUSY_LEASE_RETRY_MS);
  const provider = fenced(deps.provider, lease, ['deleteMeeting']);
  try {
    const current = await deps.store.getMeeting(payload.bookingId);
    let outcome: CleanupOutcome = 'nothing_to_delete';
    if (payload.meetingId) {
      if (current?.meeting.id === payload.meetingId) outcome = 'owned_again';
      else {
        await provider.deleteMeeting(payload.host, payload.meetingId);
        outcome = 'deleted';
      }
    } else if (current && current.host.memberId === payload.host.memberId) {
      // The booking is back with this host: its own reconcile owns whatever carries the marker there.
      outcome = 'owned_again';
    } else {
      const orphan = await deps.provider.findMeetingByMarker(payload.host, meetingMarker(payload.bookingId));
      if (orphan) {
        await provider.deleteMeeting(payload.host, orphan.id);
        outcome = 'deleted';
      }
    }
    await lease.assertHeld();
    await deps.store.setMeetingCleanup(payload.bookingId, id, null);
    return outcome;
  } catch (error) {
    const verdict = classifyFailure(error, job, deps.policy, now().getTime());
    rememberVerdict(error, verdict);
    const summary = summarizeError(error);
    await deps.store.setMeetingCleanup(payload.bookingId, id, {
      meetingId: payload.meetingId ?? null,
      hostMemberId: payload.host.memberId,
      state: verdict.kind === 'final' ? 'failed' : 'pending',
      lastError: summary,
      updatedAt: now().toISOString(),
    });
    deps.logger.warn({ err: error, code: summary.code, verdict: verdict.kind }, 'meeting clean-up failed');
    throw error;
  } finally {
    await lease.release().catch(() => undefined);
  }
};
