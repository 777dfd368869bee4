// A worker's ops port (OPS_PORT): /healthz (the process is up), /readyz (Redis answers and the
// workers run; 503 with the reason otherwise) and /metrics (Prometheus text), for an orchestrator's
// probes and a Prometheus scrape. Plain node:http: a worker has no web framework and needs none.
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Worker } from 'bullmq';
import type { RedisClient } from '@meetlink/redis';
import type { Logger, Metrics } from '@meetlink/observability';

export interface Readiness {
  isReady: boolean;
  /** Why not, for the 503's body and the orchestrator's events: `redis_unreachable`, `workers_not_running`. */
  reason?: string;
  details?: Record<string, unknown>;
}

export interface OpsServerOptions {
  /** 0: any free port (the one taken is logged and in `address`). */
  port: number;
  host?: string;
  registry: Metrics['registry'];
  checkReadiness: () => Promise<Readiness>;
  logger: Logger;
}

export interface OpsServer {
  /** Where it listens, once it does. */
  readonly address: Promise<{ port: number; url: string }>;
  close(): Promise<void>;
}

/** How long /readyz waits for Redis to answer PING. */
export const READINESS_PING_TIMEOUT_MS = 1_000;

const answerJson = (res: ServerResponse, status: number, body: unknown): void => {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

const pingWithin = async (redis: RedisClient, timeoutMs: number): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([redis.ping().then((answer) => answer === 'PONG'), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
};

/**
 * Ready: the connection is up and answers PING in time (a worker connection queues commands while
 * Redis is away, so its status is read first and the ping has a deadline), and every worker of the
 * process runs.
 */
export const checkWorkerReadiness = async (
  redis: RedisClient,
  workers: readonly { name: string; worker: Worker }[],
  pingTimeoutMs = READINESS_PING_TIMEOUT_MS,
): Promise<Readiness> => {
  if (redis.status !== 'ready' || !(await pingWithin(redis, pingTimeoutMs))) {
    return { isReady: false, reason: 'redis_unreachable', details: { redisStatus: redis.status } };
  }
  const stopped = workers.filter(({ worker }) => !worker.isRunning()).map(({ name }) => name);
  if (workers.length === 0 || stopped.length > 0) {
    return {
      isReady: false,
      reason: 'workers_not_running',
      details: { workers: workers.length, stopped },
    };
  }
  return { isReady: true };
};

export const startOpsServer = ({
  port,
  host = '0.0.0.0',
  registry,
  checkReadiness,
  logger,
}: OpsServerOptions): OpsServer => {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?', 1)[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      answerJson(res, 405, { error: { code: 'method_not_allowed', message: 'GET only' } });
      return;
    }
    switch (path) {
      case '/healthz':
        answerJson(res, 200, { status: 'ok' });
        return;
      case '/readyz': {
        const readiness = await checkReadiness();
        if (readiness.isReady) answerJson(res, 200, { status: 'ready' });
        else answerJson(res, 503, { status: 'unavailable', reason: readiness.reason, ...readiness.details });
        return;
      }
      case '/metrics': {
        const text = await registry.metrics();
        res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
        res.end(text);
        return;
      }
      default:
        answerJson(res, 404, { error: { code: 'not_found', message: `no route for ${req.method} ${path}` } });
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error({ err: error, path: req.url }, 'ops request failed');
      if (!res.headersSent)
        answerJson(res, 500, { error: { code: 'internal_error', message: 'see the log' } });
      else res.destroy();
    });
  });
  const address = new Promise<{ port: number; url: string }>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const bound = (server.address() as AddressInfo).port;
      const url = `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${bound}`;
      logger.info({ opsPort: bound }, `ops server on ${url} (/healthz, /readyz, /metrics)`);
      resolve({ port: bound, url });
    });
  });
  // A port already taken is a start-up failure the log must show; the promise tells whoever awaits it.
  address.catch((error: unknown) =>
    logger.error({ err: error, opsPort: port }, 'ops server could not listen'),
  );

  return {
    address,
    close: () =>
      new Promise<void>((resolve) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.close(() => resolve());
        // Keep-alive connections of a scraper would hold close() open until they idle out.
        server.closeAllConnections();
      }),
  };
};
