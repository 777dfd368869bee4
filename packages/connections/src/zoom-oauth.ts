// Zoom's user-OAuth app: the browser goes to {ZOOM_OAUTH_BASE_URL}/oauth/authorize
// (response_type=code, client_id, redirect_uri, state), the code is exchanged at /oauth/token with the
// client credentials as HTTP Basic, and GET /v2/users/me names the Zoom user, whose id the conference
// worker schedules under and `app_deauthorized` later names.
import { PermanentError } from '@meetlink/errors';
import { z } from 'zod';
import type { OAuthProvider } from './oauth-provider';
import { tokensFrom } from './oauth-provider';
import { getJson } from './provider-http';
import type { ProviderHttpOptions } from './provider-http';
import { createTokenEndpointClient } from './token-endpoint';

export interface ZoomOAuthOptions {
  oauthBaseUrl: string;
  apiBaseUrl: string;
  clientId: string;
  clientSecret: string;
  fetch?: typeof fetch;
}

const ZoomUser = z.object({ id: z.string().min(1), email: z.string().optional() });

export const createZoomOAuth = ({
  oauthBaseUrl,
  apiBaseUrl,
  clientId,
  clientSecret,
  fetch,
}: ZoomOAuthOptions): OAuthProvider => {
  const http: ProviderHttpOptions = { vendor: 'Zoom', codePrefix: 'zoom', ...(fetch ? { fetch } : {}) };
  const base = oauthBaseUrl.replace(/\/+$/, '');
  const requestToken = createTokenEndpointClient({
    url: `${base}/oauth/token`,
    vendor: 'Zoom',
    client: { clientId, clientSecret, auth: 'basic' },
    timeoutMs: 10_000,
    ...(fetch ? { fetch } : {}),
  });

  const whoAmI = async (accessToken: string) => {
    const parsed = ZoomUser.safeParse(
      await getJson(http, 'GET /users/me', `${apiBaseUrl.replace(/\/+$/, '')}/users/me`, accessToken),
    );
    if (!parsed.success)
      throw new PermanentError('zoom_unexpected_response', 'Zoom GET /users/me answered without a user id');
    return { providerUserId: parsed.data.id };
  };

  return {
    provider: 'zoom',
    vendor: 'Zoom',
    authorizationUrl: ({ state, redirectUri }) => {
      const url = new URL(`${base}/oauth/authorize`);
      url.search = new URLSearchParams({
        response_type: 'code',
        client_id: clientId,
        redirect_uri: redirectUri,
        state,
      }).toString();
      return url.toString();
    },
    exchangeCode: async ({ code, redirectUri, now }) => {
      const answer = await requestToken({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
      });
      const { providerUserId } = await whoAmI(answer.access_token);
      return tokensFrom(answer, now, providerUserId);
    },
    refresh: (tokens) => requestToken({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken }),
    whoAmI,
  };
};
