import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMetrics, MetricName } from './metrics';
import { observeFetch, redactedUrl, TOKEN_OPERATION, tokenRefreshOutcome } from './observe-fetch';
import { parsePrometheusText } from './prometheus-text';

/** A vendor that answers the status the path names: /status/201, /status/429… */
let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    const status = Number(/\/status\/(\d{3})/.exec(req.url ?? '')?.[1] ?? 200);
    res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const scrape = async (metrics: ReturnType<typeof createMetrics>) =>
  parsePrometheusText(await metrics.registry.metrics());

describe('observeFetch', () => {
  it('counts every call by provider, operation and status, and times it', async () => {
    const metrics = createMetrics({ collectDefault: false });
    const observed = observeFetch({
      provider: 'zoom',
      operationOf: (method, url) => `${url.pathname.includes('meetings') ? 'meetings' : 'users'}.${method}`,
      metrics,
    });
    await observed(`${base}/users/ada%40example.com/meetings/status/201`, { method: 'POST' });
    await observed(new URL(`${base}/users/ada@example.com/meetings/status/201`), { method: 'POST' });
    await observed(new Request(`${base}/users/ada@example.com/status/429`));
    const parsed = await scrape(metrics);
    expect(
      parsed.sum(MetricName.providerRequests, {
        provider: 'zoom',
        operation: 'meetings.POST',
        status: '201',
      }),
    ).toBe(2);
    expect(
      parsed.sum(MetricName.providerRequests, { provider: 'zoom', operation: 'users.GET', status: '429' }),
    ).toBe(1);
    expect(
      parsed.sum(`${MetricName.providerRequestDuration}_count`, {
        provider: 'zoom',
        operation: 'meetings.POST',
      }),
    ).toBe(2);
    // Only the token endpoints count refreshes.
    expect(parsed.sum(MetricName.tokenRefreshes)).toBe(0);
  });

  it('answers what the vendor answered, body included', async () => {
    const metrics = createMetrics({ collectDefault: false });
    const observed = observeFetch({ provider: 'google', operationOf: () => 'events.get', metrics });
    const response = await observed(`${base}/status/200`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({});
  });

  it('counts a call that got no answer as error, and rethrows it', async () => {
    const metrics = createMetrics({ collectDefault: false });
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const observed = observeFetch({
      provider: 'zoom',
      operationOf: () => TOKEN_OPERATION,
      metrics,
      isTokenEndpoint: true,
    });
    await expect(observed(`http://127.0.0.1:${port}/oauth/token`, { method: 'POST' })).rejects.toThrow();
    const parsed = await scrape(metrics);
    expect(parsed.sum(MetricName.providerRequests, { operation: TOKEN_OPERATION, status: 'error' })).toBe(1);
    expect(parsed.sum(MetricName.tokenRefreshes, { provider: 'zoom', outcome: 'error' })).toBe(1);
  });

  it('counts token endpoint answers as refresh outcomes', async () => {
    const metrics = createMetrics({ collectDefault: false });
    const observed = observeFetch({
      provider: 'microsoft',
      operationOf: () => TOKEN_OPERATION,
      metrics,
      isTokenEndpoint: true,
    });
    for (const status of [200, 200, 400, 429, 503]) await observed(`${base}/token/status/${status}`);
    const parsed = await scrape(metrics);
    const outcomes = Object.fromEntries(
      parsed.select(MetricName.tokenRefreshes).map((s) => [s.labels['outcome'] ?? '', s.value]),
    );
    expect(outcomes).toEqual({ success: 2, rejected: 1, rate_limited: 1, error: 1 });
  });
});

describe('tokenRefreshOutcome', () => {
  it.each([
    [200, 'success'],
    [401, 'rejected'],
    [408, 'error'],
    [429, 'rate_limited'],
    [500, 'error'],
  ])('%i → %s', (status, outcome) => expect(tokenRefreshOutcome(status)).toBe(outcome));
});

describe('redactedUrl', () => {
  it('drops the query and any path segment holding an email address', () => {
    expect(
      redactedUrl(new URL('https://api.zoom.us/v2/users/ada%40example.com/meetings?next_page_token=x')),
    ).toBe('https://api.zoom.us/v2/users/REDACTED/meetings');
    expect(redactedUrl(new URL('https://graph.microsoft.com/v1.0/users/u-1/events/AAMk'))).toBe(
      'https://graph.microsoft.com/v1.0/users/u-1/events/AAMk',
    );
  });
});
