// Microsoft identity platform, delegated: {MS_AUTHORITY_HOST}/{tenant}/oauth2/v2.0/authorize with
// response_mode=query and scopes offline_access (no refresh token without it), User.Read and
// Calendars.ReadWrite; the code is exchanged at …/oauth2/v2.0/token with the client secret in the
// form; Graph GET /me names the member's account and is the cheap call.
import { PermanentError } from '@meetlink/errors';
import { z } from 'zod';
import type { OAuthAppOptions, OAuthProvider } from './oauth-provider';
import { createOAuthFlow } from './oauth-provider';

export const MICROSOFT_CONNECT_SCOPES = [
  'offline_access',
  'openid',
  'https://graph.microsoft.com/User.Read',
  'https://graph.microsoft.com/Calendars.ReadWrite',
];

export interface MicrosoftOAuthOptions extends OAuthAppOptions {
  authorityHost: string;
  /** A tenant id, or 'common' / 'organizations' for a multi-tenant app. */
  tenantId: string;
  graphBaseUrl: string;
}

const GraphMe = z.object({ id: z.string().min(1), userPrincipalName: z.string().nullish() });

export const createMicrosoftOAuth = (options: MicrosoftOAuthOptions): OAuthProvider => {
  const authority = `${options.authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(options.tenantId)}/oauth2/v2.0`;
  const meUrl = `${options.graphBaseUrl.replace(/\/+$/, '')}/me`;
  const scope = MICROSOFT_CONNECT_SCOPES.join(' ');
  return createOAuthFlow(options, {
    provider: 'microsoft',
    vendor: 'Microsoft',
    authorizeUrl: `${authority}/authorize`,
    authorizeParams: { response_mode: 'query', scope },
    tokenUrl: `${authority}/token`,
    clientAuth: 'form',
    grantParams: { scope },
    noRefreshTokenMessage: 'Microsoft granted no refresh token (offline_access was not given)',
    whoAmI: async (accessToken, getJson) => {
      const parsed = GraphMe.safeParse(await getJson('GET /me', meUrl, accessToken));
      if (!parsed.success)
        throw new PermanentError('calendar_unexpected_response', 'Graph GET /me answered without an id');
      return { providerUserId: parsed.data.userPrincipalName ?? parsed.data.id };
    },
  });
};
