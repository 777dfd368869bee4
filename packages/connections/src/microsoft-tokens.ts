// Microsoft access tokens: the app's client credentials (one token for the tenant, needs the
// Calendars.ReadWrite application permission) or a member's own delegated connection, refreshed at
// {authority}/{tenant}/oauth2/v2.0/token.
import type { Redis } from 'ioredis';
import { PermanentError } from '@meetlink/errors';
import type { AccessTokenSource } from '@meetlink/ports';
import type { MemberConnectionStore } from './member-connections';
import { createTokenEndpointClient, OAuthGrantError } from './token-endpoint';
import { combineTokenSources, createAppTokenCache, createMemberTokenSource } from './token-sources';

export const DEFAULT_MS_AUTHORITY_HOST = 'https://login.microsoftonline.com';
export const GRAPH_APP_SCOPE = 'https://graph.microsoft.com/.default';
export const GRAPH_DELEGATED_SCOPE = 'offline_access https://graph.microsoft.com/Calendars.ReadWrite';

export const microsoftTokenUrl = (authorityHost: string, tenant: string): string =>
  `${authorityHost.replace(/\/+$/, '')}/${encodeURIComponent(tenant)}/oauth2/v2.0/token`;

export interface MicrosoftTokenSourceOptions {
  /** MS_AUTHORITY_HOST. */
  authorityHost?: string | undefined;
  tenantId?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  connections?: MemberConnectionStore | null | undefined;
  /** For the refresh lock of members' connections (REDIS_PREFIX as lockPrefix); needed with `connections`. */
  redis?: Redis | undefined;
  lockPrefix?: string | undefined;
  timeoutMs?: number;
  now?: () => Date;
  fetch?: typeof fetch;
}

export const createMicrosoftTokenSource = ({
  authorityHost = DEFAULT_MS_AUTHORITY_HOST,
  tenantId,
  clientId,
  clientSecret,
  connections,
  redis,
  lockPrefix,
  timeoutMs,
  now = () => new Date(),
  fetch,
}: MicrosoftTokenSourceOptions): AccessTokenSource => {
  const client = clientId && clientSecret ? { clientId, clientSecret, auth: 'form' as const } : undefined;
  const endpoint = (tenant: string) =>
    createTokenEndpointClient({
      url: microsoftTokenUrl(authorityHost, tenant),
      vendor: 'Microsoft',
      now,
      ...(client ? { client } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(fetch ? { fetch } : {}),
    });

  const app =
    tenantId && client
      ? (() => {
          const requestToken = endpoint(tenantId);
          return createAppTokenCache({
            // One app token serves every mailbox of the tenant.
            keyOf: () => tenantId,
            now,
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

  if (connections && (!redis || lockPrefix === undefined))
    throw new Error(
      "createMicrosoftTokenSource: members' connections need redis and lockPrefix for the refresh lock",
    );
  const member =
    connections && redis && lockPrefix !== undefined
      ? (() => {
          const requestToken = endpoint(tenantId ?? 'common');
          return createMemberTokenSource({
            connections,
            provider: 'microsoft',
            vendor: 'Microsoft',
            redis,
            lockPrefix,
            now,
            ...(client
              ? {
                  refresh: (tokens) =>
                    requestToken({
                      grant_type: 'refresh_token',
                      refresh_token: tokens.refreshToken,
                      scope: tokens.scope || GRAPH_DELEGATED_SCOPE,
                    }),
                }
              : {}),
          });
        })()
      : undefined;

  return combineTokenSources('Microsoft', { member, app });
};
