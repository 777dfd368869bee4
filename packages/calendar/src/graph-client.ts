// Microsoft Graph's event calls over plain fetch. The Graph JS client ran each call through a chain
// of middleware objects built per token (bearer, RetryHandler, fetch), which added about half the
// CPU of the request itself. What its RetryHandler did is kept: a 429/503/504 whose Retry-After is short is waited
// out in place (Graph throttles briefly and says so); a longer wait, or none given, goes back to the
// queue as a retryable error, so a worker (or a test) never sleeps for minutes.
import { retryAfterFrom } from '@meetlink/errors';
import { exchangeJson, failureOf, isSuccess, withTimeout } from './calendar-http';
import type { JsonCall } from './calendar-http';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';

/** The statuses Graph's RetryHandler retried: throttled, or briefly unavailable. */
const RETRY_STATUSES = new Set([429, 503, 504]);

export interface GraphRequest {
  method: 'GET' | 'PATCH';
  /** From the version on: `/users/{id}/events/{id}`, with its query. */
  path: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface GraphClient {
  /** The answer's JSON; a non-2xx answer (after the in-place retries) throws a CalendarHttpError. */
  request(token: string, request: GraphRequest): Promise<unknown>;
}

export interface GraphClientOptions {
  /** GRAPH_BASE_URL, version included. */
  graphBaseUrl: string;
  /** Wait out a Retry-After in place only up to this long. */
  maxRetryDelayMs: number;
  maxRetries: number;
  /** For one call, its in-place waits included. */
  timeoutMs: number;
  /** The adapter's clock, for Retry-After dates. */
  now: () => Date;
  /** Every HTTP call, the in-place retries' too (an instrumented fetch). */
  fetch: typeof fetch;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export const createGraphClient = ({
  graphBaseUrl,
  maxRetryDelayMs,
  maxRetries,
  timeoutMs,
  now,
  fetch: fetchImpl,
}: GraphClientOptions): GraphClient => {
  const base = graphBaseUrl.replace(/\/+$/, '');
  return {
    request: (token, { method, path, headers, body }) =>
      withTimeout(timeoutMs, async (signal) => {
        const call: JsonCall = {
          method,
          url: `${base}${path}`,
          token,
          ...(body !== undefined ? { body } : {}),
          headers: { ...headers },
          signal,
        };
        for (let retries = 0; ; retries += 1) {
          const answer = await exchangeJson(fetchImpl, call);
          if (isSuccess(answer.status)) return answer.body;
          const waitMs = RETRY_STATUSES.has(answer.status)
            ? retryAfterFrom(answer.headers, now())
            : undefined;
          if (retries >= maxRetries || waitMs === undefined || waitMs > maxRetryDelayMs) {
            throw failureOf('Graph', answer);
          }
          await sleep(waitMs);
          // As Graph's RetryHandler marks a retry, so Graph's logs can tell one.
          call.headers = { ...headers, 'retry-attempt': String(retries + 1) };
        }
      }),
  };
};
