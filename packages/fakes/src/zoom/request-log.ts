// Logs every request in arrival order and fills in its outcome when the answer is sent (or the socket
// is destroyed): status, the user it acted on, and whether it came before a Retry-After ran out.
import type { RequestHandler, Response } from 'express';
import type { FakeZoomState, RequestRecord } from './fake-zoom-state';
import type { Principal } from './token-store';
import { invalidAccessToken } from './zoom-errors';

/** What the fake's middleware and routes tell each other about one request. */
export interface ZoomLocals {
  record: RequestRecord;
  principal?: Principal;
  userId?: string;
  ignoredFields?: string[];
  countsTowardDailyLimit?: boolean;
}

export const zoomLocals = (res: Response): ZoomLocals => res.locals as ZoomLocals;

/** Who the bearer token speaks for; set by requireBearer in front of every /v2 route. */
export const principalOf = (res: Response): Principal => {
  const principal = zoomLocals(res).principal;
  if (!principal) throw invalidAccessToken();
  return principal;
};

export const logRequests =
  (state: FakeZoomState): RequestHandler =>
  (req, res, next) => {
    const record = state.logRequest({ method: req.method, path: req.path, at: state.now().getTime() });
    const locals = zoomLocals(res);
    locals.record = record;
    let settled = false;
    const settle = (answered: boolean): void => {
      if (settled) return;
      settled = true;
      record.status = answered ? res.statusCode : 0;
      if (locals.userId !== undefined) record.userId = locals.userId;
      if (locals.ignoredFields?.length) record.ignoredFields = locals.ignoredFields;
      record.countsTowardDailyLimit = locals.countsTowardDailyLimit ?? false;
      state.checkRetryAfter(record);
    };
    res.on('finish', () => settle(true));
    res.on('close', () => settle(res.writableFinished));
    next();
  };
