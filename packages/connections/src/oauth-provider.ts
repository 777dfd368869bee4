// The connect flow of one provider, as the intake's /connect routes and connections API use it:
// where to send the browser, how to turn the callback's code into a member's tokens, the refresh
// grant (spent by the member-token refresh policy), and one cheap authenticated call.
import type { ConnectionProvider, ConnectionTokens } from './member-connections';
import { PermanentError } from '@meetlink/errors';
import { createTokenEndpointClient } from './token-endpoint';
import type { TokenAnswer } from './token-endpoint';

export interface Identity {
  /** What the store keeps as providerUserId: Zoom's user id, the Google email, the Microsoft UPN. */
  providerUserId: string | null;
}

export interface OAuthProvider {
  readonly provider: ConnectionProvider;
  /** 'Zoom', 'Google', 'Microsoft'. */
  readonly vendor: 'Zoom' | 'Google' | 'Microsoft';
  authorizationUrl(input: { state: string; redirectUri: string }): string;
  /** Exchanges a callback's code (and learns whose account it is); OAuthGrantError `invalid_grant` for a dead code. */
  exchangeCode(input: { code: string; redirectUri: string; now: Date }): Promise<ConnectionTokens>;
  /** Spends the refresh token; OAuthGrantError `invalid_grant` when the provider refuses it. */
  refresh(tokens: ConnectionTokens): Promise<TokenAnswer>;
  /** A cheap authenticated read; `provider_unauthorized` when the token is refused. */
  whoAmI(accessToken: string): Promise<Identity>;
}

export const tokensFrom = (
  answer: TokenAnswer,
  now: Date,
  providerUserId: string | null,
): ConnectionTokens => ({
  accessToken: answer.access_token,
  refreshToken: answer.refresh_token ?? '',
  expiresAt: new Date(now.getTime() + answer.expires_in * 1000).toISOString(),
  scope: answer.scope ?? '',
  providerUserId,
});

export interface OAuthFlowSpec {
  provider: ConnectionProvider;
  vendor: OAuthProvider['vendor'];
  authorizeUrl: string;
  /** Sent with client_id, redirect_uri, state and response_type=code. */
  authorizeParams: Record<string, string>;
  tokenUrl: string;
  client: { clientId: string; clientSecret: string; auth: 'basic' | 'form' };
  /** Sent with both grants (Microsoft wants the scope again). */
  grantParams?: Record<string, string>;
  /** Without a refresh token the connection would die with its first access token: refuse it, saying why. */
  noRefreshTokenMessage?: string;
  /** Whose account the code belongs to: from the answer itself (an id_token), or by calling whoAmI. */
  identify?: (answer: TokenAnswer) => string | null;
  whoAmI: (accessToken: string) => Promise<Identity>;
  fetch?: typeof fetch | undefined;
}

/** One authorization-code flow, as every provider runs it; the specs say what differs. */
export const createOAuthFlow = (spec: OAuthFlowSpec): OAuthProvider => {
  const requestToken = createTokenEndpointClient({
    url: spec.tokenUrl,
    vendor: spec.vendor,
    client: spec.client,
    timeoutMs: 10_000,
    ...(spec.fetch ? { fetch: spec.fetch } : {}),
  });
  const grantParams = spec.grantParams ?? {};
  return {
    provider: spec.provider,
    vendor: spec.vendor,
    authorizationUrl: ({ state, redirectUri }) => {
      const url = new URL(spec.authorizeUrl);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: spec.client.clientId,
        redirect_uri: redirectUri,
        ...spec.authorizeParams,
        state,
      }).toString();
      return url.toString();
    },
    exchangeCode: async ({ code, redirectUri, now }) => {
      const answer = await requestToken({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        ...grantParams,
      });
      if (spec.noRefreshTokenMessage && !answer.refresh_token) {
        throw new PermanentError('oauth_no_refresh_token', spec.noRefreshTokenMessage);
      }
      const providerUserId = spec.identify
        ? spec.identify(answer)
        : (await spec.whoAmI(answer.access_token)).providerUserId;
      return tokensFrom(answer, now, providerUserId);
    },
    refresh: (tokens) =>
      requestToken({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken, ...grantParams }),
    whoAmI: spec.whoAmI,
  };
};
