// The one OAuth 2.0 token endpoint client (RFC 6749 §5) of the tree, for every grant we use at
// Zoom ({ZOOM_OAUTH_BASE_URL}/oauth/token), Google (GOOGLE_OAUTH_TOKEN_URL) and Microsoft
// ({authority}/{tenant}/oauth2/v2.0/token): account_credentials, client_credentials, the JWT bearer
// grant, authorization_code and refresh_token. One answer schema, one refusal error; transport
// failures, 429 and 5xx become our retryable errors here. Messages and details name the vendor's
// error code and status, never a token, code or secret.
import { PermanentError, RetryableError } from '@meetlink/errors';
import { z } from 'zod';
import { retryAfterFrom } from '@meetlink/errors';

export const TokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
  /** OpenID Connect (Google's code exchange): names the account. */
  id_token: z.string().optional(),
});
export type TokenAnswer = z.infer<typeof TokenAnswer>;

/** RFC 6749's `{error, error_description}`; Zoom answers `{reason, error}`, Microsoft adds `error_codes`. */
const RefusalBody = z.object({
  error: z.string().optional(),
  error_description: z.string().optional(),
  reason: z.string().optional(),
});

/** Which family of our error codes a vendor's transport answers get: `zoom_…` or `calendar_…`. */
export type TokenVendor = 'Zoom' | 'Google' | 'Microsoft';
export const codeStemOf = (vendor: TokenVendor): 'zoom' | 'calendar' =>
  vendor === 'Zoom' ? 'zoom' : 'calendar';

/** Without a Retry-After, a rate-limited token endpoint is tried again after this. */
const DEFAULT_RATE_LIMIT_WAIT_MS: Record<'zoom' | 'calendar', number> = { zoom: 1_000, calendar: 2_000 };

const codeOfRefusal = (error: string): string =>
  error === 'invalid_grant'
    ? 'invalid_grant'
    : error === 'invalid_client' || error === 'unauthorized_client'
      ? 'oauth_client_rejected'
      : 'oauth_request_rejected';

/**
 * The token endpoint refused the request (a 4xx with an RFC 6749 error): `error` is the vendor's code
 * (`invalid_grant`, `invalid_client`, `unauthorized_client`…). Our `code` is `invalid_grant` (a
 * code or refresh token that is dead), `oauth_client_rejected` (our app's credentials) or
 * `oauth_request_rejected`. Callers that know what a refusal of their grant means rename it.
 */
export class OAuthGrantError extends PermanentError {
  constructor(
    readonly vendor: TokenVendor,
    readonly error: string,
    readonly description: string | undefined,
    readonly status: number,
    grant: string,
  ) {
    super(
      codeOfRefusal(error),
      `${vendor} token endpoint refused the ${grant} grant (${status} ${error}${description ? `: ${description}` : ''})`,
      { providerResponse: { status, error, error_description: description ?? null } },
    );
    this.name = 'OAuthGrantError';
  }

  get isInvalidGrant(): boolean {
    return this.error === 'invalid_grant';
  }
}

export type RequestToken = (params: Record<string, string>) => Promise<TokenAnswer>;

/** How the endpoint is reached; each vendor's token source passes its own on. */
export interface TokenTransport {
  timeoutMs?: number;
  now?: () => Date;
  fetch?: typeof fetch;
}

/** The transport part of a token source's settings: what is unset keeps the client's default. */
export const endpointTransport = ({ timeoutMs, now, fetch }: TokenTransport): TokenTransport => ({
  ...(timeoutMs !== undefined ? { timeoutMs } : {}),
  ...(now ? { now } : {}),
  ...(fetch ? { fetch } : {}),
});

export interface TokenEndpointOptions extends TokenTransport {
  url: string;
  vendor: TokenVendor;
  /**
   * Our app's credentials: as HTTP Basic (Zoom) or in the form (Google, Microsoft). Absent for a
   * grant that authenticates itself (Google's signed JWT assertion).
   */
  client?: { clientId: string; clientSecret: string; auth: 'basic' | 'form' };
}

/** A body as JSON, or undefined when it is not (vendors answer HTML or XML on some errors). */
export const readJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

export const createTokenEndpointClient = ({
  url,
  vendor,
  client,
  timeoutMs = 15_000,
  now = () => new Date(),
  fetch: fetchImpl = (input, init) => fetch(input, init),
}: TokenEndpointOptions): RequestToken => {
  const stem = codeStemOf(vendor);
  return async (params) => {
    const grant = params['grant_type'] ?? '?';
    const form = new URLSearchParams(params);
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'application/json',
    };
    if (client?.auth === 'basic') {
      headers['authorization'] =
        `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}`;
    } else if (client) {
      form.set('client_id', client.clientId);
      form.set('client_secret', client.clientSecret);
    }
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers,
        body: form.toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      throw new RetryableError(`${stem}_unavailable`, `${vendor} token endpoint (${grant}) got no answer`, {
        cause,
      });
    }
    const status = response.status;
    const json = readJson(text);
    if (status >= 200 && status < 300) {
      const parsed = TokenAnswer.safeParse(json);
      // Name the fields that were wrong, never their values: they are tokens.
      if (!parsed.success) {
        throw new PermanentError(
          `${stem}_unexpected_response`,
          `${vendor} token endpoint (${grant}) answered ${status} without a usable token (${parsed.error.issues.map((i) => i.path.join('.')).join(', ') || 'not JSON'})`,
        );
      }
      return parsed.data;
    }
    const retryAfterMs = retryAfterFrom(response.headers, now());
    if (status === 429) {
      throw new RetryableError(`${stem}_rate_limited`, `${vendor} token endpoint (${grant}) answered 429`, {
        retryAfterMs: retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS[stem],
        rateLimitScope: 'provider',
        providerResponse: { status },
      });
    }
    if (status >= 500 || status === 408) {
      throw new RetryableError(
        `${stem}_unavailable`,
        `${vendor} token endpoint (${grant}) answered ${status}`,
        {
          providerResponse: { status },
          ...(retryAfterMs !== undefined ? { retryAfterMs, rateLimitScope: 'provider' as const } : {}),
        },
      );
    }
    const body = RefusalBody.safeParse(json);
    const error = body.success ? body.data.error : undefined;
    const description = body.success ? (body.data.error_description ?? body.data.reason) : undefined;
    if (error) throw new OAuthGrantError(vendor, error, description, status, grant);
    throw new PermanentError(
      'oauth_request_rejected',
      `${vendor} token endpoint (${grant}) answered ${status}`,
      {
        providerResponse: { status, error: null, error_description: description ?? null },
      },
    );
  };
};
