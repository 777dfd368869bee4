// Zoom's user-OAuth app: the browser goes to {ZOOM_OAUTH_BASE_URL}/oauth/authorize
// (response_type=code, client_id, redirect_uri, state), the code is exchanged at /oauth/token with the
// client credentials as HTTP Basic, and GET /v2/users/me names the Zoom user, whose id the conference
// worker schedules under and `app_deauthorized` later names.
import { PermanentError } from '@meetlink/errors';
import { z } from 'zod';
import type { OAuthAppOptions, OAuthProvider } from './oauth-provider';
import { createOAuthFlow } from './oauth-provider';

export interface ZoomOAuthOptions extends OAuthAppOptions {
  oauthBaseUrl: string;
  apiBaseUrl: string;
}

const ZoomUser = z.object({ id: z.string().min(1), email: z.string().optional() });

export const createZoomOAuth = (options: ZoomOAuthOptions): OAuthProvider => {
  const base = options.oauthBaseUrl.replace(/\/+$/, '');
  const meUrl = `${options.apiBaseUrl.replace(/\/+$/, '')}/users/me`;
  return createOAuthFlow(options, {
    provider: 'zoom',
    vendor: 'Zoom',
    authorizeUrl: `${base}/oauth/authorize`,
    authorizeParams: {},
    tokenUrl: `${base}/oauth/token`,
    clientAuth: 'basic',
    whoAmI: async (accessToken, getJson) => {
      const parsed = ZoomUser.safeParse(await getJson('GET /users/me', meUrl, accessToken));
      if (!parsed.success)
        throw new PermanentError('zoom_unexpected_response', 'Zoom GET /users/me answered without a user id');
      return { providerUserId: parsed.data.id };
    },
  });
};
