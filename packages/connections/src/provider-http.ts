// The one authenticated JSON GET the connect flows and the connections test make to a provider
// (who am I), its answers mapped to our errors here; token requests go through token-endpoint.ts.
// Messages and details name the provider's error code and status, never a token.
import { PermanentError, RetryableError, retryAfterFrom } from '@meetlink/errors';
import { readJson } from './token-endpoint';

export interface ProviderHttpOptions {
  /** 'Zoom', 'Google', 'Microsoft': for messages. */
  vendor: string;
  /** snake_case stem of error codes: 'zoom' for Zoom, 'calendar' for Google and Microsoft. */
  codePrefix: 'zoom' | 'calendar';
  timeoutMs?: number;
  now?: () => Date;
  fetch?: typeof fetch;
}

const send = async (
  {
    vendor,
    codePrefix,
    timeoutMs = 10_000,
    now = () => new Date(),
    fetch: fetchImpl = (i, o) => fetch(i, o),
  }: ProviderHttpOptions,
  what: string,
  url: string,
  init: RequestInit,
): Promise<{ status: number; json: unknown; retryAfterMs: number | undefined }> => {
  try {
    const response = await fetchImpl(url, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return {
      status: response.status,
      json: readJson(text),
      retryAfterMs: retryAfterFrom(response.headers, now()),
    };
  } catch (cause) {
    throw new RetryableError(
      `${codePrefix}_unavailable`,
      `${vendor} ${what}: no answer (network error or timeout)`,
      {
        cause,
      },
    );
  }
};

const transient = (
  options: ProviderHttpOptions,
  what: string,
  status: number,
  retryAfterMs: number | undefined,
): RetryableError | undefined => {
  if (status === 429)
    return new RetryableError(
      `${options.codePrefix}_rate_limited`,
      `${options.vendor} ${what}: rate limited (429)`,
      {
        retryAfterMs: retryAfterMs ?? 2_000,
        rateLimitScope: 'provider',
        providerResponse: { status },
      },
    );
  if (status >= 500 || status === 408)
    return new RetryableError(
      `${options.codePrefix}_unavailable`,
      `${options.vendor} ${what}: answered ${status}`,
      {
        providerResponse: { status },
      },
    );
  return undefined;
};

/** An authenticated GET answering JSON; 401 → `provider_unauthorized` so the caller can refresh once. */
export const getJson = async (
  options: ProviderHttpOptions,
  what: string,
  url: string,
  accessToken: string,
): Promise<unknown> => {
  const { status, json, retryAfterMs } = await send(options, what, url, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  if (status >= 200 && status < 300) return json;
  const retryable = transient(options, what, status, retryAfterMs);
  if (retryable) throw retryable;
  const providerResponse = { status, body: summarizeErrorBody(json) };
  if (status === 401)
    throw new PermanentError(
      'provider_unauthorized',
      `${options.vendor} ${what}: the access token was refused (401)`,
      {
        providerResponse,
      },
    );
  throw new PermanentError(
    `${options.codePrefix}_request_rejected`,
    `${options.vendor} ${what} answered ${status}`,
    {
      providerResponse,
    },
  );
};

/** The vendor's error code and message, whichever of their shapes it came in. */
const summarizeErrorBody = (json: unknown): { code: string | number | null; message: string | null } => {
  const value = json as Record<string, unknown> | undefined;
  const nested = value?.['error'];
  const source = nested && typeof nested === 'object' ? (nested as Record<string, unknown>) : value;
  const code = source?.['code'] ?? source?.['reason'] ?? null;
  const message = source?.['message'] ?? null;
  return {
    code: typeof code === 'string' || typeof code === 'number' ? code : null,
    message: typeof message === 'string' ? message : null,
  };
};
