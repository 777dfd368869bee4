// Zoom access tokens for a host, both ways Zoom offers: Server-to-Server OAuth (one account token,
// meetings scheduled under each member's email) and each member's own user-OAuth connection
// (refreshed by the one member-token policy; Zoom rotates the refresh token on every use).
import type { AccessTokenSource } from '@meetlink/ports';
import { createTokenEndpointClient, endpointTransport } from './token-endpoint';
import { combineTokenSources, createAppTokenCache, memberTokenSourceFrom } from './token-sources';
import type { TokenSourceDeps } from './token-sources';

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

/** Members' connections and the refresh lock; without connections, Server-to-Server only. */
export type ZoomTokenSourceDeps = TokenSourceDeps;

export const createZoomTokenSource = (
  settings: ZoomTokenSettings,
  deps: ZoomTokenSourceDeps,
): AccessTokenSource => {
  const url = zoomTokenUrl(settings.oauthBaseUrl ?? DEFAULT_ZOOM_OAUTH_BASE_URL);
  const client = (clientId?: string, clientSecret?: string) =>
    clientId && clientSecret
      ? createTokenEndpointClient({
          url,
          vendor: 'Zoom',
          client: { clientId, clientSecret, auth: 'basic' },
          timeoutMs: 10_000,
          ...endpointTransport(deps),
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
          now: deps.now,
        })
      : undefined;
  // Without a user-OAuth app members' tokens cannot be refreshed: they are not used at all.
  const member = userClient
    ? memberTokenSourceFrom(deps, {
        provider: 'zoom',
        vendor: 'Zoom',
        refresh: (tokens) => userClient({ grant_type: 'refresh_token', refresh_token: tokens.refreshToken }),
      })
    : undefined;
  return combineTokenSources('Zoom', { member, app });
};
