// Graph v1.0 events of a mailbox: GET and PATCH /users/{id | userPrincipalName}/events/{id} (and
// /me/events/{id} for delegated tokens), with bearer auth, $select, the Prefer header for the body
// format, If-Match against the change key, throttling and Graph's error body.
import { randomUUID } from 'node:crypto';
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { FakeGraphState, Principal, RequestRecord, UserRecord } from './fake-graph-state';
import { applyPatch, asStoredHtml, previewOf } from './event-patch';
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

export const recordOf = (res: Response): RequestRecord => res.locals['record'] as RequestRecord;
export const principalOf = (res: Response): Principal => res.locals['principal'] as Principal;

/** Injected 5xx and throttling, answered before auth as Graph's front door would. */
export const playFaults =
  (state: FakeGraphState, apiPrefix: string): RequestHandler =>
  (req, res, next) => {
    const status = state.takeFault('status', req.method, req.path, apiPrefix);
    if (status) {
      if (status.retryAfterSeconds !== undefined)
        state.recordRetryAfter(recordOf(res), status.retryAfterSeconds);
      next(serverError(status.status, status.retryAfterSeconds));
      return;
    }
    const throttle = state.takeFault('throttle', req.method, req.path, apiPrefix);
    if (throttle) {
      const seconds = throttle.omitRetryAfter ? undefined : (throttle.retryAfterSeconds ?? 1);
      if (seconds !== undefined) state.recordRetryAfter(recordOf(res), seconds);
      next(throttled(throttle.code ?? 'TooManyRequests', seconds));
      return;
    }
    next();
  };

export const requireBearer =
  (state: FakeGraphState): RequestHandler =>
  (req, res, next) => {
    const header = req.get('authorization');
    const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
    if (!token) {
      next(tokenMissing());
      return;
    }
    const check = state.checkAccessToken(token);
    if (!check.ok) {
      next(check.reason === 'expired' ? tokenExpired() : tokenInvalid());
      return;
    }
    res.locals['principal'] = check.principal;
    recordOf(res).principal =
      check.principal.kind === 'app' ? `app:${check.principal.clientId}` : check.principal.userId;
    next();
  };

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

const EVENT_PROPERTIES = new Set<string>([
  'id',
  'createdDateTime',
  'lastModifiedDateTime',
  'changeKey',
  'categories',
  'iCalUId',
  'subject',
  'bodyPreview',
  'importance',
  'sensitivity',
  'isAllDay',
  'isCancelled',
  'isOrganizer',
  'isReminderOn',
  'reminderMinutesBeforeStart',
  'responseRequested',
  'showAs',
  'type',
  'webLink',
  'onlineMeetingUrl',
  'isOnlineMeeting',
  'onlineMeetingProvider',
  'onlineMeeting',
  'body',
  'start',
  'end',
  'location',
  'locations',
  'attendees',
  'organizer',
  'recurrence',
  'seriesMasterId',
  'hasAttachments',
  'responseStatus',
  'hideAttendees',
  'allowNewTimeProposals',
  'originalStartTimeZone',
  'originalEndTimeZone',
]);

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

const jsonBody: RequestHandler = (req, res, next) => {
  express.json({ type: () => true, strict: false, limit: '4mb' })(req, res, (error?: unknown) => {
    next(error ? badJson() : undefined);
  });
};

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
    if (ifMatch !== undefined && state.takeFault('concurrent_edit', req.method, req.path, apiPrefix)) {
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
  router.patch('/users/:userId/events/:eventId', jsonBody, patch);
  router.patch('/me/events/:eventId', jsonBody, patch);
  router.use((req, _res, next) => next(segmentNotFound(req.path.split('/').filter(Boolean).at(-1) ?? '')));
  return router;
};

/** Graph's JSON error body, with request ids; anything else is a bug in the fake. */
export const renderErrors =
  (state: FakeGraphState) =>
  (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    let graphError = error instanceof GraphApiError ? error : undefined;
    if (!graphError) {
      console.error('fake Graph: unexpected error', error);
      graphError = serverError(500);
    }
    if (res.headersSent) return;
    const requestId = randomUUID();
    const clientRequestId = req.get('client-request-id') ?? randomUUID();
    res
      .status(graphError.status)
      .set({ ...graphError.headers, 'request-id': requestId, 'client-request-id': clientRequestId })
      .json(graphError.bodyFor(requestId, clientRequestId, state.now()));
  };
