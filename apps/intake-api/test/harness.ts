// Runs the real intake app on a free port against the test run's Redis, under a key prefix of its own.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateSecret, signWebhook } from '@meetlink/events';
import { createLogger } from '@meetlink/observability';
import { createQueue } from '@meetlink/queue';
import type { Logger } from '@meetlink/observability';
import { createApp } from '../src/app';
import { createIntakeRedisPorts } from '../src/redis-ports';
import type { AppDeps } from '../src/app';
import { createRedisConnection } from '@meetlink/redis';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export const testRedisUrl = (): string => {
  const url = process.env['REDIS_URL'];
  if (!url)
    throw new Error('REDIS_URL is not set: run the tests with `npm test` (its global setup starts Redis)');
  return url;
};

export interface StartIntakeOptions {
  redisUrl?: string;
  secrets?: string[];
  maxBodyBytes?: number;
  /**
   * A server already listening (connect tests need its port before the app exists); default: a new
   * one on a free port. Holding the port from the start leaves no window for another suite to take it.
   */
  server?: Server;
  prefix?: string;
  logger?: Logger;
  /** Everything else the app takes: connections, OAuth providers, secrets… */
  app?: Partial<AppDeps>;
}

/** An HTTP server bound to a free loopback port, with no handler yet. */
export const listenOnFreePort = async (): Promise<Server> => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
};

export const startIntake = async (options: StartIntakeOptions = {}) => {
  const prefix = options.prefix ?? `t${randomUUID().slice(0, 8)}`;
  const secrets = options.secrets ?? [generateSecret()];
  const redis = createRedisConnection(options.redisUrl ?? testRedisUrl(), 'producer');
  redis.on('error', () => undefined);
  await new Promise<void>((resolve) => (redis.status === 'ready' ? resolve() : redis.once('ready', resolve)));
  const ports = createIntakeRedisPorts({
    redis,
    prefix,
    connectLinkSecrets: options.app?.connectLinkSecrets ?? [],
    ...(options.app?.now ? { now: options.app.now } : {}),
  });
  const { store } = ports;
  const conferenceQueue = createQueue('conference', { connection: redis, prefix });
  const app = createApp({
    redis,
    ...ports,
    conferenceQueue,
    webhookSecrets: secrets,
    adminToken: ADMIN_TOKEN,
    maxBodyBytes: options.maxBodyBytes ?? 256 * 1024,
    logger: options.logger ?? createLogger({ name: 'intake-test', level: 'silent' }),
    prefix,
    ...options.app,
  });
  const server = options.server ?? (await listenOnFreePort());
  server.on('request', app);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const post = (body: string, headers: Record<string, string>) =>
    fetch(`${url}/v1/events`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });

  /** Signs and posts an event as an upstream system would. */
  const send = (event: unknown, webhookId = `msg_${randomUUID()}`, secret = secrets[0]!) => {
    const body = JSON.stringify(event);
    const headers = signWebhook({ secret, id: webhookId, timestamp: Date.now() / 1000, body });
    return post(body, { ...headers });
  };

  const close = async () => {
    await new Promise((resolve) => server.close(resolve));
    await conferenceQueue.queue.obliterate({ force: true }).catch(() => undefined);
    await redis
      .keys(`${prefix}:*`)
      .then((keys) => (keys.length ? redis.del(...keys) : 0))
      .catch(() => undefined);
    await conferenceQueue.close();
    redis.disconnect();
  };

  return { url, prefix, secrets, redis, store, conferenceQueue, post, send, close };
};
export type Intake = Awaited<ReturnType<typeof startIntake>>;
