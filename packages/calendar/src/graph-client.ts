// The Graph JS client, built with our own middleware chain. Its AuthenticationHandler adds the
// Authorization header only for https hosts it knows (graph.microsoft.com and national clouds), so
// a bearer middleware of ours goes first and HTTPMessageHandler last: an http:// fake then works.
// The RetryHandler waits out a 429/503/504 only when Retry-After is short; longer waits go back to
// the queue as a retryable error, so a worker (or a test) never sleeps for minutes.
import {
  Client,
  HTTPMessageHandler,
  RetryHandler,
  RetryHandlerOptions,
} from '@microsoft/microsoft-graph-client';
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { retryAfterFrom } from '@meetlink/errors';

export const DEFAULT_GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';

const setHeader = (context: Context, name: string, value: string): void => {
  if (typeof Request !== 'undefined' && context.request instanceof Request) {
    context.request.headers.set(name, value);
    return;
  }
  const options = (context.options ??= {});
  if (options.headers instanceof Headers) {
    options.headers.set(name, value);
  } else if (Array.isArray(options.headers)) {
    options.headers = [
      ...options.headers.filter(([key]) => key?.toLowerCase() !== name.toLowerCase()),
      [name, value],
    ];
  } else {
    options.headers = { ...(options.headers ?? {}), [name]: value };
  }
};

class BearerMiddleware implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly token: string) {}

  async execute(context: Context): Promise<void> {
    setHeader(context, 'Authorization', `Bearer ${this.token}`);
    if (!this.next) throw new Error('BearerMiddleware must not be the last middleware');
    await this.next.execute(context);
  }

  setNext(next: Middleware): void {
    this.next = next;
  }
}

/** The chain's last link when the adapter is given a fetch: HTTPMessageHandler calls the global one. */
class FetchHandler implements Middleware {
  constructor(private readonly fetchImpl: typeof fetch) {}

  async execute(context: Context): Promise<void> {
    context.response = await this.fetchImpl(context.request as string | Request, context.options);
  }
}

/** `https://graph.microsoft.com/v1.0` → host part and version, as the client wants them apart. */
export const splitGraphBaseUrl = (graphBaseUrl: string): { baseUrl: string; version: string } => {
  const trimmed = graphBaseUrl.replace(/\/+$/, '');
  const slash = trimmed.lastIndexOf('/');
  const hostEnd = trimmed.indexOf('/', trimmed.indexOf('//') + 2);
  if (slash === -1 || hostEnd === -1 || slash < hostEnd) return { baseUrl: trimmed, version: 'v1.0' };
  return { baseUrl: trimmed.slice(0, slash), version: trimmed.slice(slash + 1) };
};

export interface GraphClientOptions {
  graphBaseUrl: string;
  /** Wait out a Retry-After in place only up to this long. */
  maxRetryDelayMs: number;
  maxRetries: number;
  /** The adapter's clock, for Retry-After dates. */
  now: () => Date;
  /** Every HTTP call, the in-place retries' too (an instrumented fetch); default the global one. */
  fetch?: typeof fetch | undefined;
}

export type GraphClientFactory = (token: string) => Client;

export const createGraphClientFactory = ({
  graphBaseUrl,
  maxRetryDelayMs,
  maxRetries,
  now,
  fetch: fetchImpl,
}: GraphClientOptions): GraphClientFactory => {
  const { baseUrl, version } = splitGraphBaseUrl(graphBaseUrl);
  const shouldRetry = (
    _delay: number,
    _attempt: number,
    _request: unknown,
    _options: unknown,
    response: Response,
  ): boolean => {
    const waitMs = retryAfterFrom(response.headers, now());
    return waitMs !== undefined && waitMs <= maxRetryDelayMs;
  };
  return (token) =>
    Client.initWithMiddleware({
      baseUrl,
      defaultVersion: version,
      middleware: [
        new BearerMiddleware(token),
        new RetryHandler(new RetryHandlerOptions(1, Math.min(maxRetries, 10), shouldRetry)),
        fetchImpl ? new FetchHandler(fetchImpl) : new HTTPMessageHandler(),
      ],
    });
};
