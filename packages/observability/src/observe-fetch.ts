// Instrumented vendor calls: a `fetch` wrapped so each call counts in the provider metrics and, while
// tracing is on, runs as a client span (HTTP semantic conventions) under the job that made it. Every
// vendor client takes an injectable fetch, so the composition roots wrap theirs without the clients
// knowing. Token endpoints count their outcomes in meetlink_token_refreshes_total as well.
import { secondsSince } from './metrics';
import type { Metrics, TokenRefreshOutcome } from './metrics';
import { isTracingEnabled, withSpan } from './tracing';
import type { TraceSpan } from './tracing';

/** A vendor call's bounded name (`meetings.create`, `events.patch`, `oauth.token`) from its method and URL. */
export type OperationOf = (method: string, url: URL) => string;

export interface ObserveFetchOptions {
  /** Low-cardinality vendor name: `zoom`, `google`, `microsoft`. */
  provider: string;
  operationOf: OperationOf;
  metrics: Pick<Metrics, 'providerRequests' | 'providerRequestDuration' | 'tokenRefreshes'>;
  /** An OAuth token endpoint: each call also counts as a token refresh, by outcome. */
  isTokenEndpoint?: boolean;
  /** The fetch to wrap; default the global one. */
  fetch?: typeof fetch;
}

/** The operation of every call to an OAuth token endpoint. */
export const TOKEN_OPERATION = 'oauth.token';

const urlOf = (input: Parameters<typeof fetch>[0]): URL =>
  input instanceof URL ? input : new URL(typeof input === 'string' ? input : input.url);

const methodOf = (input: Parameters<typeof fetch>[0], init: RequestInit | undefined): string =>
  (init?.method ?? (typeof input === 'object' && 'method' in input ? input.method : 'GET')).toUpperCase();

/** A transport failure's status label: `timeout` for an abort by AbortSignal.timeout, else `error`. */
const failureStatus = (error: unknown): string =>
  error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
    ? 'timeout'
    : 'error';

export const tokenRefreshOutcome = (status: number): TokenRefreshOutcome =>
  status >= 200 && status < 300
    ? 'success'
    : status === 429
      ? 'rate_limited'
      : status >= 400 && status < 500 && status !== 408
        ? 'rejected'
        : 'error';

/**
 * url.full without what must not leave the process: the query (it may carry codes or page tokens)
 * and any path segment holding an email address (Zoom's /users/{email}/…), as `REDACTED`, the way
 * the HTTP semantic conventions ask sensitive URL parts to be scrubbed.
 */
export const redactedUrl = (url: URL): string => {
  const path = url.pathname
    .split('/')
    .map((segment) => (segment.includes('@') || segment.includes('%40') ? 'REDACTED' : segment))
    .join('/');
  return `${url.protocol}//${url.host}${path}`;
};

const defaultPort = (url: URL): number =>
  url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;

/** `fetch` with provider metrics and a client span around every call. */
export const observeFetch = ({
  provider,
  operationOf,
  metrics,
  isTokenEndpoint = false,
  fetch: inner = (input, init) => fetch(input, init),
}: ObserveFetchOptions): typeof fetch => {
  const record = (operation: string, status: string, startedAt: number, refresh?: TokenRefreshOutcome) => {
    metrics.providerRequests.inc({ provider, operation, status });
    metrics.providerRequestDuration.observe({ provider, operation }, secondsSince(startedAt));
    if (isTokenEndpoint && refresh) metrics.tokenRefreshes.inc({ provider, outcome: refresh });
  };

  const call = async (
    input: Parameters<typeof fetch>[0],
    init: RequestInit | undefined,
    operation: string,
    span?: TraceSpan,
  ): Promise<Response> => {
    const startedAt = performance.now();
    let response: Response;
    try {
      response = await inner(input, init);
    } catch (error) {
      const status = failureStatus(error);
      record(operation, status, startedAt, 'error');
      span?.fail(error instanceof Error ? error.name : status);
      throw error;
    }
    record(operation, String(response.status), startedAt, tokenRefreshOutcome(response.status));
    if (span) {
      span.setAttribute('http.response.status_code', response.status);
      if (response.status >= 400) span.fail(String(response.status));
    }
    return response;
  };

  return async (input, init) => {
    const url = urlOf(input);
    const method = methodOf(input, init);
    const operation = operationOf(method, url);
    if (!isTracingEnabled()) return call(input, init, operation);
    return withSpan(
      `${provider} ${operation}`,
      {
        kind: 'client',
        attributes: {
          'http.request.method': method,
          'url.full': redactedUrl(url),
          'server.address': url.hostname,
          'server.port': defaultPort(url),
          'meetlink.provider': provider,
          'meetlink.operation': operation,
        },
      },
      (span) => call(input, init, operation, span),
    );
  };
};

export interface ObserveCallOptions {
  provider: string;
  operation: string;
  metrics: Pick<Metrics, 'providerRequests' | 'providerRequestDuration'>;
  /** The status label of a failure (an error code); default the error's name. */
  statusOf?: (error: unknown) => string;
}

/**
 * The same for a vendor call that is not HTTP (SMTP): metrics with status `ok` or the failure's
 * status, and a client span named `<provider> <operation>`.
 */
export const observeCall = async <T>(
  {
    provider,
    operation,
    metrics,
    statusOf = (e) => (e instanceof Error ? e.name : 'error'),
  }: ObserveCallOptions,
  work: () => Promise<T>,
): Promise<T> => {
  const run = async (span?: TraceSpan): Promise<T> => {
    const startedAt = performance.now();
    const done = (status: string) => {
      metrics.providerRequests.inc({ provider, operation, status });
      metrics.providerRequestDuration.observe({ provider, operation }, secondsSince(startedAt));
    };
    try {
      const result = await work();
      done('ok');
      return result;
    } catch (error) {
      const status = statusOf(error);
      done(status);
      span?.fail(status);
      throw error;
    }
  };
  if (!isTracingEnabled()) return run();
  return withSpan(
    `${provider} ${operation}`,
    { kind: 'client', attributes: { 'meetlink.provider': provider, 'meetlink.operation': operation } },
    run,
  );
};
