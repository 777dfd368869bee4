// Microsoft access tokens: the app's client credentials (one token for the tenant, needs the
// Calendars.ReadWrite application permission) or a member's own delegated tokens, refreshed at
// {authority}/{tenant}/oauth2/v2.0/token.
import { PermanentError } from '@meetlink/errors';
import type { MemberConnectionStore } from '@meetlink/store';
import type { AccessTokenSource } from './access-tokens';
import { combineTokenSources, createCachedTokenSource, createMemberTokenSource } from './access-tokens';
import { createTokenRequester, OAuthGrantError } from './oauth-token';

export const GRAPH_APP_SCOPE = 'https://graph.microsoft.com/.default';
export const GRAPH_DELEGATED_SCOPE = 'offline_access https://graph.microsoft.com/Calendars.ReadWrite';

export const microsoftTokenUrl = (authorityHost: string, tenant: string): string =>
  `${authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;

export interface MicrosoftTokenSourceOptions {
  authorityHost: string;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  connections?: MemberConnectionStore;
  timeoutMs?: number;
  now?: () => Date;
  fetch?: typeof fetch;
}

export const createMicrosoftTokenSource = ({
  authorityHost,
  tenantId,
  clientId,
  clientSecret,
  connections,
  timeoutMs,
  now = () => new Date(),
  fetch: fetchImpl,
}: MicrosoftTokenSourceOptions): AccessTokenSource => {
  const requester = (tenant: string) =>
    createTokenRequester({
      url: microsoftTokenUrl(authorityHost, tenant),
      vendor: 'Microsoft',
      now,
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(fetchImpl ? { fetch: fetchImpl } : {}),
    });

  const app =
    tenantId && clientId && clientSecret
      ? (() => {
          const requestToken = requester(tenantId);
          return createCachedTokenSource({
            // One app token serves every mailbox of the tenant.
            keyOf: () => tenantId,
            now,
            fetchToken: async () => {
              try {
                return await requestToken({
                  grant_type: 'client_credentials',
                  client_id: clientId,
                  client_secret: clientSecret,
                  scope: GRAPH_APP_SCOPE,
                });
              } catch (error) {
                if (!(error instanceof OAuthGrantError)) throw error;
                throw new PermanentError(
                  'microsoft_app_rejected',
                  `Microsoft refused the app's client credentials for tenant ${tenantId}: ${error.message}`,
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

  const member = connections
    ? (() => {
        const requestToken = requester(tenantId ?? 'common');
        return createMemberTokenSource({
          connections,
          provider: 'microsoft',
          vendor: 'Microsoft',
          now,
          ...(clientId && clientSecret
            ? {
                refresh: (tokens) =>
                  requestToken({
                    grant_type: 'refresh_token',
                    refresh_token: tokens.refreshToken,
                    client_id: clientId,
                    client_secret: clientSecret,
                    scope: tokens.scope || GRAPH_DELEGATED_SCOPE,
                  }),
              }
            : {}),
        });
      })()
    : undefined;

  return combineTokenSources('Microsoft', { ...(member ? { member } : {}), ...(app ? { app } : {}) });
};
