// `pause <queue>` / `resume <queue>`: every worker of the queue stops taking new jobs (the running ones
// finish), or starts again. Queued jobs wait meanwhile; retries and delays still fall due into the queue.
import type { QueueKey } from '@meetlink/events';
import type { OpsDeps } from './connect-ops';
import { queueNameOf } from './parse-command';

export interface QueuePauseState {
  queue: string;
  isPaused: boolean;
}

export const setQueuePaused = async (
  key: QueueKey,
  isPaused: boolean,
  deps: Pick<OpsDeps, 'queue'>,
): Promise<QueuePauseState> => {
  const { queue } = deps.queue(key);
  await (isPaused ? queue.pause() : queue.resume());
  return { queue: queueNameOf(key), isPaused: await queue.isPaused() };
};

export const formatQueuePauseState = ({ queue, isPaused }: QueuePauseState): string =>
  isPaused
    ? `${queue} paused: its workers take no new jobs until \`resume ${queue}\``
    : `${queue} resumed: its workers take jobs again`;
