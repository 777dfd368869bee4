// Google's web-server OAuth flow: GET /o/oauth2/v2/auth (as accounts.google.com serves it) sends the
// browser back with a one-time `code`, the granted `scope` and the `state`; POST /token exchanges the
// code (see token-endpoint.ts). A refresh token comes only with access_type=offline, and only on the
// first consent of that user to that client unless prompt=consent asks again: an app that forgets
// either gets none.
import type { Router } from 'express';
import { authorizeEndpoint } from '../kit/oauth/consent';
import type { ConsentSite } from '../kit/oauth/consent';
import type { FakeGoogleState } from './fake-google-state';

const SCOPE_ALIASES: Record<string, string> = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};

export const authorizeRouter = (state: FakeGoogleState, site: ConsentSite): Router => {
  /** client|email pairs that consented once: later consents give no new refresh token. */
  const consented = new Set<string>();
  return authorizeEndpoint(site, {
    path: '/o/oauth2/v2/auth',
    provider: 'Google',
    unknownClient: ({ clientId }) =>
      state.findOAuthClient(clientId)
        ? undefined
        : { status: 401, message: 'Error 401: invalid_client. The OAuth client was not found.' },
    redirectMismatch: () => ({ status: 400, message: 'Error 400: redirect_uri_mismatch' }),
    refusePage: ({ param }) =>
      param('scope')
        ? undefined
        : { status: 400, message: 'Error 400: invalid_request. Missing required parameter: scope' },
    users: () => state.allUsers().map((email) => ({ id: email, label: email })),
    consent: ({ clientId, redirectUri, state: stateParam, param }, user) => {
      const grantKey = `${clientId}|${user.id.toLowerCase()}`;
      const prompts = (param('prompt') ?? '').split(/\s+/);
      const offline =
        param('access_type') === 'offline' && (prompts.includes('consent') || !consented.has(grantKey));
      consented.add(grantKey);
      const scope = (param('scope') ?? '')
        .split(/\s+/)
        .filter(Boolean)
        .map((s) => SCOPE_ALIASES[s] ?? s)
        .join(' ');
      const code = state.codes.issue({ clientId, email: user.id, scope, redirectUri, offline });
      return { code, scope, state: stateParam };
    },
  });
};
