// The OAuth apps a configuration names, as the ports the connect flows use.
import { createGoogleOAuth, createMicrosoftOAuth, createZoomOAuth } from '@meetlink/connections';
import type { ConnectionProvider, OAuthProvider } from '@meetlink/connections';
import { oauthApps } from '../config';
import type { IntakeConfig } from '../config';

export interface OAuthSetup {
  providers: Partial<Record<ConnectionProvider, OAuthProvider>>;
  zoomUserApp: { oauthBaseUrl: string; clientId: string; clientSecret: string } | undefined;
}

export const oauthProvidersFromConfig = (config: IntakeConfig, fetchImpl?: typeof fetch): OAuthSetup => {
  const providers: Partial<Record<ConnectionProvider, OAuthProvider>> = {};
  let zoomUserApp: OAuthSetup['zoomUserApp'];
  const fetchOption = fetchImpl ? { fetch: fetchImpl } : {};
  for (const app of oauthApps(config)) {
    if (app.provider === 'zoom') {
      zoomUserApp = {
        oauthBaseUrl: config.ZOOM_OAUTH_BASE_URL,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
      };
      providers.zoom = createZoomOAuth({
        ...zoomUserApp,
        apiBaseUrl: config.ZOOM_API_BASE_URL,
        ...fetchOption,
      });
    } else if (app.provider === 'google') {
      providers.google = createGoogleOAuth({
        authorizeUrl: config.GOOGLE_OAUTH_AUTHORIZE_URL,
        tokenUrl: config.GOOGLE_OAUTH_TOKEN_URL,
        apiRootUrl: config.GOOGLE_API_ROOT_URL,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        ...fetchOption,
      });
    } else {
      providers.microsoft = createMicrosoftOAuth({
        authorityHost: config.MS_AUTHORITY_HOST,
        tenantId: config.MS_TENANT_ID ?? 'common',
        graphBaseUrl: config.GRAPH_BASE_URL,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
        ...fetchOption,
      });
    }
  }
  return { providers, zoomUserApp };
};
