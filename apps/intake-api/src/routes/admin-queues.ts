// /admin/queues: bull-board over every queue of the pipeline, for the people who run it: counts per
// state, delayed reminders, failed jobs with their code and message, retry and clean. Admin only; a
// browser without credentials gets its login prompt (HTTP Basic, realm "meetlink ops").
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { Router } from 'express';
import type { Express } from 'express';
import type { QueueKey } from '@meetlink/events';
import { redriveFailedJob } from '@meetlink/queue';
import type { TypedQueue } from '@meetlink/queue';
import { requireAdmin } from '../admin-auth';
import type { AdminCheck } from '../admin-auth';
import { contentSecurityPolicy, DASHBOARD_CONTENT_SECURITY_POLICY, noStore } from '../security-headers';

/** Every queue of the pipeline: one of each key of the job catalog. */
export type PipelineQueues = { readonly [K in QueueKey]: TypedQueue<K> };

export const ADMIN_QUEUES_PATH = '/admin/queues';
/** Names the dashboard in the browser's login prompt. */
export const OPS_REALM = 'meetlink ops';

/** What each queue does, under its name on the board; also the board's order: the booking's path. */
const DESCRIPTIONS = {
  conference: 'one Zoom meeting per booking: create, move, delete',
  calendar: "the join block in the organizer's Google or Outlook event",
  email: 'confirmation, reschedule, cancellation and meeting-link emails',
  reminders: 'reminder emails, delayed until their time before the meeting',
  meetingCleanup: 'meetings a booking no longer owns (an old host’s, an orphan), deleted on their own',
} as const satisfies Record<QueueKey, string>;

type BullQueue = TypedQueue<QueueKey>['queue'];
type BullJob = NonNullable<Awaited<ReturnType<BullQueue['getJob']>>>;

/**
 * Our workers configure a BullMQ limiter far above any vendor's (so that worker.rateLimit() can hold a
 * queue while a vendor's 429 is waited out), and that limiter's key counts every job for a second: read
 * plainly, as bull-board does, it shows "rate limited" after any job. A hold set by rateLimit() stores
 * Number.MAX_SAFE_INTEGER in the key, so only a count that high is a rate limit worth showing.
 */
class PipelineQueueAdapter extends BullMQAdapter {
  private readonly bullQueue: BullQueue;

  constructor(
    private readonly typedQueue: TypedQueue<QueueKey>,
    description: string,
  ) {
    super(typedQueue.queue, { description });
    this.bullQueue = typedQueue.queue;
  }

  /**
   * The board's Retry (one job, or all) calls job.retry(), which keeps the job's first timestamp, and
   * the retry horizon counts from it: a job that failed at its horizon would fail for good again at its
   * first transient error. A failed job is re-driven instead (redriveFailedJob: a fresh job under the
   * same id, a whole horizon), as the ops CLI's `retry` does.
   */
  private redriving(job: BullJob): BullJob {
    const retry = job.retry.bind(job);
    job.retry = async (state = 'failed', options) => {
      if (state !== 'failed') return retry(state, options);
      await redriveFailedJob(this.typedQueue, job);
    };
    return job;
  }

  override async getJob(id: string): Promise<BullJob | undefined> {
    const job = await this.bullQueue.getJob(id);
    return job ? this.redriving(job) : undefined;
  }

  override async getJobs(...args: Parameters<BullMQAdapter['getJobs']>): Promise<BullJob[]> {
    return (await super.getJobs(...args)).map((job) => this.redriving(job as BullJob));
  }

  override async getActiveRateLimitTtl(): Promise<number> {
    return Math.max(0, await this.bullQueue.getRateLimitTtl(Number.MAX_SAFE_INTEGER));
  }
}

export interface AdminQueuesRouteDeps {
  queues: PipelineQueues;
  admin: AdminCheck;
  /** Where browsers reach the API: a path in it (behind a proxy) prefixes the board's own links. */
  publicBaseUrl: string;
}

export const adminQueuesRouter = ({ queues, admin, publicBaseUrl }: AdminQueuesRouteDeps): Router => {
  const basePath = `${new URL(publicBaseUrl).pathname.replace(/\/+$/, '')}${ADMIN_QUEUES_PATH}`;
  const serverAdapter = new ExpressAdapter().setBasePath(basePath);
  createBullBoard({
    // Not read-only: retry, clean, promote and the rest are what ops come here for.
    queues: (Object.keys(DESCRIPTIONS) as QueueKey[]).map(
      (key) => new PipelineQueueAdapter(queues[key] as TypedQueue<QueueKey>, DESCRIPTIONS[key]),
    ),
    serverAdapter,
    options: { uiConfig: { boardTitle: 'meetlink queues', hideDocsLink: true } },
  });
  // bull-board is an Express app of its own, which would announce itself in X-Powered-By.
  const board = serverAdapter.getRouter() as Express;
  board.disable('x-powered-by');

  const router = Router();
  router.use(
    ADMIN_QUEUES_PATH,
    requireAdmin(admin, OPS_REALM),
    contentSecurityPolicy(DASHBOARD_CONTENT_SECURITY_POLICY),
    noStore,
    board,
  );
  return router;
};
