// The two kinds of HTTP call the connect flows make to a provider, with its answers mapped to our
// errors here, once: a token endpoint (RFC 6749 form POST) and one authenticated JSON GET. Messages
// and details name the provider's error code and status, never a token, code or secret.
import { PermanentError, RetryableError } from '@meetlink/errors';
import { z } from 'zod';

export const TokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
  id_token: z.string().optional(),
});
export type TokenAnswer = z.infer<typeof TokenAnswer>;

const OAuthErrorBody = z.object({
  error: z.string().optional(),
  error_description: z.string().optional(),
  reason: z.string().optional(),
});

/** The token endpoint refused the grant itself: a code or refresh token that is dead. */
export class InvalidGrantError extends PermanentError {
  constructor(vendor: string, grant: string, providerResponse: unknown) {
    super('invalid_grant', `${vendor} refused the ${grant} (invalid_grant)`, { providerResponse });
    this.name = 'InvalidGrantError';
  }
}

export interface ProviderHttpOptions {
  /** 'Zoom', 'Google', 'Microsoft': for messages. */
  vendor: string;
  /** snake_case stem of error codes: 'zoom', 'google', 'microsoft'. */
  codePrefix: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const readJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const send = async (
  { vendor, codePrefix, timeoutMs = 10_000, fetch: fetchImpl = (i, o) => fetch(i, o) }: ProviderHttpOptions,
  what: string,
  url: string,
  init: RequestInit,
): Promise<{ status: number; json: unknown; retryAfter: string | null }> => {
  try {
    const response = await fetchImpl(url, {
      ...init,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await response.text();
    return { status: response.status, json: readJson(text), retryAfter: response.headers.get('retry-after') };
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

const retryAfterMs = (header: string | null): number | undefined => {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
};

const transient = (
  options: ProviderHttpOptions,
  what: string,
  status: number,
  retryAfter: string | null,
): RetryableError | undefined => {
  if (status === 429)
    return new RetryableError(
      `${options.codePrefix}_rate_limited`,
      `${options.vendor} ${what}: rate limited (429)`,
      {
        retryAfterMs: retryAfterMs(retryAfter),
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

export interface TokenEndpoint {
  url: string;
  /** Zoom wants the client credentials as HTTP Basic; Google and Microsoft take them in the form. */
  clientAuth: 'basic' | 'form';
  clientId: string;
  clientSecret: string;
}

/** POSTs a grant to the token endpoint; `grant` names it in messages ('authorization code'). */
export const requestToken = async (
  options: ProviderHttpOptions,
  endpoint: TokenEndpoint,
  grant: string,
  params: Record<string, string>,
): Promise<TokenAnswer> => {
  const form = new URLSearchParams(params);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (endpoint.clientAuth === 'basic') {
    headers['authorization'] =
      `Basic ${Buffer.from(`${endpoint.clientId}:${endpoint.clientSecret}`).toString('base64')}`;
  } else {
    form.set('client_id', endpoint.clientId);
    form.set('client_secret', endpoint.clientSecret);
  }
  const what = `token endpoint (${grant})`;
  const { status, json, retryAfter } = await send(options, what, endpoint.url, {
    method: 'POST',
    headers,
    body: form.toString(),
  });
  if (status >= 200 && status < 300) {
    const parsed = TokenAnswer.safeParse(json);
    if (!parsed.success) {
      // Name the fields that were wrong, never their values: they are tokens.
      throw new PermanentError(
        `${options.codePrefix}_unexpected_response`,
        `${options.vendor} ${what} answered without a usable token (${parsed.error.issues.map((i) => i.path.join('.')).join(', ') || 'not JSON'})`,
      );
    }
    return parsed.data;
  }
  const retryable = transient(options, what, status, retryAfter);
  if (retryable) throw retryable;
  const body = OAuthErrorBody.safeParse(json);
  const error = body.success ? body.data.error : undefined;
  // error_description can echo request values (Microsoft quotes the redirect URI); it carries no token.
  const providerResponse = {
    status,
    error: error ?? null,
    description: body.success ? (body.data.error_description ?? body.data.reason ?? null) : null,
  };
  if (error === 'invalid_grant') throw new InvalidGrantError(options.vendor, grant, providerResponse);
  if (error === 'invalid_client' || error === 'unauthorized_client')
    throw new PermanentError(
      'oauth_client_rejected',
      `${options.vendor} refused our OAuth client (${error})`,
      {
        providerResponse,
      },
    );
  throw new PermanentError(
    'oauth_request_rejected',
    `${options.vendor} ${what} answered ${status}${error ? ` (${error})` : ''}`,
    { providerResponse },
  );
};

/** An authenticated GET answering JSON; 401 → `provider_unauthorized` so the caller can refresh once. */
export const getJson = async (
  options: ProviderHttpOptions,
  what: string,
  url: string,
  accessToken: string,
): Promise<unknown> => {
  const { status, json, retryAfter } = await send(options, what, url, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  if (status >= 200 && status < 300) return json;
  const retryable = transient(options, what, status, retryAfter);
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
