// Graph v1.0 events of a mailbox: GET and PATCH /users/{id | userPrincipalName}/events/{id} (and
// /me/events/{id} for delegated tokens), with bearer auth, $select, the Prefer header for the body
// format, If-Match against the change key, throttling and Graph's error body.
import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response, Router } from 'express';
import express from 'express';
import { failOn, faultGate } from '../kit/fault-gate';
import { bearerPrincipal, requireBearer as bearerAuth } from '../kit/oauth/client-auth';
import { loggedRecord } from '../kit/request-log';
import { jsonBody } from '../kit/json';
import { renderVendorErrors } from '../kit/vendor-errors';
import type { FakeGraphState, Principal, RequestRecord, UserRecord } from './fake-graph-state';
import { applyPatch, asStoredHtml, EVENT_PROPERTIES, previewOf } from './event-patch';
import {
  accessDenied,
  badJson,
  changeKeyMismatch,
  GraphApiError,
  itemNotFound,
  invalidUser,
  requestBodyRead,
  segmentNotFound,
  serverError,
  throttled,
  tokenExpired,
  tokenInvalid,
  tokenMissing,
} from './graph-errors';
import type { FakeGraphEvent } from './types';

export const recordOf = (res: Response): RequestRecord => loggedRecord<RequestRecord>(res);
export const principalOf = (res: Response): Principal => bearerPrincipal<Principal>(res, tokenMissing);

/** Injected 5xx and throttling, answered before auth as Graph's front door would. */
export const playFaults = (state: FakeGraphState): RequestHandler =>
  faultGate(
    failOn(state, 'status', (fault) => serverError(fault.status, fault.retryAfterSeconds)),
    failOn(state, 'throttle', (fault) =>
      throttled(
        fault.code ?? 'TooManyRequests',
        fault.omitRetryAfter ? undefined : (fault.retryAfterSeconds ?? 1),
      ),
    ),
  );

export const requireBearer = (state: FakeGraphState): RequestHandler =>
  bearerAuth<Principal>({
    check: (token) => state.tokens.checkAccess(token),
    reject: (reason) =>
      reason === 'missing' ? tokenMissing() : reason === 'expired' ? tokenExpired() : tokenInvalid(),
    accept: (principal, res) => {
      recordOf(res).principal = principal.kind === 'app' ? `app:${principal.clientId}` : principal.userId;
      return undefined;
    },
  });

/** The mailbox a path names, as the token may reach it. */
const resolveMailbox = (
  state: FakeGraphState,
  principal: Principal,
  userParam: string | undefined,
): UserRecord => {
  if (principal.kind === 'user') {
    const self = state.requireUser(principal.userId);
    if (userParam === undefined) return self;
    const named = state.findUser(userParam);
    if (!named) throw invalidUser(userParam);
    if (named.id !== self.id) throw accessDenied();
    if (!/calendars\.readwrite/i.test(principal.scope)) throw accessDenied();
    return self;
  }
  if (userParam === undefined) {
    throw new GraphApiError(
      400,
      'BadRequest',
      '/me request is only valid with delegated authentication flow.',
    );
  }
  const user = state.findOrProvisionUser(userParam, principal.tenantId);
  if (!user || (user.tenantId !== undefined && user.tenantId !== principal.tenantId))
    throw invalidUser(userParam);
  if (!principal.roles.includes('Calendars.ReadWrite') && !principal.roles.includes('Calendars.Read'))
    throw accessDenied();
  return user;
};

/** `Prefer: outlook.body-content-type="html"` (or "text"): the body converted on the way out. */
const preferredBodyType = (req: Request): 'html' | 'text' | undefined => {
  const match = /outlook\.body-content-type\s*=\s*"?(html|text)"?/i.exec(req.get('prefer') ?? '');
  return match?.[1] ? (match[1].toLowerCase() as 'html' | 'text') : undefined;
};

const escapeText = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r?\n/g, '<br>\r\n');

