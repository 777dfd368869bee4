// The package's one composition helper: settings in (apps parse them from env), adapters out.
// Nothing here reads process.env.
import type { Redis } from 'ioredis';
import { createRedisMemberConnectionStore, parseTokenKeyring } from '@meetlink/store';
import type { MemberConnectionStore } from '@meetlink/store';
import { createServerToServerTokenProvider, createUserTokenProvider, createZoomTokenProvider } from './auth';
import type { ZoomTokenProvider } from './auth';
import { createOAuthTokenRequester } from './oauth';
import type { RandomInt } from './passcode-policy';
import { createZoomClient } from './zoom-client';
import type { ZoomClient, ZoomClientOptions } from './zoom-client';
import { createZoomConferenceProvider } from './zoom-conference-provider';
import type { ZoomConferenceProvider, ZoomConferenceProviderDeps } from './zoom-conference-provider';

/**
 * Env → settings: ZOOM_API_BASE_URL → apiBaseUrl, ZOOM_OAUTH_BASE_URL → oauthBaseUrl,
 * ZOOM_ACCOUNT_ID → accountId, ZOOM_CLIENT_ID → clientId, ZOOM_CLIENT_SECRET → clientSecret,
 * TOKEN_ENCRYPTION_KEY → tokenEncryptionKey.
 */
export interface ZoomSettings {
  /** Default 'https://api.zoom.us/v2'. */
  apiBaseUrl?: string;
  /** Default 'https://zoom.us'. */
  oauthBaseUrl?: string;
  /** With clientId and clientSecret: Server-to-Server OAuth for members without their own connection. */
  accountId?: string;
  clientId?: string;
  clientSecret?: string;
  /**
   * The user-OAuth app whose tokens members' connections hold, when it is not the app above (a
   * Server-to-Server app cannot refresh user tokens). Default: clientId / clientSecret.
   */
  userOAuthClientId?: string;
  userOAuthClientSecret?: string;
  /** Enables members' own connections (encrypted in Redis); see parseTokenKeyring for the format. */
  tokenEncryptionKey?: string;
}

export interface ZoomAdapterDeps {
  redis: Redis;
  /** Key prefix for member connections and refresh locks. */
  keyPrefix: string;
  now?: () => Date;
  random?: RandomInt;
  fetch?: typeof fetch;
  client?: Omit<ZoomClientOptions, 'apiBaseUrl' | 'now' | 'fetch'>;
  meetingSettings?: ZoomConferenceProviderDeps['meetingSettings'];
}

export interface ZoomAdapter {
  provider: ZoomConferenceProvider;
  client: ZoomClient;
  tokens: ZoomTokenProvider;
  /** Null unless a token encryption key is configured. */
  connections: MemberConnectionStore | null;
}

export const createZoomAdapter = (settings: ZoomSettings, deps: ZoomAdapterDeps): ZoomAdapter => {
  const { redis, keyPrefix, now, random, fetch, meetingSettings } = deps;
  const client = createZoomClient({ ...deps.client, apiBaseUrl: settings.apiBaseUrl, now, fetch });
  const requester = (clientId?: string, clientSecret?: string) =>
    clientId && clientSecret
      ? createOAuthTokenRequester({ oauthBaseUrl: settings.oauthBaseUrl, clientId, clientSecret, now, fetch })
      : null;
  const accountTokens = requester(settings.clientId, settings.clientSecret);
  const userTokens = requester(
    settings.userOAuthClientId ?? settings.clientId,
    settings.userOAuthClientSecret ?? settings.clientSecret,
  );
  const connections = settings.tokenEncryptionKey
    ? createRedisMemberConnectionStore({
        redis,
        prefix: keyPrefix,
        keyring: parseTokenKeyring(settings.tokenEncryptionKey),
        now,
      })
    : null;
  const tokens = createZoomTokenProvider({
    userTokens:
      connections && userTokens
        ? createUserTokenProvider({
            connections,
            requestToken: userTokens,
            redis,
            lockPrefix: keyPrefix,
            now,
          })
        : undefined,
    serverToServer:
      settings.accountId && accountTokens
        ? createServerToServerTokenProvider({
            accountId: settings.accountId,
            requestToken: accountTokens,
            now,
          })
        : undefined,
  });
  return {
    provider: createZoomConferenceProvider({ client, tokens, random, meetingSettings }),
    client,
    tokens,
    connections,
  };
};
