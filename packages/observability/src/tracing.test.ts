// Tracing on, with the in-memory exporter a test installs: spans, their parents, and the W3C context
// that travels in job data and request headers.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMetrics } from './metrics';
import { observeFetch } from './observe-fetch';
import {
  extractTraceContext,
  injectTraceContext,
  InMemorySpanExporter,
  isTracingEnabled,
  startTracing,
  traceHttpRequest,
  withSpan,
} from './tracing';
import type { Tracing } from './tracing';

const exporter = new InMemorySpanExporter();
let tracing: Tracing;
beforeAll(() => {
  tracing = startTracing({ serviceName: 'tracing-test', exporter });
});
afterAll(() => tracing.shutdown());
beforeEach(() => exporter.reset());

const spanNamed = (name: string) => {
  const span = exporter.getFinishedSpans().find((s) => s.name === name);
  if (!span)
    throw new Error(
      `no span ${name}; have ${exporter
        .getFinishedSpans()
        .map((s) => s.name)
        .join(', ')}`,
    );
  return span;
};

describe('tracing with an exporter installed', () => {
  it('is on, and refuses a second provider in the same process', () => {
    expect(isTracingEnabled()).toBe(true);
    expect(() => startTracing({ serviceName: 'again', exporter })).toThrow(/already started/);
  });

  it('makes a span started inside another its child, and names the service', async () => {
    await withSpan('outer', {}, () => withSpan('inner', {}, () => Promise.resolve()));
    const outer = spanNamed('outer');
    const inner = spanNamed('inner');
    expect(inner.spanContext().traceId).toBe(outer.spanContext().traceId);
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
    expect(outer.resource.attributes['service.name']).toBe('tracing-test');
  });

  it('carries the context through a job carrier to a span in another trace root', async () => {
    let carrier: ReturnType<typeof injectTraceContext>;
    await withSpan('producer', { kind: 'producer' }, () => {
      carrier = injectTraceContext();
      return Promise.resolve();
    });
    expect(carrier!.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(injectTraceContext()).toBeUndefined(); // no span active out here
    await withSpan('consumer', { kind: 'consumer', parent: carrier! }, () => Promise.resolve());
    expect(spanNamed('consumer').parentSpanContext?.spanId).toBe(spanNamed('producer').spanContext().spanId);
    // null: a trace of its own, whatever is active.
    await withSpan('outer', {}, () => withSpan('fresh', { parent: null }, () => Promise.resolve()));
    expect(spanNamed('fresh').spanContext().traceId).not.toBe(spanNamed('outer').spanContext().traceId);
    expect(extractTraceContext({ traceparent: 'junk' })).toBeDefined();
  });

  it('marks a span failed by a throw unless isFailure says the throw is none', async () => {
    await expect(withSpan('boom', {}, () => Promise.reject(new TypeError('x')))).rejects.toThrow('x');
    await expect(
      withSpan('deferred', { isFailure: () => false }, () => Promise.reject(new Error('later'))),
    ).rejects.toThrow('later');
    await withSpan('said', {}, (span) => {
      span.fail('zoom_rate_limited');
      return Promise.resolve();
    });
    expect(spanNamed('boom').status.code).toBe(2);
    expect(spanNamed('boom').attributes['error.type']).toBe('TypeError');
    expect(spanNamed('deferred').status.code).toBe(0);
    expect(spanNamed('said').attributes['error.type']).toBe('zoom_rate_limited');
  });

  describe('over HTTP', () => {
    let vendor: Server;
    let api: Server;
    let vendorUrl: string;
    let apiUrl: string;
    const metrics = createMetrics({ collectDefault: false });
    beforeAll(async () => {
      vendor = createServer((_req, res) => res.writeHead(201).end('{}'));
      const observed = observeFetch({ provider: 'zoom', operationOf: () => 'meetings.create', metrics });
      // An API whose handler runs from the request body's 'end' event, as a body parser's does.
      api = createServer((req, res) => {
        traceHttpRequest(
          req,
          res,
          () => {
            req.on('data', () => undefined);
            req.on('end', () => {
              void observed(`${vendorUrl}/users/ada@example.com/meetings?x=1`, { method: 'POST' }).then(() =>
                res.writeHead(202).end(),
              );
            });
          },
          () => '/v1/events',
        );
      });
      for (const server of [vendor, api])
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      vendorUrl = `http://127.0.0.1:${(vendor.address() as AddressInfo).port}`;
      apiUrl = `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      for (const server of [vendor, api]) await new Promise((resolve) => server.close(resolve));
    });

    it('makes a server span per request, child of the caller, parent of the vendor calls', async () => {
      const caller = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
      const res = await fetch(`${apiUrl}/v1/events`, {
        method: 'POST',
        body: 'x'.repeat(100_000),
        headers: { traceparent: caller },
      });
      expect(res.status).toBe(202);
      const server = spanNamed('POST /v1/events');
      expect(server.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
      expect(server.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
      expect(server.attributes).toMatchObject({
        'http.request.method': 'POST',
        'http.route': '/v1/events',
        'http.response.status_code': 202,
      });
      const client = spanNamed('zoom meetings.create');
      expect(client.parentSpanContext?.spanId).toBe(server.spanContext().spanId);
      expect(client.kind).toBe(2); // CLIENT
      expect(client.attributes).toMatchObject({
        'http.request.method': 'POST',
        'http.response.status_code': 201,
        'server.address': '127.0.0.1',
        'url.full': `${vendorUrl}/users/REDACTED/meetings`,
      });
    });
  });
});