const render = (event: FakeGraphEvent, req: Request, res: Response): Record<string, unknown> => {
  const out = structuredClone(event) as unknown as Record<string, unknown>;
  const wanted = preferredBodyType(req);
  if (wanted && wanted !== event.body.contentType) {
    out['body'] =
      wanted === 'html'
        ? { contentType: 'html', content: asStoredHtml(escapeText(event.body.content)) }
        : { contentType: 'text', content: previewOf({ ...event.body }) };
  }
  if (wanted) res.set('preference-applied', `outlook.body-content-type="${wanted}"`);
  const select = typeof req.query['$select'] === 'string' ? req.query['$select'] : undefined;
  if (!select) return out;
  const fields = select
    .split(',')
    .map((f) => f.trim())
    .filter(Boolean);
  for (const field of fields) {
    if (!EVENT_PROPERTIES.has(field)) {
      throw new GraphApiError(
        400,
        'RequestBroker--ParseUri',
        `Could not find a property named '${field}' on type 'Microsoft.OutlookServices.Event'.`,
      );
    }
  }
  const picked: Record<string, unknown> = { '@odata.etag': out['@odata.etag'], id: out['id'] };
  for (const field of fields) picked[field] = out[field];
  return picked;
};

const patchBody = jsonBody('4mb', badJson);

export const eventsRouter = (state: FakeGraphState, apiPrefix: string): Router => {
  const router = express.Router();
  router.use(requireBearer(state));

  const find = (req: Request, res: Response): { user: UserRecord; event: FakeGraphEvent } => {
    const userParam = typeof req.params['userId'] === 'string' ? req.params['userId'] : undefined;
    const user = resolveMailbox(state, principalOf(res), userParam);
    const eventId = String(req.params['eventId'] ?? '');
    const event = state.findOrCreateEvent(user, eventId);
    if (!event) throw itemNotFound();
    return { user, event };
  };

  const get: RequestHandler = (req, res) => {
    recordOf(res).prefer = req.get('prefer') ?? '';
    const { user, event } = find(req, res);
    res.json({
      '@odata.context': `${apiPrefix}/$metadata#users('${encodeURIComponent(user.userPrincipalName)}')/events/$entity`,
      ...render(event, req, res),
    });
  };

  const patch: RequestHandler = (req, res) => {
    const record = recordOf(res);
    record.body = req.body as unknown;
    const ifMatch = req.get('if-match');
    if (ifMatch !== undefined) record.ifMatch = ifMatch;
    const { user, event } = find(req, res);
    if (ifMatch !== undefined && state.faults.take('concurrent_edit', req)) {
      // The organizer saved the event in Outlook a moment before this request arrived.
      event.subject = `${event.subject} (edited)`;
      state.touch(event);
    }
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== event['@odata.etag'])
      throw changeKeyMismatch();
    if (req.body === undefined || req.body === null) throw requestBodyRead('The request body is empty.');
    const result = applyPatch(event, req.body);
    if (result.teamsJoinUrl) state.recordTeamsMeeting(user.id, event.id, result.teamsJoinUrl);
    state.touch(event);
    res.json({
      '@odata.context': `${apiPrefix}/$metadata#users('${encodeURIComponent(user.userPrincipalName)}')/events/$entity`,
      ...render(event, req, res),
    });
  };

  router.get('/users/:userId/events/:eventId', get);
  router.get('/me/events/:eventId', get);
  router.patch('/users/:userId/events/:eventId', patchBody, patch);
  router.patch('/me/events/:eventId', patchBody, patch);
  router.use((req, _res, next) => next(segmentNotFound(req.path.split('/').filter(Boolean).at(-1) ?? '')));
  return router;
};

/** Graph's JSON error body, with request ids; anything else is a bug in the fake. */
export const renderErrors = (state: FakeGraphState) =>
  renderVendorErrors({
    vendor: 'Graph',
    recognize: (error) => (error instanceof GraphApiError ? error : undefined),
    internal: () => serverError(500),
    send: (error, req, res) => {
      const requestId = randomUUID();
      const clientRequestId = req.get('client-request-id') ?? randomUUID();
      res
        .status(error.status)
        .set({ ...error.headers, 'request-id': requestId, 'client-request-id': clientRequestId })
        .json(error.bodyFor(requestId, clientRequestId, state.now()));
    },
  });
