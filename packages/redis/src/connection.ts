// The one place that builds ioredis connections: to one Redis (REDIS_URL), or to a Redis Cluster
// through ioredis' Cluster client (REDIS_CLUSTER_NODES), which follows MOVED and ASK redirections
// and routes each command, script included, to the node that owns its keys' slot.
import Redis, { Cluster } from 'ioredis';
import type { ClusterOptions, RedisOptions } from 'ioredis';

/** A connection of either kind: every store, queue and lock of ours takes this. */
export type RedisClient = Redis | Cluster;

export interface RedisNode {
  host: string;
  port: number;
}

/** Where the pipeline's Redis is: one server by URL, or a cluster by some of its nodes. */
export type RedisTarget =
  string | { url?: string | undefined; clusterNodes?: readonly RedisNode[] | undefined };

export type ConnectionRole =
  /** Request paths (the intake API): fail fast while Redis is away, so a request gets 503, not a hang. */
  | 'producer'
  /** Workers: wait for Redis to come back; BullMQ requires maxRetriesPerRequest null. */
  | 'worker';

const reconnectDelay = (times: number): number => Math.min(times * 200, 2_000);

const roleOptions = (
  role: ConnectionRole,
): Pick<RedisOptions, 'maxRetriesPerRequest' | 'connectTimeout'> & {
  enableOfflineQueue: boolean;
} =>
  role === 'producer'
    ? { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2_000 }
    : { enableOfflineQueue: true, maxRetriesPerRequest: null };

/** The cluster's seed nodes, or null for a single server. */
const clusterNodesOf = (target: RedisTarget): readonly RedisNode[] | null =>
  typeof target === 'object' && target.clusterNodes && target.clusterNodes.length > 0
    ? target.clusterNodes
    : null;

const urlOf = (target: RedisTarget): string => {
  const url = typeof target === 'string' ? target : target.url;
  if (!url) throw new Error('no Redis to connect to: set REDIS_URL or REDIS_CLUSTER_NODES');
  return url;
};

export const isCluster = (target: RedisTarget): boolean => clusterNodesOf(target) !== null;

export const createRedisConnection = (
  target: RedisTarget,
  role: ConnectionRole,
  name?: string,
): RedisClient => {
  const { enableOfflineQueue, ...perCommand } = roleOptions(role);
  const nodes = clusterNodesOf(target);
  if (nodes) {
    const options: ClusterOptions = {
      clusterRetryStrategy: reconnectDelay,
      enableOfflineQueue,
      // Every read goes to the slot's master: a replica may lag a write this process just made.
      scaleReads: 'master',
      redisOptions: { ...perCommand, connectionName: name },
    };
    return new Cluster(
      nodes.map(({ host, port }) => ({ host, port })),
      options,
    );
  }
  return new Redis(urlOf(target), {
    retryStrategy: reconnectDelay,
    connectionName: name,
    enableOfflineQueue,
    ...perCommand,
  });
};

/** Where a connection points, for logs and error messages: a password shows as ***. */
export const describeRedisTarget = (target: RedisTarget): string => {
  const nodes = clusterNodesOf(target);
  if (nodes) return `cluster ${nodes.map(({ host, port }) => `${host}:${port}`).join(',')}`;
  try {
    const url = new URL(urlOf(target));
    if (url.password) url.password = '***';
    return url.toString();
  } catch {
    return 'REDIS_URL';
  }
};
