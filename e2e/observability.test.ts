// The pipeline's metrics and traces, with every app as its own process: a booking goes through, then
// each process's /metrics is scraped and parsed, and the spans the four processes exported over
// OTLP/HTTP to a small receiver here form one trace from the intake's request to the email.
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sampleBooking, sampleEvent } from '@meetlink/fakes';
import { MetricName, parsePrometheusText } from '@meetlink/observability';
import type { ParsedMetrics } from '@meetlink/observability';
import { pollUntil, SANDBOX_CALENDAR_EVENTS, WORKER_APP_NAMES } from '@meetlink/sandbox';
import { ADMIN_TOKEN, allStepsSettled, startPipeline } from './pipeline-harness';
import type { Pipeline } from './pipeline-harness';

jest.setTimeout(90_000);

/** One span as the receiver keeps it, flattened from OTLP/HTTP JSON. */
interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
}

interface OtlpValue {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number;
  boolValue?: boolean;
}
interface OtlpKeyValue {
  key: string;
  value: OtlpValue;
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpKeyValue[] };
    scopeSpans?: {
      spans?: {
        traceId: string;
        spanId: string;
        parentSpanId?: string;
        name: string;
        kind: number;
        attributes?: OtlpKeyValue[];
      }[];
    }[];
  }[];
}

const valueOf = (value: OtlpValue): string | number | boolean =>
  value.stringValue ??
  (value.intValue !== undefined ? Number(value.intValue) : undefined) ??
  value.doubleValue ??
  value.boolValue ??
  '';

const attributesOf = (list: OtlpKeyValue[] = []): Record<string, string | number | boolean> =>
  Object.fromEntries(list.map(({ key, value }) => [key, valueOf(value)]));

/** OTLP span kinds (not the API's enum). */
const KIND = { server: 2, client: 3, consumer: 5 };

