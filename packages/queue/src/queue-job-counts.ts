// The queue gauges' readings, taken when /metrics is scraped: each queue's job counts, how long its
// oldest waiting job has waited, and how far past its time its most overdue delayed job is.
import type { Queue } from 'bullmq';
import type { RedisClient } from '@meetlink/redis';
import type { QueueJobCounts, QueueJobsSource } from '@meetlink/observability';

/** A scrape must not hang on a Redis that is away (a worker connection would queue the command). */
export const QUEUE_COUNTS_TIMEOUT_MS = 2_000;

/**
 * BullMQ scores its delayed set `dueAt * 0x1000 + n` (`getDelayedScore` in its Lua scripts, the same
 * since v3): the score says when the job is due, which nothing in the job's own hash does after a
 * retry's backoff or a moveToDelayed.
 */
const DELAYED_SCORE_FACTOR = 0x1000;

const withTimeout = async <T>(work: Promise<T>, timeoutMs: number): Promise<T> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('queue reading timed out')), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
};

const readQueue = async (queue: Queue, redis: RedisClient, now: number): Promise<QueueJobCounts> => {
  const [counts, [oldestWaiting], dueFirst] = await Promise.all([
    queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed'),
    // Oldest first: the end of the wait list, where workers take from.
    queue.getJobs(['wait'], 0, 0, true),
    redis.zrange(queue.toKey('delayed'), 0, 0, 'WITHSCORES'),
  ]);
  // A job waits since it was added (after its initial delay), or since its last try began.
  const waitingSince = oldestWaiting
    ? Math.max(oldestWaiting.timestamp + (oldestWaiting.opts.delay ?? 0), oldestWaiting.processedOn ?? 0)
    : undefined;
  const dueAt =
    dueFirst[1] === undefined ? undefined : Math.floor(Number(dueFirst[1]) / DELAYED_SCORE_FACTOR);
  return {
    queue: queue.name,
    counts: {
      // Prioritized jobs wait too, in a list of their own.
      waiting: (counts['waiting'] ?? 0) + (counts['prioritized'] ?? 0),
      active: counts['active'] ?? 0,
      delayed: counts['delayed'] ?? 0,
      failed: counts['failed'] ?? 0,
    },
    oldestWaitingAgeSeconds: waitingSince === undefined ? 0 : Math.max(0, (now - waitingSince) / 1000),
    oldestOverdueDelayedSeconds: dueAt === undefined ? 0 : Math.max(0, (now - dueAt) / 1000),
  };
};

export interface QueueJobCountsOptions {
  /** The queues to read, at every scrape (so queues added later are read too). */
  queues: () => readonly Queue[];
  /** Their connection: while it is not ready nothing is asked (a worker connection would queue it). */
  connection: RedisClient;
  timeoutMs?: number;
  now?: () => number;
}

/** The readings of these queues; a queue that cannot be read is left out of that scrape, not failing it. */
export const queueJobCountsSource =
  ({
    queues,
    connection,
    timeoutMs = QUEUE_COUNTS_TIMEOUT_MS,
    now = Date.now,
  }: QueueJobCountsOptions): QueueJobsSource =>
  async () => {
    if (connection.status !== 'ready') return [];
    const at = now();
    const readings = await Promise.allSettled(
      queues().map((queue) => withTimeout(readQueue(queue, connection, at), timeoutMs)),
    );
    return readings.flatMap((reading) => (reading.status === 'fulfilled' ? [reading.value] : []));
  };
