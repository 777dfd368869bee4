// Microsoft identity platform, delegated: {MS_AUTHORITY_HOST}/{tenant}/oauth2/v2.0/authorize with
// response_mode=query and scopes offline_access (no refresh token without it), User.Read and
// Calendars.ReadWrite; the code is exchanged at …/oauth2/v2.0/token with the client secret in the
// form; Graph GET /me names the member's account and is the cheap call.
import { PermanentError } from '@meetlink/errors';
import { z } from 'zod';
import type { OAuthProvider } from './oauth-provider';
import { tokensFrom } from './oauth-provider';
import { getJson } from './provider-http';
import type { ProviderHttpOptions } from './provider-http';
import { createTokenEndpointClient } from './token-endpoint';

export const MICROSOFT_CONNECT_SCOPES = [
  'offline_access',
  'openid',
  'https://graph.microsoft.com/User.Read',
  'https://graph.microsoft.com/Calendars.ReadWrite',
];

export interface MicrosoftOAuthOptions {
  authorityHost: string;
  /** A tenant id, or 'common' / 'organizations' for a multi-tenant app. */
  tenantId: string;
  graphBaseUrl: string;
  clientId: string;
  clientSecret: string;
  fetch?: typeof fetch;
}

const GraphMe = z.object({ id: z.string().min(1), userPrincipalName: z.string().nullish() });

export const createMicrosoftOAuth = ({
  authorityHost,
  tenantId,
  graphBaseUrl,
  clientId,
  clientSecret,
  fetch,
}: MicrosoftOAuthOptions): OAuthProvider => {
  const http: ProviderHttpOptions = {
    vendor: 'Microsoft',
    codePrefix: 'calendar',
    ...(fetch ? { fetch } : {}),
  };
  const authority = `${authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(tenantId)}/oauth2/v2.0`;
  const requestToken = createTokenEndpointClient({
    url: `${authority}/token`,
    vendor: 'Microsoft',
    client: { clientId, clientSecret, auth: 'form' },
    timeoutMs: 10_000,
    ...(fetch ? { fetch } : {}),
  });
  const scope = MICROSOFT_CONNECT_SCOPES.join(' ');

  const whoAmI = async (accessToken: string) => {
    const parsed = GraphMe.safeParse(
      await getJson(http, 'GET /me', `${graphBaseUrl.replace(/\/+$/, '')}/me`, accessToken),
    );
    if (!parsed.success)
      throw new PermanentError('calendar_unexpected_response', 'Graph GET /me answered without an id');
    return { providerUserId: parsed.data.userPrincipalName ?? parsed.data.id };
  };

  return {
    provider: 'microsoft',
    vendor: 'Microsoft',
    authorizationUrl: ({ state, redirectUri }) => {
      const url = new URL(`${authority}/authorize`);
      url.search = new URLSearchParams({
        client_id: clientId,
        response_type: 'code',
        redirect_uri: redirectUri,
        response_mode: 'query',
        scope,
        state,
      }).toString();
      return url.toString();
    },
    exchangeCode: async ({ code, redirectUri, now }) => {
      const answer = await requestToken({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        scope,
      });
      if (!answer.refresh_token) {
        throw new PermanentError(
          'oauth_no_refresh_token',
          'Microsoft granted no refresh token (offline_access was not given)',
        );
      }
      const { providerUserId } = await whoAmI(answer.access_token);
      return tokensFrom(answer, now, providerUserId);
    },
    refresh: (tokens) =>
      requestToken({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken, scope }),
    whoAmI,
  };
};
