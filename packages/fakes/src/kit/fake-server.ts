// One HTTP server per fake: an express app with the vendor's routes mounted, listening on a free
// loopback port unless told otherwise, and a close that also cuts open keep-alive connections.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { Express } from 'express';

export interface FakeServerOptions {
  /** Default 0: a free port. */
  port?: number;
  /** Default '127.0.0.1'. */
  host?: string;
  /**
   * The host clients reach the fake by, in the URLs it hands out and the token audiences it checks
   * (a container's service name when it listens on 0.0.0.0). Default: `host`.
   */
  publicHost?: string;
}

export interface RunningFakeServer {
  /** 'http://127.0.0.1:<port>' */
  readonly origin: string;
  close(): Promise<void>;
}

/** A host as it stands in a URL: an IPv6 address in brackets. */
export const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

/**
 * Mounts the routes (`mount` gets the origin, known once the server listens) and starts listening.
 * `beforeClose` runs first on close, e.g. to cancel timers a request waits on.
 */
export const startFakeServer = async (
  options: FakeServerOptions,
  mount: (app: Express, origin: () => string) => void,
  beforeClose?: () => void,
): Promise<RunningFakeServer> => {
  let origin = '';
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  mount(app, () => origin);

  const host = options.host ?? '127.0.0.1';
  const server = app.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  origin = `http://${urlHost(options.publicHost ?? host)}:${port}`;

  return {
    origin,
    close: async () => {
      beforeClose?.();
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      server.closeAllConnections();
      await closed;
    },
  };
};
