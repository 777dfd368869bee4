// Lua scripts sent by their SHA1 (EVALSHA): the source goes over the wire only the first time a
// server sees the script, or after it forgot it (a restart, SCRIPT FLUSH, a failover to a replica
// that never loaded it), when Redis answers NOSCRIPT and the source follows once with EVAL, which
// also loads it. On a cluster each command goes to the node of its first key, so each node loads
// the script the first time it runs one there.
import { createHash } from 'node:crypto';
import type { RedisClient } from './connection';

export type ScriptArg = string | number | Buffer;

export interface LuaScript {
  readonly sha: string;
  readonly source: string;
  /** Runs the script with `keys` (KEYS, all of one hash slot on a cluster) and `args` (ARGV). */
  run(redis: RedisClient, keys: readonly string[], args?: readonly ScriptArg[]): Promise<unknown>;
}

const isNoScript = (error: unknown): boolean =>
  error instanceof Error && error.message.startsWith('NOSCRIPT');

export const luaScript = (source: string): LuaScript => {
  const sha = createHash('sha1').update(source).digest('hex');
  return {
    sha,
    source,
    run: async (redis, keys, args = []) => {
      try {
        return await redis.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        if (!isNoScript(error)) throw error;
        return redis.eval(source, keys.length, ...keys, ...args);
      }
    },
  };
};

const DELETE_IF_EQUALS = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`);

/** Deletes `key` only while it still holds `value` (a lock's release by its own holder); true if it did. */
export const deleteIfEquals = async (redis: RedisClient, key: string, value: string): Promise<boolean> =>
  (await DELETE_IF_EQUALS.run(redis, [key], [value])) === 1;
