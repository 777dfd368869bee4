// The Microsoft identity platform's authorization code flow: GET /{tenant}/oauth2/v2.0/authorize
// sends the browser back with a one-time `code` and the `state` (response_mode=query); POST
// /{tenant}/oauth2/v2.0/token exchanges it (see token-endpoint.ts). Short Graph scopes
// (`Calendars.ReadWrite`) mean https://graph.microsoft.com/…, as Entra ID reads them.
import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import { authorizeEndpoint } from '../kit/oauth/consent';
import type { ConsentSite } from '../kit/oauth/consent';
import type { FakeGraphState } from './fake-graph-state';
import { servesTenant, tenantOf } from './token-endpoint';

const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

const splitScopes = (requested: string): { resource: string; oidc: Set<string> } => {
  const scopes = requested.split(/\s+/).filter(Boolean);
  const oidc = new Set(scopes.filter((s) => OIDC_SCOPES.has(s)));
  const resource = scopes
    .filter((s) => !OIDC_SCOPES.has(s))
    .map((s) => (/^https?:\/\//.test(s) ? s : `https://graph.microsoft.com/${s}`))
    .join(' ');
  return { resource, oidc };
};

export const authorizeRouter = (state: FakeGraphState, site: ConsentSite): Router =>
  authorizeEndpoint(site, {
    path: '/:tenant/oauth2/v2.0/authorize',
    provider: 'Microsoft',
    unknownClient: ({ req, clientId }) => {
      const app = state.findApp(clientId);
      return app && servesTenant(tenantOf(req), app.tenantId)
        ? undefined
        : {
            status: 400,
            message: `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenantOf(req)}'.`,
          };
    },
    redirectMismatch: ({ clientId, redirectUri }) => ({
      status: 400,
      message: `AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
    }),
    refuseRedirect: ({ param, state: stateParam }) => {
      const { resource, oidc } = splitScopes(param('scope') ?? '');
      if (resource || oidc.size > 0) return undefined;
      return {
        error: 'invalid_request',
        error_description: "AADSTS900144: The request body must contain the following parameter: 'scope'.",
        state: stateParam,
      };
    },
    users: ({ req }) =>
      state
        .allUsers()
        .filter((u) => u.tenantId === undefined || servesTenant(tenantOf(req), u.tenantId))
        .map((u) => ({ id: u.id, label: u.userPrincipalName })),
    denial: { error_description: 'AADSTS65004: User declined to consent to access the app.' },
    consent: ({ clientId, redirectUri, state: stateParam, param }, user) => {
      const app = state.findApp(clientId);
      const { resource, oidc } = splitScopes(param('scope') ?? '');
      const code = state.codes.issue({
        clientId,
        userId: user.id,
        tenantId: app?.tenantId ?? '',
        scope: resource,
        oidc,
        redirectUri,
      });
      return { code, state: stateParam, session_state: randomUUID() };
    },
  });
