// Zoom access tokens for a host, both ways Zoom offers: Server-to-Server OAuth (one account token,
// meetings scheduled under each member's email) and each member's own user-OAuth connection
// (refreshed by the one member-token policy; Zoom rotates the refresh token on every use).
import type { Redis } from 'ioredis';
import type { AccessTokenSource } from '@meetlink/ports';
import type { MemberConnectionStore } from './member-connections';
import { createTokenEndpointClient } from './token-endpoint';
import { combineTokenSources, createAppTokenCache, createMemberTokenSource } from './token-sources';

export const DEFAULT_ZOOM_OAUTH_BASE_URL = 'https://zoom.us';

export const zoomTokenUrl = (oauthBaseUrl: string): string =>
  `${oauthBaseUrl.replace(/\/+$/, '')}/oauth/token`;

/**
 * Env → settings: ZOOM_OAUTH_BASE_URL → oauthBaseUrl, ZOOM_ACCOUNT_ID → accountId, ZOOM_CLIENT_ID →
 * clientId, ZOOM_CLIENT_SECRET → clientSecret, ZOOM_USER_CLIENT_ID / _SECRET → userOAuthClient….
 */
export interface ZoomTokenSettings {
  /** Default 'https://zoom.us'. */
  oauthBaseUrl?: string | undefined;
  /** With clientId and clientSecret: Server-to-Server OAuth for members without their own connection. */
  accountId?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  /**
   * The user-OAuth app whose tokens members' connections hold, when it is not the app above (a
   * Server-to-Server app cannot refresh user tokens). Default: clientId / clientSecret.
   */
  userOAuthClientId?: string | undefined;
  userOAuthClientSecret?: string | undefined;
}

export interface ZoomTokenSourceDeps {
  /** Members' own connections; null or absent: Server-to-Server only. */
  connections?: MemberConnectionStore | null | undefined;
  /** For the refresh lock of members' connections, with REDIS_PREFIX as lockPrefix. */
  redis?: Redis | undefined;
  lockPrefix?: string | undefined;
  now?: () => Date;
  fetch?: typeof fetch;
}

export const createZoomTokenSource = (
  settings: ZoomTokenSettings,
  { connections, redis, lockPrefix, now, fetch }: ZoomTokenSourceDeps,
): AccessTokenSource => {
  const url = zoomTokenUrl(settings.oauthBaseUrl ?? DEFAULT_ZOOM_OAUTH_BASE_URL);
  const client = (clientId?: string, clientSecret?: string) =>
    clientId && clientSecret
      ? createTokenEndpointClient({
          url,
          vendor: 'Zoom',
          client: { clientId, clientSecret, auth: 'basic' },
          timeoutMs: 10_000,
          ...(now ? { now } : {}),
          ...(fetch ? { fetch } : {}),
        })
      : null;
  const accountClient = client(settings.clientId, settings.clientSecret);
  const userClient = client(
    settings.userOAuthClientId ?? settings.clientId,
    settings.userOAuthClientSecret ?? settings.clientSecret,
  );
  const { accountId } = settings;
  const app =
    accountId && accountClient
      ? createAppTokenCache({
          // One account-wide token, shared by every host; meetings are scheduled under each email.
          keyOf: () => accountId,
          userIdOf: (host) => host.email,
          fetchToken: () => accountClient({ grant_type: 'account_credentials', account_id: accountId }),
          ...(now ? { now } : {}),
        })
      : undefined;
  const member =
    connections && userClient && redis && lockPrefix !== undefined
      ? createMemberTokenSource({
          connections,
          provider: 'zoom',
          vendor: 'Zoom',
          refresh: (tokens) =>
            userClient({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken }),
          redis,
          lockPrefix,
          ...(now ? { now } : {}),
        })
      : undefined;
  return combineTokenSources('Zoom', { member, app });
};
