// The connect flow of one provider, as the intake's /connect routes and connections API use it:
// where to send the browser, how to turn the callback's code into a member's tokens, the refresh
// grant (spent by the member-token refresh policy), and one cheap authenticated call.
import type { ConnectionProvider, ConnectionTokens } from './member-connections';
import { PermanentError } from '@meetlink/errors';
import { getJson } from './provider-http';
import type { ProviderHttpOptions } from './provider-http';
import { codeStemOf, createTokenEndpointClient } from './token-endpoint';
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

/** Our OAuth app at one provider (its client id and secret), and the fetch to reach it with. */
export interface OAuthAppOptions {
  clientId: string;
  clientSecret: string;
  fetch?: typeof fetch;
}

/** The provider's authenticated JSON GET, as a flow's whoAmI makes it (errors mapped in provider-http.ts). */
export type GetProviderJson = (what: string, url: string, accessToken: string) => Promise<unknown>;

export interface OAuthFlowSpec {
  provider: ConnectionProvider;
  vendor: OAuthProvider['vendor'];
  authorizeUrl: string;
  /** Sent with client_id, redirect_uri, state and response_type=code. */
  authorizeParams: Record<string, string>;
  tokenUrl: string;
  /** How our app's credentials go to the token endpoint: HTTP Basic (Zoom) or in the form. */
  clientAuth: 'basic' | 'form';
  /** Sent with both grants (Microsoft wants the scope again). */
  grantParams?: Record<string, string>;
  /** Without a refresh token the connection would die with its first access token: refuse it, saying why. */
  noRefreshTokenMessage?: string;
  /** Whose account the code belongs to: from the answer itself (an id_token), or by calling whoAmI. */
  identify?: (answer: TokenAnswer) => string | null;
  whoAmI: (accessToken: string, getJson: GetProviderJson) => Promise<Identity>;
}

/** One authorization-code flow, as every provider runs it; the specs say what differs. */
export const createOAuthFlow = (app: OAuthAppOptions, spec: OAuthFlowSpec): OAuthProvider => {
  const fetchOption = app.fetch ? { fetch: app.fetch } : {};
  const requestToken = createTokenEndpointClient({
    url: spec.tokenUrl,
    vendor: spec.vendor,
    client: { clientId: app.clientId, clientSecret: app.clientSecret, auth: spec.clientAuth },
    timeoutMs: 10_000,
    ...fetchOption,
  });
  const http: ProviderHttpOptions = {
    vendor: spec.vendor,
    codePrefix: codeStemOf(spec.vendor),
    ...fetchOption,
  };
  const getProviderJson: GetProviderJson = (what, url, accessToken) => getJson(http, what, url, accessToken);
  const whoAmI = (accessToken: string): Promise<Identity> => spec.whoAmI(accessToken, getProviderJson);
  const grantParams = spec.grantParams ?? {};
  return {
    provider: spec.provider,
    vendor: spec.vendor,
    authorizationUrl: ({ state, redirectUri }) => {
      const url = new URL(spec.authorizeUrl);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: app.clientId,
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
        : (await whoAmI(answer.access_token)).providerUserId;
      return tokensFrom(answer, now, providerUserId);
    },
    refresh: (tokens) =>
      requestToken({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken, ...grantParams }),
    whoAmI,
  };
};
