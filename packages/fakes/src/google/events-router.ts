// The Calendar API v3 under /calendar/v3: bearer auth with a calendar scope, then events.get and
// events.patch (If-Match, sendUpdates, conferenceDataVersion) on the calendars the token may reach.
import express from 'express';
import type { Request, RequestHandler, Response, Router } from 'express';
import { failOn, faultGate } from '../kit/fault-gate';
import { bearerPrincipal, requireBearer as bearerAuth } from '../kit/oauth/client-auth';
import { loggedRecord } from '../kit/request-log';
import { jsonBody } from '../kit/json';
import { renderVendorErrors } from '../kit/vendor-errors';
import type { AccessTokenRecord, FakeGoogleState, RequestRecord } from './fake-google-state';
import { CALENDAR_SCOPES } from './fake-google-state';
import { planPatch } from './event-patch';
import {
  authError,
  backendError,
  conditionNotMet,
  GoogleApiError,
  insufficientScopes,
  invalidParameter,
  notFound,
  parseError,
  rateLimited,
} from './google-errors';

export const recordOf = (res: Response): RequestRecord => loggedRecord<RequestRecord>(res);

/** Injected 5xx and rate limits, answered before auth as Google's front end would. */
export const playFaults = (state: FakeGoogleState): RequestHandler =>
  faultGate(
    failOn(state, 'status', (fault) => backendError(fault.status, fault.retryAfterSeconds)),
    failOn(state, 'rate_limit', (fault) => rateLimited(fault.status, fault.reason, fault.retryAfterSeconds)),
  );

export const requireBearer = (state: FakeGoogleState): RequestHandler =>
  bearerAuth<AccessTokenRecord>({
    check: (token) => state.tokens.checkAccess(token),
    reject: () => authError(),
    accept: (token, res) => {
      const scopes = token.scope.split(/\s+/);
      if (!scopes.some((scope) => CALENDAR_SCOPES.includes(scope))) return insufficientScopes();
      recordOf(res).principal = token.principal;
      return undefined;
    },
  });

export const tokenOf = (res: Response): AccessTokenRecord =>
  bearerPrincipal<AccessTokenRecord>(res, authError);

const param = (req: Request, name: string): string => {
  const value = req.params[name];
  return typeof value === 'string' ? value : '';
};

const queryString = (req: Request, name: string): string | undefined => {
  const value = req.query[name];
  return typeof value === 'string' ? value : undefined;
};

const SEND_UPDATES = new Set(['all', 'externalOnly', 'none']);

const checkPatchQuery = (req: Request): { conferenceDataVersion: number } => {
  const sendUpdates = queryString(req, 'sendUpdates');
  if (sendUpdates !== undefined && !SEND_UPDATES.has(sendUpdates)) {
    throw invalidParameter(
      'sendUpdates',
      `Invalid value '${sendUpdates}'. Values must match the following regular expression: 'all|externalOnly|none'`,
    );
  }
  const sendNotifications = queryString(req, 'sendNotifications');
  if (sendNotifications !== undefined && sendNotifications !== 'true' && sendNotifications !== 'false') {
    throw invalidParameter('sendNotifications', `Invalid boolean value: '${sendNotifications}'.`);
  }
  const version = queryString(req, 'conferenceDataVersion') ?? '0';
  if (version !== '0' && version !== '1') {
    throw invalidParameter(
      'conferenceDataVersion',
      `Invalid value '${version}'. Values must be within the range: [0, 1]`,
    );
  }
  return { conferenceDataVersion: Number(version) };
};

/** JSON bodies; a body that does not parse is Google's 400 parseError. */
const patchBody = jsonBody('1mb', parseError);

export const eventsRouter = (state: FakeGoogleState): Router => {
  const router = express.Router();
  router.use(requireBearer(state));
  const eventPath = '/calendars/:calendarId/events/:eventId';

  router.get(eventPath, (req, res) => {
    const calendar = state.resolveCalendar(tokenOf(res).principal, param(req, 'calendarId'));
    const event = state.findOrCreateEvent(calendar, param(req, 'eventId'));
    if (!event) throw notFound();
    res.set('etag', event.etag).json(event);
  });

  router.patch(eventPath, patchBody, (req, res) => {
    const record = recordOf(res);
    record.body = req.body as unknown;
    const ifMatch = req.get('if-match');
    if (ifMatch !== undefined) record.ifMatch = ifMatch;
    const { conferenceDataVersion } = checkPatchQuery(req);
    const calendar = state.resolveCalendar(tokenOf(res).principal, param(req, 'calendarId'));
    const event = state.findOrCreateEvent(calendar, param(req, 'eventId'));
    if (!event) throw notFound();
    const race = ifMatch !== undefined ? state.faults.take('concurrent_edit', req) : undefined;
    if (race) {
      // Someone else saved the event a moment before this request arrived.
      event.description = race.description ?? `${event.description ?? ''}\n(edited elsewhere)`;
      state.touch(event);
    }
    if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== event.etag) throw conditionNotMet();
    const plan = planPatch(req.body, {
      conferenceDataVersion,
      acceptAddOnConferenceData: state.acceptAddOnConferenceData,
    });
    if (plan.ignoredFields.length > 0) record.ignoredFields = plan.ignoredFields;
    plan.apply(event);
    state.touch(event);
    res.set('etag', event.etag).json(event);
  });

  router.use((_req, _res, next) => next(notFound()));
  return router;
};

/** Google's JSON error body for anything a route threw; anything else is a bug in the fake. */
export const renderErrors = renderVendorErrors({
  vendor: 'Google',
  recognize: (error) => (error instanceof GoogleApiError ? error : undefined),
  internal: () => backendError(500),
  send: (error, _req, res) => {
    res.status(error.status).set(error.headers).json(error.body);
  },
});
