// REDIS_URL or REDIS_CLUSTER_NODES: every app needs exactly one, and a bad node list is a listed
// configuration error.
import { z } from 'zod';
import { ConfigError, commonEnv, parseEnv, requireRedisTarget } from '@meetlink/config';

const Schema = z.object(commonEnv).superRefine(requireRedisTarget);
const problemsOf = (env: Record<string, string>): readonly string[] => {
  try {
    parseEnv(Schema, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
};

describe('the Redis target', () => {
  it('takes REDIS_URL alone', () => {
    const config = parseEnv(Schema, { REDIS_URL: 'redis://127.0.0.1:6380' });
    expect(config.REDIS_URL).toBe('redis://127.0.0.1:6380');
    expect(config.REDIS_CLUSTER_NODES).toBeUndefined();
  });

  it('takes REDIS_CLUSTER_NODES alone, as host:port pairs (IPv6 in brackets)', () => {
    const config = parseEnv(Schema, { REDIS_CLUSTER_NODES: ' redis-0:7000, 10.0.0.2:7001,[::1]:7002 ' });
    expect(config.REDIS_CLUSTER_NODES).toEqual([
      { host: 'redis-0', port: 7000 },
      { host: '10.0.0.2', port: 7001 },
      { host: '::1', port: 7002 },
    ]);
    expect(config.REDIS_URL).toBeUndefined();
  });

  it('lists a node that is not host:port', () => {
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'redis-0:7000,redis-1' })).toEqual([
      'REDIS_CLUSTER_NODES: "redis-1" is not host:port',
    ]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: 'redis-0:70000' })).toEqual([
      'REDIS_CLUSTER_NODES: "redis-0:70000" is not host:port',
    ]);
  });

  it('wants one of the two, and not both', () => {
    expect(problemsOf({})).toEqual([
      'REDIS_URL: required (a redis:// URL), unless REDIS_CLUSTER_NODES names a Redis Cluster',
    ]);
    expect(problemsOf({ REDIS_CLUSTER_NODES: '   ' })).toHaveLength(1);
    expect(problemsOf({ REDIS_URL: 'redis://127.0.0.1:6380', REDIS_CLUSTER_NODES: 'redis-0:7000' })).toEqual([
      'REDIS_CLUSTER_NODES: set REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both',
    ]);
  });
});
