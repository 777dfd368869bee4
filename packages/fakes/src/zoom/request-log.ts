// Logs every request in arrival order and fills in its outcome when the answer is sent (or the socket
// is destroyed): status, the user it acted on, and whether it came before a Retry-After ran out.
import type { RequestHandler, Response } from 'express';
import { bearerPrincipal } from '../kit/oauth/client-auth';
import { logRequests as kitLogRequests } from '../kit/request-log';
import type { FakeZoomState, RequestRecord } from './fake-zoom-state';
import type { Principal } from './oauth-apps';
import { invalidAccessToken } from './zoom-errors';

/** What the fake's middleware and routes tell each other about one request. */
export interface ZoomLocals {
  record: RequestRecord;
  userId?: string;
  ignoredFields?: string[];
  countsTowardDailyLimit?: boolean;
}

export const zoomLocals = (res: Response): ZoomLocals => res.locals as ZoomLocals;

/** Who the bearer token speaks for; set by requireBearer in front of every /v2 route. */
export const principalOf = (res: Response): Principal => bearerPrincipal<Principal>(res, invalidAccessToken);

export const logRequests = (state: FakeZoomState): RequestHandler =>
  kitLogRequests(
    (req) => state.log.open({ method: req.method, path: req.path, countsTowardDailyLimit: false }),
    (record, res) => {
      const locals = zoomLocals(res);
      if (locals.userId !== undefined) record.userId = locals.userId;
      if (locals.ignoredFields?.length) record.ignoredFields = locals.ignoredFields;
      record.countsTowardDailyLimit = locals.countsTowardDailyLimit ?? false;
      state.checkRetryAfter(record);
    },
  );
