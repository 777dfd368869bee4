// The pipeline benchmark's anchor: an empty three-hop BullMQ chain (each hop's worker adds the next
// hop's job and does nothing else) on the same Redis, at the same worker concurrency.
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { createRedisConnection } from '@meetlink/redis';

export interface ChainResult {
  chains: number;
  seconds: number;
  perSecond: number;
}

export const runEmptyChain = async ({
  redisUrl,
  prefix,
  concurrency,
  chains,
}: {
  redisUrl: string;
  prefix: string;
  concurrency: number;
  chains: number;
}): Promise<ChainResult> => {
  const connections = Array.from({ length: 4 }, (_, i) =>
    createRedisConnection(redisUrl, 'worker', `bench-chain-${i}`),
  );
  const [connection, ...workerConnections] = connections as [Redis, Redis, Redis, Redis];
  const names = ['hop1', 'hop2', 'hop3'] as const;
  const queues = names.map((name) => new Queue(name, { connection, prefix }));
  const options = { removeOnComplete: { count: 1000 }, removeOnFail: { count: 1000 } };
  let done = 0;
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const workers = names.map(
    (name, i) =>
      new Worker(
        name,
        async (job) => {
          const next = queues[i + 1];
          if (next)
            await next.add('hop', job.data as object, { jobId: `${String(job.id)}-${i + 1}`, ...options });
          else if (++done === chains) finish();
        },
        { connection: workerConnections[i]!, prefix, concurrency },
      ),
  );
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  const startedAt = performance.now();
  for (let from = 0; from < chains; from += 500) {
    await queues[0]!.addBulk(
      Array.from({ length: Math.min(500, chains - from) }, (_, k) => ({
        name: 'hop',
        data: { bookingId: `bk_chain_${from + k}` },
        opts: { jobId: `c${from + k}`, ...options },
      })),
    );
  }
  await finished;
  const seconds = (performance.now() - startedAt) / 1000;
  await Promise.all(workers.map((w) => w.close()));
  await Promise.all(queues.map((q) => q.obliterate({ force: true }).then(() => q.close())));
  for (const c of connections) c.disconnect();
  return { chains, seconds, perSecond: chains / seconds };
};
