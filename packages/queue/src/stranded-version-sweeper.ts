// Queues booking versions that were stored but never queued. The intake stores a snapshot and queues
// its conference job in two round trips; if Redis goes away (or the process dies) in between, the
// snapshot is newer than every queued job and nothing would ever converge it. The store's accept
// files each booking in an index of unqueued versions before it writes the snapshot, and
// markEnqueued takes it out; this sweeper finishes whatever is left there after a grace period that
// leaves the request in flight time to enqueue its version itself.
import type { Logger } from '@meetlink/observability';
import type { BookingStore } from '@meetlink/ports';
import type { TypedQueue } from './queues';

/** How long a version may stay unqueued before the sweeper takes over from the request that stored it. */
export const DEFAULT_STRANDED_GRACE_MS = 2_000;
export const DEFAULT_STRANDED_SWEEP_INTERVAL_MS = 5_000;
const DEFAULT_BATCH_SIZE = 500;

export interface RequeueStrandedOptions {
  store: Pick<BookingStore, 'listUnqueued' | 'markEnqueued' | 'dropUnqueued'>;
  conferenceQueue: Pick<TypedQueue<'conference'>, 'add'>;
  graceMs?: number;
  /** Entries read from the index at a time. */
  batchSize?: number;
  logger?: Logger;
}

export interface RequeueResult {
  /** Versions whose conference job was added (or found already there) and marked queued. */
  requeued: number;
  /** Entries of bookings that are gone, or whose newest version was queued already. */
  dropped: number;
  /** 1 when an entry could not be handled: the pass stopped there; the entry stays for the next one. */
  failed: number;
}

/** One pass: every entry older than the grace period is queued (or dropped if its booking is gone). */
export const requeueStrandedVersions = async ({
  store,
  conferenceQueue,
  graceMs = DEFAULT_STRANDED_GRACE_MS,
  batchSize = DEFAULT_BATCH_SIZE,
  logger,
}: RequeueStrandedOptions): Promise<RequeueResult> => {
  const result: RequeueResult = { requeued: 0, dropped: 0, failed: 0 };
  // An entry can outlive its handling in this pass (a newer version replaced the one just queued, and
  // that one's own request may still be in flight): read on only while there is news.
  const seen = new Set<string>();
  for (;;) {
    const entries = await store.listUnqueued(graceMs, batchSize);
    const fresh = entries.filter((entry) => !seen.has(`${entry.bookingId}@${entry.version ?? 'gone'}`));
    for (const { bookingId, version, acceptedAtMs, isQueued } of fresh) {
      seen.add(`${bookingId}@${version ?? 'gone'}`);
      try {
        if (version === null || isQueued) {
          // Gone, or queued already (an accept that found it so, or one that touched the index and died).
          if (await store.dropUnqueued(bookingId, acceptedAtMs)) result.dropped += 1;
          continue;
        }
        // The job id is deterministic: if the request did queue it after all, this adds nothing.
        await conferenceQueue.add({ bookingId, version });
        await store.markEnqueued(bookingId, version);
        await store.dropUnqueued(bookingId, acceptedAtMs);
        result.requeued += 1;
        logger?.warn(
          { bookingId, version, acceptedAt: new Date(acceptedAtMs).toISOString() },
          'stranded booking version queued',
        );
      } catch (error) {
        // Most likely Redis is away, and every other entry would fail the same way: stop the pass.
        result.failed += 1;
        logger?.error(
          { bookingId, version, err: error },
          'stranded booking version not queued; the next pass retries',
        );
        return result;
      }
    }
    if (entries.length < batchSize || fresh.length === 0) return result;
  }
};

export interface StrandedVersionSweeperOptions extends RequeueStrandedOptions {
  /** Pause between passes (default 5 s). */
  intervalMs?: number;
  logger: Logger;
}

export interface StrandedVersionSweeper {
  /** Stops the loop and waits for a pass that is running. */
  close(): Promise<void>;
}

/** Runs requeueStrandedVersions every `intervalMs`, one pass at a time, until closed. */
export const startStrandedVersionSweeper = ({
  intervalMs = DEFAULT_STRANDED_SWEEP_INTERVAL_MS,
  ...options
}: StrandedVersionSweeperOptions): StrandedVersionSweeper => {
  const { logger } = options;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let isClosed = false;

  const runPass = async (): Promise<void> => {
    try {
      const result = await requeueStrandedVersions(options);
      if (result.requeued + result.dropped + result.failed > 0)
        logger.info({ ...result }, 'stranded-version sweep');
    } catch (error) {
      // Redis away: the index is still there, the next pass picks it up.
      logger.warn({ err: (error as Error).message }, 'stranded-version sweep failed; retrying next pass');
    }
  };

  const schedule = (): void => {
    if (isClosed) return;
    timer = setTimeout(() => {
      running = runPass().finally(() => {
        running = undefined;
        schedule();
      });
    }, intervalMs);
    // The sweeper never keeps a process alive on its own; shutdown closes it.
    timer.unref();
  };
  schedule();

  return {
    close: async () => {
      isClosed = true;
      clearTimeout(timer);
      await running;
    },
  };
};
