// One OAuth 2.0 token endpoint (RFC 6749 §5): Google's /token or Microsoft's
// {authority}/{tenant}/oauth2/v2.0/token. Transport failures, 429 and 5xx become our retryable
// errors here; a refused grant comes back as OAuthGrantError for the caller to name, since what it
// means (member must reconnect, delegation missing, app secret wrong) depends on the grant.
import { PermanentError, RetryableError } from '@meetlink/errors';
import { z } from 'zod';
import { retryAfterFrom } from './retry-after';

export const TokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().positive(),
  refresh_token: z.string().min(1).optional(),
  scope: z.string().optional(),
});
export type TokenAnswer = z.infer<typeof TokenAnswer>;

const GrantErrorBody = z.object({
  error: z.string(),
  error_description: z.string().optional(),
  error_codes: z.array(z.number()).optional(),
});

/** The token endpoint refused the grant: `error` is RFC 6749's code (`invalid_grant`, `invalid_client`…). */
export class OAuthGrantError extends Error {
  constructor(
    readonly error: string,
    readonly description: string | undefined,
    readonly status: number,
  ) {
    super(`${error}${description ? `: ${description}` : ''}`);
    this.name = 'OAuthGrantError';
  }
}

export type RequestToken = (params: Record<string, string>) => Promise<TokenAnswer>;

export interface TokenEndpointOptions {
  url: string;
  /** 'Google' or 'Microsoft', for messages. */
  vendor: string;
  timeoutMs?: number;
  now?: () => Date;
  fetch?: typeof fetch;
}

export const createTokenRequester = ({
  url,
  vendor,
  timeoutMs = 15_000,
  now = () => new Date(),
  fetch: fetchImpl = (input, init) => fetch(input, init),
}: TokenEndpointOptions): RequestToken => {
  return async (params) => {
    const grant = params['grant_type'] ?? '?';
    let response: Response;
    let text: string;
    try {
      response = await fetchImpl(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
      text = await response.text();
    } catch (cause) {
      throw new RetryableError('calendar_unavailable', `${vendor} token endpoint unreachable (${grant})`, {
        cause,
      });
    }
    const status = response.status;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (status >= 200 && status < 300) {
      const parsed = TokenAnswer.safeParse(json);
      // Name the fields that were wrong, never their values: they are tokens.
      if (!parsed.success) {
        throw new PermanentError(
          'calendar_unexpected_response',
          `${vendor} token endpoint answered ${status} without a usable token (${parsed.error.issues.map((i) => i.path.join('.')).join(', ') || 'not JSON'})`,
        );
      }
      return parsed.data;
    }
    const retryAfterMs = retryAfterFrom(response.headers, now());
    if (status === 429) {
      throw new RetryableError('calendar_rate_limited', `${vendor} token endpoint answered 429 (${grant})`, {
        retryAfterMs: retryAfterMs ?? 2_000,
        rateLimitScope: 'provider',
        providerResponse: { status },
      });
    }
    if (status >= 500 || status === 408) {
      throw new RetryableError(
        'calendar_unavailable',
        `${vendor} token endpoint answered ${status} (${grant})`,
        {
          providerResponse: { status },
          ...(retryAfterMs !== undefined ? { retryAfterMs, rateLimitScope: 'provider' as const } : {}),
        },
      );
    }
    const refused = GrantErrorBody.safeParse(json);
    if (refused.success)
      throw new OAuthGrantError(refused.data.error, refused.data.error_description, status);
    throw new PermanentError(
      'calendar_oauth_rejected',
      `${vendor} token endpoint answered ${status} (${grant})`,
      {
        providerResponse: { status },
      },
    );
  };
};
