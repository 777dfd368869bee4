// The one HTTP exchange both calendar clients make, over the fetch they are handed (the workers'
// instrumented one): a JSON call with the host's bearer token; any answer but 2xx is thrown as a
// CalendarHttpError carrying what the vendor said, for google-errors.ts and graph-errors.ts to map.

/** A non-2xx answer: its status, its body (parsed JSON, else the text) and its headers. */
export class CalendarHttpError extends Error {
  override readonly name = 'CalendarHttpError';

  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Headers,
    message: string,
  ) {
    super(message);
  }
}

export interface JsonCall {
  method: 'GET' | 'PATCH';
  url: string;
  token: string;
  headers?: Record<string, string>;
  /** Sent as JSON; absent for a GET. */
  body?: unknown;
  signal: AbortSignal;
}

export interface JsonAnswer {
  status: number;
  headers: Headers;
  /** Parsed JSON; the raw text when it is not JSON; null when empty. */
  body: unknown;
}

const parseText = (text: string): unknown => {
  if (text === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
};

/** One request and its whole answer, whatever the status: a network failure or timeout throws. */
export const exchangeJson = async (fetchImpl: typeof fetch, call: JsonCall): Promise<JsonAnswer> => {
  const headers: Record<string, string> = {
    ...call.headers,
    authorization: `Bearer ${call.token}`,
    accept: 'application/json',
  };
  const init: RequestInit = { method: call.method, headers, signal: call.signal };
  if (call.body !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = JSON.stringify(call.body);
  }
  const response = await fetchImpl(call.url, init);
  return { status: response.status, headers: response.headers, body: parseText(await response.text()) };
};

export const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/** A non-2xx answer as the error to throw: both vendors put their message in `{error: {message}}`. */
export const failureOf = (api: 'Google Calendar' | 'Graph', answer: JsonAnswer): CalendarHttpError => {
  const { status, body, headers } = answer;
  const error =
    body && typeof body === 'object' ? (body as { error?: { message?: unknown } }).error : undefined;
  const message =
    typeof error?.message === 'string'
      ? error.message
      : typeof body === 'string' && body !== ''
        ? body.slice(0, 200)
        : `${api} answered ${status}`;
  return new CalendarHttpError(status, body, headers, message);
};

/**
 * Runs `work` with a signal that aborts after `timeoutMs`, and stops the clock when it settles.
 * Not AbortSignal.timeout: its timer runs out its whole span after the call is done, and a worker
 * making a few calls a booking would keep thousands of them pending, each firing later.
 */
export const withTimeout = async <T>(
  timeoutMs: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> => {
  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')),
    timeoutMs,
  );
  try {
    return await work(controller.signal);
  } finally {
    clearTimeout(timer);
  }
};
