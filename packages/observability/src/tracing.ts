// OpenTelemetry traces for every process: off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (then OTLP/HTTP
// export, one service.name per app) or a test installs an exporter. While off, every helper here is a
// check of one boolean and a direct call, so the pipeline pays nothing for tracing it does not use.
// The W3C trace context travels in job data (TraceCarrier), so one booking is one trace across the
// intake and the three workers.
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Attributes, AttributeValue, Context, Span } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import type { SpanExporter } from '@opentelemetry/sdk-trace-node';
import { ATTR_ERROR_TYPE, ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export { InMemorySpanExporter } from '@opentelemetry/sdk-trace-node';
export type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-node';

const TRACER_NAME = '@meetlink/observability';

let provider: NodeTracerProvider | undefined;

/** Whether this process records spans; false until startTracing installed an exporter. */
export const isTracingEnabled = (): boolean => provider !== undefined;

export interface TracingOptions {
  /** service.name of the spans: the app's name (`intake-api`, `conference-worker`…). */
  serviceName: string;
  /** OTEL_EXPORTER_OTLP_ENDPOINT (`http://collector:4318`); spans go to `<endpoint>/v1/traces`. */
  endpoint?: string | undefined;
  /** For tests: spans go here, one by one as they end, instead of over OTLP. */
  exporter?: SpanExporter;
}

export interface Tracing {
  readonly isEnabled: boolean;
  /** Sends what is still buffered and turns tracing off again. */
  shutdown(): Promise<void>;
}

const DISABLED: Tracing = { isEnabled: false, shutdown: () => Promise.resolve() };

/** `http://collector:4318` → `http://collector:4318/v1/traces`, as the OTLP exporter spec appends it. */
export const otlpTracesUrl = (endpoint: string): string => `${endpoint.replace(/\/+$/, '')}/v1/traces`;

/**
 * Installs this process's tracer provider: the W3C propagator, the AsyncLocalStorage context manager
 * (a span started in a job is the parent of the vendor calls it makes), and the exporter. Without an
 * endpoint or exporter it does nothing and tracing stays off. One per process.
 */
export const startTracing = ({ serviceName, endpoint, exporter }: TracingOptions): Tracing => {
  if (!exporter && !endpoint) return DISABLED;
  if (provider) throw new Error('startTracing: tracing is already started in this process');
  const spanProcessor = exporter
    ? new SimpleSpanProcessor(exporter)
    : // Batched: spans leave every few seconds (OTEL_BSP_SCHEDULE_DELAY), off the jobs' path.
      new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesUrl(endpoint ?? '') }));
  const installed = new NodeTracerProvider({
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName })),
    spanProcessors: [spanProcessor],
  });
  installed.register();
  provider = installed;
  return {
    isEnabled: true,
    shutdown: async () => {
      if (provider !== installed) return;
      provider = undefined;
      await installed.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
};

/** The W3C trace context of a span, as it travels in job data (and in `traceparent` headers). */
export interface TraceCarrier {
  traceparent: string;
  tracestate?: string | undefined;
}

/** The active span's context to put into a job's data; undefined while tracing is off or no span is active. */
export const injectTraceContext = (): TraceCarrier | undefined => {
  if (!provider) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const traceparent = carrier['traceparent'];
  if (!traceparent) return undefined;
  return carrier['tracestate'] ? { traceparent, tracestate: carrier['tracestate'] } : { traceparent };
};

/** The context a carrier names (a job's `trace`, a request's headers), or the root context. */
export const extractTraceContext = (carrier: unknown): Context => {
  if (!provider || typeof carrier !== 'object' || carrier === null) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, carrier);
};

export type TraceSpanKind = 'server' | 'client' | 'consumer' | 'producer' | 'internal';

const KINDS: Record<TraceSpanKind, SpanKind> = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  consumer: SpanKind.CONSUMER,
  producer: SpanKind.PRODUCER,
  internal: SpanKind.INTERNAL,
};

