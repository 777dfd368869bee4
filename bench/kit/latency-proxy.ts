// An HTTP proxy in front of a fake vendor that holds every request for a fixed time before passing it
// on: the pipeline benchmark's "vendor at 100 ms". The apps only see another base URL.
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LatencyProxy {
  /** `http://127.0.0.1:<port>`: use in place of the target's origin. */
  origin: string;
  close(): Promise<void>;
}

export const startLatencyProxy = async (targetOrigin: string, latencyMs: number): Promise<LatencyProxy> => {
  const target = new URL(targetOrigin);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      setTimeout(() => {
        const upstream = request(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: target.host },
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => res.destroy());
        upstream.end(Buffer.concat(chunks));
      }, latencyMs);
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/**
 * Puts a proxy in front of every origin the env's URLs name (same origin, one proxy) and returns the
 * env with those origins replaced; latency 0 returns the env as it is.
 */
export const delayVendors = async (
  env: Record<string, string>,
  latencyMs: number,
): Promise<{ env: Record<string, string>; close: () => Promise<void> }> => {
  if (latencyMs <= 0) return { env, close: () => Promise.resolve() };
  const proxies = new Map<string, LatencyProxy>();
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (!/^https?:\/\//.test(value) || key === 'SMTP_URL') {
      out[key] = value;
      continue;
    }
    const { origin } = new URL(value);
    let proxy = proxies.get(origin);
    if (!proxy) {
      proxy = await startLatencyProxy(origin, latencyMs);
      proxies.set(origin, proxy);
    }
    out[key] = proxy.origin + value.slice(origin.length);
  }
  return {
    env: out,
    close: async () => {
      await Promise.all([...proxies.values()].map((p) => p.close()));
    },
  };
};