/** A collector's OTLP/HTTP endpoint, JSON encoding (what @opentelemetry/exporter-trace-otlp-http sends). */
const startOtlpReceiver = async (): Promise<{
  url: string;
  spans: ReceivedSpan[];
  close(): Promise<void>;
}> => {
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport;
      for (const resourceSpans of body.resourceSpans ?? []) {
        const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            spans.push({
              service,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              name: span.name,
              kind: span.kind,
              attributes: attributesOf(span.attributes),
            });
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
};

describe('metrics and traces of a booking, across the four processes', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let pipeline: Pipeline;
  const bookingId = 'bk_e2e_observed';

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    pipeline = await startPipeline(process.env['REDIS_URL']!, {
      // Spans leave each process within a fifth of a second instead of every five.
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' },
    });
    const booking = sampleBooking({ bookingId, calendar: { ...SANDBOX_CALENDAR_EVENTS.google } });
    expect((await pipeline.send(sampleEvent(booking))).status).toBe(202);
    await pipeline.waitForStatus(bookingId, allStepsSettled);
  });
  afterAll(async () => {
    await pipeline?.stop();
    await receiver?.close();
  });

  const scrapeWorker = async (app: (typeof WORKER_APP_NAMES)[number]): Promise<ParsedMetrics> => {
    const res = await fetch(`${pipeline.opsUrls[app]}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(await res.text());
  };
  const scrapeIntake = async (): Promise<ParsedMetrics> => {
    const res = await fetch(`${pipeline.url}/metrics`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(res.status).toBe(200);
    return parsePrometheusText(await res.text());
  };
  /** A worker's scrape once its step's try is counted (the status can say done a moment before). */
  const settledScrape = (app: (typeof WORKER_APP_NAMES)[number], queue: string) =>
    pollUntil(
      () => scrapeWorker(app),
      (m) => m.sum(MetricName.jobs, { queue, outcome: 'completed' }) >= 1,
      { what: `${queue} job counted by ${app}` },
    );

  it('counts on each worker what the booking did: one try per step, the vendor calls and their answers', async () => {
    const conference = await settledScrape('conference-worker', 'conference');
    expect(conference.sum(MetricName.jobs, { queue: 'conference' })).toBe(1);
    expect(conference.sum(MetricName.jobs, { queue: 'conference', outcome: 'completed' })).toBe(1);
    expect(conference.sum(`${MetricName.jobDuration}_count`, { queue: 'conference' })).toBe(1);
    expect(conference.sum(`${MetricName.bookingLatency}_count`, { step: 'conference' })).toBe(1);
    expect(
      conference.sum(MetricName.providerRequests, {
        provider: 'zoom',
        operation: 'meetings.create',
        status: '201',
      }),
    ).toBe(1);
    expect(
      conference.sum(MetricName.providerRequests, { provider: 'zoom', operation: 'meetings.create' }),
    ).toBe(1);
    expect(
      conference.sum(`${MetricName.providerRequestDuration}_count`, {
        provider: 'zoom',
        operation: 'meetings.create',
      }),
    ).toBe(1);
    // The Server-to-Server account token, fetched once.
    expect(conference.select(MetricName.tokenRefreshes)).toEqual([
      { name: MetricName.tokenRefreshes, labels: { provider: 'zoom', outcome: 'success' }, value: 1 },
    ]);
    expect(conference.sum(MetricName.rateLimitWaits)).toBe(0);
    expect(conference.sum('process_cpu_user_seconds_total')).toBeGreaterThan(0);

    const calendar = await settledScrape('calendar-worker', 'calendar');
    expect(calendar.sum(MetricName.jobs, { queue: 'calendar' })).toBe(1);
    expect(calendar.sum(`${MetricName.bookingLatency}_count`, { step: 'calendar' })).toBe(1);
    expect(
      calendar.sum(MetricName.providerRequests, {
        provider: 'google',
        operation: 'events.get',
        status: '200',
      }),
    ).toBe(1);
    // The fake, as Google does, refuses a third-party conferenceData (400); the patch without it goes through.
    const patches = calendar.select(MetricName.providerRequests, {
      provider: 'google',
      operation: 'events.patch',
    });
    expect(Object.fromEntries(patches.map((s) => [s.labels['status'] ?? '', s.value]))).toEqual({
      '400': 1,
      '200': 1,
    });
    expect(calendar.sum(MetricName.tokenRefreshes, { provider: 'google', outcome: 'success' })).toBe(1);

    const email = await settledScrape('email-worker', 'email');
    expect(email.sum(MetricName.jobs, { queue: 'email' })).toBe(1);
    expect(
      email.sum(MetricName.providerRequests, { provider: 'smtp', operation: 'send', status: 'ok' }),
    ).toBe(1);
    // The booking's two reminders wait, delayed, on the queue the email worker consumes.
    expect(email.sum(MetricName.queueJobs, { queue: 'reminders', state: 'delayed' })).toBe(2);

    for (const scrape of [conference, calendar, email]) {
      const values = scrape.samples.flatMap((s) => Object.values(s.labels));
      expect(values.filter((v) => v.includes(bookingId) || v.includes('@'))).toEqual([]);
    }
  });

  it('serves the intake metrics to admins only: the event accepted, every queue counted', async () => {
    const anonymous = await fetch(`${pipeline.url}/metrics`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await fetch(`${pipeline.url}/metrics`, {
      headers: { authorization: 'Bearer not-the-token-at-all' },
    });
    expect(wrong.status).toBe(401);

    const intake = await scrapeIntake();
    expect(intake.select(MetricName.intakeEvents)).toEqual([
      { name: MetricName.intakeEvents, labels: { outcome: 'accepted' }, value: 1 },
    ]);
    const queues = new Set(intake.select(MetricName.queueJobs).map((s) => s.labels['queue']));
    expect(queues).toEqual(new Set(['conference', 'calendar', 'email', 'reminders', 'meeting-cleanup']));
    expect(intake.sum(MetricName.queueJobs, { queue: 'conference', state: 'waiting' })).toBe(0);
    expect(intake.sum(MetricName.queueJobs, { queue: 'reminders', state: 'delayed' })).toBe(2);
    const values = intake.samples.flatMap((s) => Object.values(s.labels));
    expect(values.filter((v) => v.includes(bookingId))).toEqual([]);
  });

  it('answers every worker’s /healthz and /readyz', async () => {
    for (const app of WORKER_APP_NAMES) {
      const health = await fetch(`${pipeline.opsUrls[app]}/healthz`);
      expect([app, health.status]).toEqual([app, 200]);
      const ready = await fetch(`${pipeline.opsUrls[app]}/readyz`);
      expect([app, ready.status, await ready.json()]).toEqual([app, 200, { status: 'ready' }]);
    }
  });

  it('exports one trace for the booking: intake request → conference → calendar and email, vendor calls beneath', async () => {
    const spans = await pollUntil(
      () => Promise.resolve([...receiver.spans]),
      (all) =>
        ['process email', 'smtp send', 'google events.patch'].every((name) =>
          all.some(
            (s) =>
              s.name === name &&
              (name !== 'process email' || s.attributes['meetlink.booking.id'] === bookingId),
          ),
        ),
      { what: 'the booking spans of every process', timeoutMs: 20_000 },
    );
    const request = spans.find((s) => s.service === 'intake-api' && s.name === 'POST /v1/events');
    expect(request).toMatchObject({
      kind: KIND.server,
      parentSpanId: '',
      attributes: {
        'http.request.method': 'POST',
        'http.route': '/v1/events',
        'http.response.status_code': 202,
      },
    });
    const trace = spans.filter((s) => s.traceId === request!.traceId);
    const one = (name: string) => {
      const found = trace.filter((s) => s.name === name);
      expect([name, found.length]).toEqual([name, 1]);
      return found[0]!;
    };
    expect(new Set(trace.map((s) => s.service))).toEqual(
      new Set(['intake-api', 'conference-worker', 'calendar-worker', 'email-worker']),
    );

    const conference = one('process conference');
    expect(conference).toMatchObject({
      service: 'conference-worker',
      kind: KIND.consumer,
      parentSpanId: request!.spanId,
      attributes: { 'meetlink.booking.id': bookingId, 'meetlink.job.outcome': 'completed' },
    });
    const calendar = one('process calendar');
    const email = one('process email');
    expect([calendar.service, calendar.parentSpanId]).toEqual(['calendar-worker', conference.spanId]);
    expect([email.service, email.parentSpanId]).toEqual(['email-worker', conference.spanId]);

    const create = one('zoom meetings.create');
    expect(create).toMatchObject({
      kind: KIND.client,
      parentSpanId: conference.spanId,
      attributes: {
        'http.request.method': 'POST',
        'http.response.status_code': 201,
        'server.address': '127.0.0.1',
      },
    });
    // The host's email is in Zoom's path; it never leaves in the span.
    expect(String(create.attributes['url.full'])).toMatch(/\/users\/REDACTED\/meetings$/);
    const patches = trace.filter((s) => s.name === 'google events.patch');
    expect(patches.map((s) => [s.parentSpanId, s.attributes['http.response.status_code']])).toEqual([
      [calendar.spanId, 400],
      [calendar.spanId, 200],
    ]);
    expect(patches[0]!.attributes['error.type']).toBe('400');
    expect(one('smtp send')).toMatchObject({ kind: KIND.client, parentSpanId: email.spanId });
    // Every span of the trace hangs from the request: none is orphaned.
    const ids = new Set(trace.map((s) => s.spanId));
    expect(trace.filter((s) => s !== request && !ids.has(s.parentSpanId)).map((s) => s.name)).toEqual([]);
  });
});
