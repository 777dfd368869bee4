// What a worker's main.ts takes from members' connections, in one call: the deps its token sources
// share (the connection store when TOKEN_ENCRYPTION_KEY gives a keyring, and the refresh lock under
// REDIS_PREFIX) and the reconnect notice for its onFailed hook.
import type { RedisClient } from '@meetlink/redis';
import type { Mailer } from '@meetlink/ports';
import { memberConnectionsFromKey } from './member-connections';
import type { MemberConnectionStore } from './member-connections';
import { reconnectNotifierFromSettings } from './reconnect-notice';
import type { NoticeLogger, ReconnectHook, ReconnectNoticeSettings } from './reconnect-notice';

export interface WorkerConnections {
  /** Spread into each token source's options (with its own fetch). */
  tokenDeps: { connections: MemberConnectionStore | null; redis: RedisClient; lockPrefix: string };
  notifyHost: ReconnectHook;
}

/** `runtime`: the worker's Redis connection and logger (@meetlink/queue's WorkerRuntime). */
export const workerConnectionsFromSettings = (
  settings: ReconnectNoticeSettings & { TOKEN_ENCRYPTION_KEY?: string | undefined },
  { connection: redis, logger }: { connection: RedisClient; logger: NoticeLogger },
  mailerFor: (smtp: { smtpUrl: string; from: string }) => Mailer,
): WorkerConnections => ({
  tokenDeps: {
    connections: memberConnectionsFromKey(redis, settings.REDIS_PREFIX, settings.TOKEN_ENCRYPTION_KEY),
    redis,
    lockPrefix: settings.REDIS_PREFIX,
  },
  notifyHost: reconnectNotifierFromSettings(settings, redis, mailerFor, logger),
});
