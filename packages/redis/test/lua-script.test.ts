// Scripts go by SHA1, with the source only when a server does not know them yet, on a Redis of the
// test's own (it flushes that server's script cache).
import { createRedisConnection, luaScript } from '@meetlink/redis';
import type { RedisClient } from '@meetlink/redis';
import { startRedisServer } from '@meetlink/sandbox';
import type { RunningRedis } from '@meetlink/sandbox';

let server: RunningRedis;
let redis: RedisClient;
const sent: string[] = [];

beforeAll(async () => {
  server = await startRedisServer();
  redis = createRedisConnection(server.url, 'worker', 'lua-script-test');
  // ioredis hands every command it sends to sendCommand: record the names.
  const original = redis.sendCommand.bind(redis);
  redis.sendCommand = ((command: { name: string }) => {
    sent.push(command.name);
    return original(command as never);
  }) as typeof redis.sendCommand;
});
afterAll(async () => {
  await redis?.quit();
  await server?.stop();
});
beforeEach(() => {
  sent.length = 0;
});

const incrBy = luaScript(`return redis.call('INCRBY', KEYS[1], ARGV[1])`);

describe('luaScript', () => {
  it('loads the script once with EVAL after NOSCRIPT, then sends only its SHA1', async () => {
    await redis.script('FLUSH');
    sent.length = 0;
    expect(await incrBy.run(redis, ['lua:counter'], [2])).toBe(2);
    expect(sent).toEqual(['evalsha', 'eval']);
    sent.length = 0;
    expect(await incrBy.run(redis, ['lua:counter'], [3])).toBe(5);
    expect(await incrBy.run(redis, ['lua:counter'], [1])).toBe(6);
    expect(sent).toEqual(['evalsha', 'evalsha']);
    expect(await redis.script('EXISTS', incrBy.sha)).toEqual([1]);
  });

  it('comes back by itself after the server forgot its scripts', async () => {
    await incrBy.run(redis, ['lua:other'], [1]);
    await redis.script('FLUSH');
    expect(await incrBy.run(redis, ['lua:other'], [1])).toBe(2);
  });

  it('passes a script error through, without retrying it as EVAL', async () => {
    const failing = luaScript(`return redis.error_reply('BOOM no such thing')`);
    await expect(failing.run(redis, [])).rejects.toThrow('BOOM');
    sent.length = 0;
    await expect(failing.run(redis, [])).rejects.toThrow('BOOM');
    expect(sent).toEqual(['evalsha']);
  });
});