/** What the code inside a span may say about it. */
export interface TraceSpan {
  setAttribute(key: string, value: AttributeValue): void;
  /** Marks the span failed; `errorType` is low-cardinality (an error code, a status, an exception name). */
  fail(errorType: string): void;
}

const NO_SPAN: TraceSpan = { setAttribute: () => undefined, fail: () => undefined };

const handleOf = (span: Span): TraceSpan => ({
  setAttribute: (key, value) => {
    span.setAttribute(key, value);
  },
  fail: (errorType) => {
    span.setAttribute(ATTR_ERROR_TYPE, errorType);
    span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
  },
});

export interface SpanOptions {
  kind?: TraceSpanKind;
  attributes?: Attributes;
  /** The parent: a carrier from job data or headers (null: none, a new trace). Absent: the active span. */
  parent?: unknown;
  /** Whether a throw marks the span failed; default every throw (a job's deferral is no failure). */
  isFailure?: (error: unknown) => boolean;
}

/**
 * Runs `work` inside a new span (the active one while it runs, so spans it starts are its children)
 * and ends the span when `work` settles; a throw marks it failed with the error's name unless `work`
 * said more with `fail` (or `isFailure` says the throw is none). While tracing is off, `work` simply runs.
 */
export const withSpan = async <T>(
  name: string,
  options: SpanOptions,
  work: (span: TraceSpan) => Promise<T>,
): Promise<T> => {
  if (!provider) return work(NO_SPAN);
  const parent = options.parent === undefined ? context.active() : extractTraceContext(options.parent);
  const span = trace
    .getTracer(TRACER_NAME)
    .startSpan(name, { kind: KINDS[options.kind ?? 'internal'], attributes: options.attributes }, parent);
  const handle = handleOf(span);
  let isFailed = false;
  const tracked: TraceSpan = {
    setAttribute: (key, value) => handle.setAttribute(key, value),
    fail: (errorType) => {
      isFailed = true;
      handle.fail(errorType);
    },
  };
  try {
    return await context.with(trace.setSpan(parent, span), () => work(tracked));
  } catch (error) {
    if (!isFailed && (options.isFailure?.(error) ?? true)) {
      handle.fail(error instanceof Error ? error.name : 'Error');
    }
    throw error;
  } finally {
    span.end();
  }
};

/** The parts of node:http's request and response a server span needs (Express's extend them). */
export interface TracedRequest {
  method?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}
export interface TracedResponse {
  statusCode: number;
  once(event: 'finish' | 'close', listener: () => void): unknown;
  on(event: string, listener: (...args: unknown[]) => void): unknown;
}

/**
 * Middleware body for a server span per request: the parent from an incoming `traceparent`, the name
 * and `http.route` from the route template that handled it (`routeOf`, read when the response is
 * done: never the raw path, which carries booking ids), the status at the end. The request and
 * response emitters are bound to the span's context, so handlers that run from their events (a body
 * parser's 'end') still see it as active.
 */
export const traceHttpRequest = (
  req: TracedRequest,
  res: TracedResponse,
  next: () => void,
  routeOf: () => string | undefined,
): void => {
  if (!provider) {
    next();
    return;
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const parent = propagation.extract(ROOT_CONTEXT, req.headers);
  const span = trace.getTracer(TRACER_NAME).startSpan(
    method,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': method, 'url.scheme': 'http' },
    },
    parent,
  );
  const active = trace.setSpan(parent, span);
  let isEnded = false;
  const end = (): void => {
    if (isEnded) return;
    isEnded = true;
    const route = routeOf();
    if (route) {
      span.updateName(`${method} ${route}`);
      span.setAttribute('http.route', route);
    }
    span.setAttribute('http.response.status_code', res.statusCode);
    if (res.statusCode >= 500) {
      span.setAttribute(ATTR_ERROR_TYPE, String(res.statusCode));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    span.end();
  };
  res.once('finish', end);
  res.once('close', end);
  context.bind(active, req);
  context.bind(active, res);
  context.with(active, next);
};
