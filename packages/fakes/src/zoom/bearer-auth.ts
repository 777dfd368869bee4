// Every /v2 call needs `Authorization: Bearer <access token>`; anything else is 401 code 124.
import type { RequestHandler } from 'express';
import { requireBearer as bearerAuth } from '../kit/oauth/client-auth';
import type { FakeZoomState } from './fake-zoom-state';
import { zoomLocals } from './request-log';
import type { Principal } from './oauth-apps';
import { expiredAccessToken, invalidAccessToken } from './zoom-errors';

export const requireBearer = (state: FakeZoomState): RequestHandler =>
  bearerAuth<Principal>({
    check: (token) => state.tokens.checkAccess(token),
    reject: (reason) => (reason === 'expired' ? expiredAccessToken() : invalidAccessToken()),
    accept: (principal, res) => {
      if (principal.kind === 'user') zoomLocals(res).userId = principal.userId;
      return undefined;
    },
  });
