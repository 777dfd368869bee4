// GET /oauth/authorize, as zoom.us/oauth/authorize takes it (response_type=code, client_id,
// redirect_uri, state): the "signed-in" user consents at once and the browser is sent back to
// redirect_uri with a one-time `code` (5 minutes, single use, exchanged at POST /oauth/token) and the
// `state` it came with. A bad client_id or redirect URI is an error page, never a redirect.
import type { Router } from 'express';
import { authorizeEndpoint } from '../kit/oauth/consent';
import type { ConsentSite } from '../kit/oauth/consent';
import type { FakeZoomState } from './fake-zoom-state';

export const authorizeRouter = (state: FakeZoomState, site: ConsentSite): Router =>
  authorizeEndpoint(site, {
    path: '/oauth/authorize',
    provider: 'Zoom',
    unknownClient: ({ clientId }) =>
      state.apps.isUserApp(clientId)
        ? undefined
        : { status: 400, message: `Invalid client_id: ${clientId} (4,700)` },
    redirectMismatch: ({ redirectUri }) => ({
      status: 400,
      message: `Invalid redirect: ${redirectUri} (4,700)`,
    }),
    users: () => state.allUsers().map((u) => ({ id: u.id, label: u.email })),
    consent: (ask, user) => {
      const record = state.requireUser(user.id);
      const code = state.codes.issue({
        clientId: ask.clientId,
        accountId: record.accountId,
        userId: record.id,
        redirectUri: ask.redirectUri,
      });
      return { code, state: ask.state };
    },
  });
