// Microsoft identity platform, delegated: {MS_AUTHORITY_HOST}/{tenant}/oauth2/v2.0/authorize with
// response_mode=query and scopes offline_access (no refresh token without it), User.Read and
// Calendars.ReadWrite; the code is exchanged at …/oauth2/v2.0/token with the client secret in the
// form; Graph GET /me names the member's account and is the cheap call.
import { PermanentError } from '@meetlink/errors';
import { z } from 'zod';
import type { OAuthProvider } from './oauth-provider';
import { createOAuthFlow } from './oauth-provider';
import { getJson } from './provider-http';
import type { ProviderHttpOptions } from './provider-http';

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
  const scope = MICROSOFT_CONNECT_SCOPES.join(' ');
  return createOAuthFlow({
    provider: 'microsoft',
    vendor: 'Microsoft',
    authorizeUrl: `${authority}/authorize`,
    authorizeParams: { response_mode: 'query', scope },
    tokenUrl: `${authority}/token`,
    client: { clientId, clientSecret, auth: 'form' },
    grantParams: { scope },
    noRefreshTokenMessage: 'Microsoft granted no refresh token (offline_access was not given)',
    whoAmI: async (accessToken) => {
      const parsed = GraphMe.safeParse(
        await getJson(http, 'GET /me', `${graphBaseUrl.replace(/\/+$/, '')}/me`, accessToken),
      );
      if (!parsed.success)
        throw new PermanentError('calendar_unexpected_response', 'Graph GET /me answered without an id');
      return { providerUserId: parsed.data.userPrincipalName ?? parsed.data.id };
    },
    fetch,
  });
};
