export { createRedisConnection, describeRedisTarget, isCluster } from './connection';
export type { ConnectionRole, RedisClient, RedisNode, RedisTarget } from './connection';
export { deleteIfEquals, luaScript } from './lua-script';
export type { LuaScript, ScriptArg } from './lua-script';
