// Every /v2 call needs `Authorization: Bearer <access token>`; anything else is 401 code 124.
import type { RequestHandler } from 'express';
import type { FakeZoomState } from './fake-zoom-state';
import { zoomLocals } from './request-log';
import { expiredAccessToken, invalidAccessToken } from './zoom-errors';

export const requireBearer =
  (state: FakeZoomState): RequestHandler =>
  (req, res, next) => {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '');
    const token = match?.[1];
    if (!token) {
      next(invalidAccessToken());
      return;
    }
    const check = state.tokens.checkAccess(token, state.now().getTime());
    if (!check.ok) {
      next(check.reason === 'expired' ? expiredAccessToken() : invalidAccessToken());
      return;
    }
    zoomLocals(res).principal = check.principal;
    if (check.principal.kind === 'user') zoomLocals(res).userId = check.principal.userId;
    next();
  };
