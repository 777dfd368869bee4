// GET /v1.0/me: the signed-in user of a delegated token (needs User.Read), the cheap call an app
// makes to learn whom a new connection belongs to and to check that it still works.
import express from 'express';
import type { Router } from 'express';
import type { FakeGraphState } from './fake-graph-state';
import { principalOf, requireBearer } from './events-router';
import { GraphApiError } from './graph-errors';

export const meRouter = (state: FakeGraphState, apiPrefix: string): Router => {
  const router = express.Router();
  router.get('/me', requireBearer(state), (_req, res) => {
    const principal = principalOf(res);
    if (principal.kind !== 'user') {
      throw new GraphApiError(
        400,
        'BadRequest',
        '/me request is only valid with delegated authentication flow.',
      );
    }
    if (!/user\.read/i.test(principal.scope)) {
      throw new GraphApiError(
        403,
        'Authorization_RequestDenied',
        'Insufficient privileges to complete the operation.',
      );
    }
    const user = state.requireUser(principal.userId);
    const name = user.userPrincipalName.split('@')[0] ?? user.userPrincipalName;
    res.json({
      '@odata.context': `${apiPrefix}/$metadata#users/$entity`,
      id: user.id,
      userPrincipalName: user.userPrincipalName,
      displayName: name,
      mail: user.userPrincipalName,
    });
  });
  return router;
};
