// Microsoft access tokens: the app's client credentials (one token for the tenant, needs the
// Calendars.ReadWrite application permission) or a member's own delegated connection, refreshed at
// {authority}/{tenant}/oauth2/v2.0/token.
import { PermanentError } from '@meetlink/errors';
import type { AccessTokenSource } from '@meetlink/ports';
import { createTokenEndpointClient, endpointTransport, OAuthGrantError } from './token-endpoint';
import { combineTokenSources, createAppTokenCache, memberTokenSourceFrom } from './token-sources';
import type { TokenSourceDeps } from './token-sources';

export const DEFAULT_MS_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const GRAPH_APP_SCOPE = 'https://graph.microsoft.com/.default';
export const GRAPH_DELEGATED_SCOPE = 'offline_access https://graph.microsoft.com/Calendars.ReadWrite';

export const microsoftTokenUrl = (authorityHost: string, tenant: string): string =>
  `${authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;

export interface MicrosoftTokenSourceOptions extends TokenSourceDeps {
  /** MS_AUTHORITY_HOST. */
  authorityHost?: string | undefined;
  tenantId?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
}

export const createMicrosoftTokenSource = (options: MicrosoftTokenSourceOptions): AccessTokenSource => {
  const { tenantId, clientId, clientSecret } = options;
  const client = clientId && clientSecret ? { clientId, clientSecret, auth: 'form' as const } : undefined;
  const endpoint = (tenant: string) =>
    createTokenEndpointClient({
      url: microsoftTokenUrl(options.authorityHost ?? DEFAULT_MS_AUTHORITY_HOST, tenant),
      vendor: 'Microsoft',
      ...endpointTransport(options),
      ...(client ? { client } : {}),
    });

  const app =
    tenantId && client
      ? (() => {
          const requestToken = endpoint(tenantId);
          return createAppTokenCache({
            // One app token serves every mailbox of the tenant.
            keyOf: () => tenantId,
            now: options.now,
            fetchToken: async () => {
              try {
                return await requestToken({ grant_type: 'client_credentials', scope: GRAPH_APP_SCOPE });
              } catch (error) {
                if (!(error instanceof OAuthGrantError)) throw error;
                throw new PermanentError(
                  'microsoft_app_rejected',
                  `Microsoft refused the app's client credentials for tenant ${tenantId}: ${error.error}${error.description ? `: ${error.description}` : ''}`,
                  {
                    providerResponse: {
                      status: error.status,
                      error: error.error,
                      error_description: error.description,
                    },
                  },
                );
              }
            },
          });
        })()
      : undefined;

  const refreshGrant = client ? endpoint(tenantId ?? 'common') : undefined;
  const member = memberTokenSourceFrom(options, {
    provider: 'microsoft',
    vendor: 'Microsoft',
    ...(refreshGrant
      ? {
          refresh: (tokens) =>
            refreshGrant({
              grant_type: 'refresh_token',
              refresh_token: tokens.refreshToken,
              scope: tokens.scope || GRAPH_DELEGATED_SCOPE,
            }),
        }
      : {}),
  });

  return combineTokenSources('Microsoft', { member, app });
};
