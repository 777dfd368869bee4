// `queues`: how many jobs each queue holds in each state, and whether it is paused.
import type { OpsDeps } from './connect-ops';
import { OPS_QUEUES, queueNameOf } from './parse-command';
import { renderTable } from './render-table';

export interface QueueCounts {
  queue: string;
  isPaused: boolean;
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
  completed: number;
  /** Jobs waiting in a paused queue: no worker takes them until `resume`. */
  paused: number;
}

export const countJobs = async (deps: Pick<OpsDeps, 'queue'>): Promise<QueueCounts[]> =>
  Promise.all(
    OPS_QUEUES.map(async (key): Promise<QueueCounts> => {
      const { queue } = deps.queue(key);
      const [counts, isPaused] = await Promise.all([
        queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'),
        queue.isPaused(),
      ]);
      const count = (state: string): number => counts[state] ?? 0;
      // BullMQ 6 keeps a paused queue's jobs in its wait list (a flag in the queue's meta says paused).
      const queued = count('waiting') + count('prioritized');
      return {
        queue: queueNameOf(key),
        isPaused,
        waiting: isPaused ? 0 : queued,
        active: count('active'),
        delayed: count('delayed'),
        failed: count('failed'),
        completed: count('completed'),
        paused: isPaused ? queued : 0,
      };
    }),
  );

export const formatQueueCounts = (rows: readonly QueueCounts[]): string =>
  renderTable(
    [
      { header: 'queue', value: (r: QueueCounts) => r.queue },
      { header: 'state', value: (r) => (r.isPaused ? 'paused' : 'running') },
      ...(['waiting', 'active', 'delayed', 'failed', 'completed', 'paused'] as const).map((state) => ({
        header: state,
        value: (r: QueueCounts) => r[state],
        align: 'right' as const,
      })),
    ],
    rows,
  );
