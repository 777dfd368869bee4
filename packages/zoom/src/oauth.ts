// Zoom's token endpoint ({oauthBaseUrl}/oauth/token) for both grants we use: account_credentials
// (Server-to-Server OAuth) and refresh_token (a member's user OAuth). Client credentials go in a
// Basic header; answers and errors never reach a message with a token in them.
import { PermanentError } from '@meetlink/errors';
import { z } from 'zod';
import { mapNetworkError, mapZoomError, parseZoomErrorBody } from './zoom-errors';

export const DEFAULT_OAUTH_BASE_URL = 'https://zoom.us';

export const OAuthTokenAnswer = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive(),
  scope: z.string().optional(),
});
export type OAuthTokenAnswer = z.infer<typeof OAuthTokenAnswer>;

/** The token endpoint refused the grant itself (`invalid_grant`): a refresh token that is dead. */
export class InvalidGrantError extends Error {
  constructor(readonly reason: string) {
    super(`Zoom refused the grant: ${reason}`);
    this.name = 'InvalidGrantError';
  }
}

export interface OAuthClientOptions {
  oauthBaseUrl?: string;
  clientId: string;
  clientSecret: string;
  timeoutMs?: number;
  now?: () => Date;
  fetch?: typeof fetch;
}

export type RequestOAuthToken = (params: Record<string, string>) => Promise<OAuthTokenAnswer>;

const OAuthErrorBody = z.object({ error: z.string().optional(), reason: z.string().optional() });

/** `{reason, error}` as the token endpoint answers; anything else through Zoom's generic reader. */
const readOAuthError = (text: string): z.infer<typeof OAuthErrorBody> => {
  try {
    const parsed = OAuthErrorBody.safeParse(JSON.parse(text));
    if (parsed.success && (parsed.data.error || parsed.data.reason)) return parsed.data;
  } catch {
    // Not JSON: fall through.
  }
  const generic = parseZoomErrorBody(text);
  return generic.message ? { reason: generic.message } : {};
};

export const createOAuthTokenRequester = ({
  oauthBaseUrl = DEFAULT_OAUTH_BASE_URL,
  clientId,
  clientSecret,
  timeoutMs = 10_000,
  now = () => new Date(),
  fetch: fetchImpl = (input, init) => fetch(input, init),
}: OAuthClientOptions): RequestOAuthToken => {
  const url = `${oauthBaseUrl.replace(/\/+$/, '')}/oauth/token`;
  const basic = Buffer.from(`${clientId}:${clientSecret}`).toString('base64');
  return async (params) => {
    const operation = `oauthToken(${params['grant_type'] ?? '?'})`;
    let status: number;
    let headers: Headers;
    let text: string;
    try {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: {
          authorization: `Basic ${basic}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
      status = response.status;
      headers = response.headers;
      text = await response.text();
    } catch (cause) {
      throw mapNetworkError(operation, cause);
    }
    if (status >= 200 && status < 300) {
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      const parsed = OAuthTokenAnswer.safeParse(json);
      // Say which fields were wrong, never their values: they are tokens.
      if (!parsed.success) {
        throw new PermanentError(
          'zoom_unexpected_response',
          `Zoom ${operation} answered without a usable token (${parsed.error.issues.map((i) => i.path.join('.')).join(', ') || 'not JSON'})`,
        );
      }
      return parsed.data;
    }
    if (status === 429 || status >= 500 || status === 408) {
      throw mapZoomError({ operation, status, headers, body: parseZoomErrorBody(text), now: now() });
    }
    const errorBody = readOAuthError(text);
    if (errorBody.error === 'invalid_grant') throw new InvalidGrantError(errorBody.reason ?? 'invalid_grant');
    throw new PermanentError(
      'zoom_oauth_rejected',
      `Zoom ${operation} answered ${status}: ${errorBody.error ?? 'error'}${errorBody.reason ? ` (${errorBody.reason})` : ''}`,
      { providerResponse: { status, ...errorBody } },
    );
  };
};
