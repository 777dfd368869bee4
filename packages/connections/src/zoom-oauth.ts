// Zoom's user-OAuth app: the browser goes to {ZOOM_OAUTH_BASE_URL}/oauth/authorize
// (response_type=code, client_id, redirect_uri, state), the code is exchanged at /oauth/token with the
// client credentials as HTTP Basic, and GET /v2/users/me names the Zoom user, whose id the conference
// worker schedules under and `app_deauthorized` later names.
import { PermanentError } from '@meetlink/errors';
import { z } from 'zod';
import type { OAuthProvider } from './oauth-provider';
import { createOAuthFlow } from './oauth-provider';
import { getJson } from './provider-http';
import type { ProviderHttpOptions } from './provider-http';

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
  return createOAuthFlow({
    provider: 'zoom',
    vendor: 'Zoom',
    authorizeUrl: `${base}/oauth/authorize`,
    authorizeParams: {},
    tokenUrl: `${base}/oauth/token`,
    client: { clientId, clientSecret, auth: 'basic' },
    whoAmI: async (accessToken) => {
      const parsed = ZoomUser.safeParse(
        await getJson(http, 'GET /users/me', `${apiBaseUrl.replace(/\/+$/, '')}/users/me`, accessToken),
      );
      if (!parsed.success)
        throw new PermanentError('zoom_unexpected_response', 'Zoom GET /users/me answered without a user id');
      return { providerUserId: parsed.data.id };
    },
    fetch,
  });
};
