// GET /oauth/authorize, as zoom.us/oauth/authorize takes it (response_type=code, client_id,
// redirect_uri, state): the "signed-in" user consents at once and the browser is sent back to
// redirect_uri with a one-time `code` (5 minutes, single use, exchanged at POST /oauth/token) and the
// `state` it came with. A bad client_id or redirect URI is an error page, never a redirect.
import { Router } from 'express';
import { queryParam, redirectBack, renderAuthorizeError, renderChooser } from '../oauth-consent';
import type { ConsentSession } from '../oauth-consent';
import type { FakeZoomState } from './fake-zoom-state';

export const authorizeRouter = (
  state: FakeZoomState,
  session: ConsentSession,
  origin: () => string,
): Router => {
  const router = Router();
  router.get('/oauth/authorize', (req, res) => {
    const clientId = queryParam(req.query, 'client_id') ?? '';
    const redirectUri = queryParam(req.query, 'redirect_uri') ?? '';
    if (!state.tokens.isUserApp(clientId)) {
      renderAuthorizeError(res, 400, 'Zoom (fake)', `Invalid client_id: ${clientId} (4,700)`);
      return;
    }
    if (!session.isAllowedRedirect(clientId, redirectUri)) {
      renderAuthorizeError(res, 400, 'Zoom (fake)', `Invalid redirect: ${redirectUri} (4,700)`);
      return;
    }
    const stateParam = queryParam(req.query, 'state');
    if (queryParam(req.query, 'response_type') !== 'code') {
      redirectBack(res, redirectUri, { error: 'unsupported_response_type', state: stateParam });
      return;
    }
    const users = state.allUsers().map((u) => ({ id: u.id, label: u.email }));
    const user = session.pickUser(users, queryParam(req.query, 'fake_user'));
    if (!user) {
      renderChooser(res, 'Zoom', new URL(req.originalUrl, origin()), users);
      return;
    }
    if (session.willDeny) {
      redirectBack(res, redirectUri, { error: 'access_denied', state: stateParam });
      return;
    }
    const record = state.requireUser(user.id);
    const code = state.tokens.issueCode(
      { clientId, accountId: record.accountId, userId: record.id, redirectUri },
      state.now().getTime(),
    );
    redirectBack(res, redirectUri, { code, state: stateParam });
  });
  return router;
};
