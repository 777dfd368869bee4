// The package's one composition helper: settings in (apps parse them from env), the token port in
// (apps build it from @meetlink/connections), adapters out. Nothing here reads process.env.
import type { AccessTokenSource } from '@meetlink/ports';
import type { RandomInt } from './passcode-policy';
import { createZoomClient } from './zoom-client';
import type { ZoomClient, ZoomClientOptions } from './zoom-client';
import { createZoomConferenceProvider } from './zoom-conference-provider';
import type { ZoomConferenceProvider, ZoomConferenceProviderDeps } from './zoom-conference-provider';

/** Env → settings: ZOOM_API_BASE_URL → apiBaseUrl. */
export interface ZoomSettings {
  /** Default 'https://api.zoom.us/v2'. */
  apiBaseUrl?: string | undefined;
}

export interface ZoomAdapterDeps {
  /** Hosts' bearer tokens: @meetlink/connections' createZoomTokenSource. */
  tokens: AccessTokenSource;
  now?: () => Date;
  random?: RandomInt;
  fetch?: typeof fetch;
  client?: Omit<ZoomClientOptions, 'apiBaseUrl' | 'now' | 'fetch'>;
  meetingSettings?: ZoomConferenceProviderDeps['meetingSettings'];
}

export interface ZoomAdapter {
  provider: ZoomConferenceProvider;
  client: ZoomClient;
  tokens: AccessTokenSource;
}

export const createZoomAdapter = (settings: ZoomSettings, deps: ZoomAdapterDeps): ZoomAdapter => {
  const { tokens, now, random, fetch, meetingSettings } = deps;
  const client = createZoomClient({ ...deps.client, apiBaseUrl: settings.apiBaseUrl, now, fetch });
  return {
    provider: createZoomConferenceProvider({ client, tokens, random, meetingSettings }),
    client,
    tokens,
  };
};
