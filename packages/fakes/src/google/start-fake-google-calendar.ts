// Starts the fake Google Calendar: one HTTP server with the Calendar API v3 under /calendar/v3 (the
// path googleapis puts after the origin of its rootUrl) and the OAuth token endpoint at /token.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { RequestHandler } from 'express';
import { ConsentSession } from '../oauth-consent';
import { authorizeRouter } from './authorize-router';
import { FakeGoogleState } from './fake-google-state';
import { eventsListRouter } from './events-list-router';
import { eventsRouter, playFaults, renderErrors } from './events-router';
import { notFound } from './google-errors';
import { tokenRouter } from './token-endpoint';
import type { FakeGoogleCalendar, StartFakeGoogleCalendarOptions } from './types';

const logRequests =
  (state: FakeGoogleState): RequestHandler =>
  (req, res, next) => {
    const query: Record<string, string> = {};
    for (const [key, value] of Object.entries(req.query)) if (typeof value === 'string') query[key] = value;
    const record = state.logRequest({ method: req.method, path: req.path, query });
    res.locals['record'] = record;
    let settled = false;
    const settle = (answered: boolean): void => {
      if (settled) return;
      settled = true;
      record.status = answered ? res.statusCode : 0;
    };
    res.on('finish', () => settle(true));
    res.on('close', () => settle(res.writableFinished));
    next();
  };

export const startFakeGoogleCalendar = async (
  options: StartFakeGoogleCalendarOptions = {},
): Promise<FakeGoogleCalendar> => {
  const now = options.now ?? (() => new Date());
  const state = new FakeGoogleState(now, options.acceptAddOnConferenceData ?? false, {
    ...(options.autoProvisionUsers ? { users: options.autoProvisionUsers } : {}),
    events: options.autoCreateEvents ?? false,
  });
  const consent = new ConsentSession();
  let origin = '';

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(logRequests(state));
  app.use(playFaults(state));
  app.use(authorizeRouter(state, consent, () => origin));
  app.use(tokenRouter(state, () => `${origin}/token`));
  app.use('/calendar/v3', eventsListRouter(state), eventsRouter(state));
  app.use((_req, _res, next) => next(notFound()));
  app.use(renderErrors);

  const host = options.host ?? '127.0.0.1';
  const server = app.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    rootUrl: `${origin}/`,
    tokenUrl: `${origin}/token`,
    authorizeUrl: `${origin}/o/oauth2/v2/auth`,
    addOAuthClient: ({ clientId, clientSecret, redirectUris }) => {
      state.addOAuthClient(clientId, clientSecret);
      consent.registerRedirectUris(clientId, redirectUris);
    },
    signIn: (email, signInOptions) => consent.signIn(email, signInOptions),
    addUser: (input) => state.addUser(input),
    addServiceAccount: (input) => state.addServiceAccount(input),
    issueUserTokens: ({ clientId, clientSecret, email, scope, accessTokenTtlSeconds = 3599 }) => {
      state.addOAuthClient(clientId, clientSecret);
      if (!state.hasUser(email)) state.addUser({ email });
      const grantScope = scope ?? 'https://www.googleapis.com/auth/calendar.events';
      const refreshToken = state.issueRefreshToken({
        clientId,
        email,
        scope: grantScope,
        accessTokenTtlSeconds,
        revoked: false,
      });
      const accessToken = state.issueAccessToken(
        { principal: email, scope: grantScope, grantId: refreshToken },
        accessTokenTtlSeconds,
      );
      return { accessToken, refreshToken, expiresIn: accessTokenTtlSeconds };
    },
    revokeUserTokens: (email) => state.revokeUser(email),
    expireAccessTokens: () => state.expireAccessTokens(),
    seedEvent: (calendarId, event) => state.seedEvent(calendarId, event),
    getEvent: (calendarId, eventId) => {
      const event = state.findEvent(calendarId, eventId);
      return event ? structuredClone(event) : undefined;
    },
    editEvent: (calendarId, eventId, changes) => state.editEvent(calendarId, eventId, changes),
    deleteEvent: (calendarId, eventId, deleteOptions) =>
      state.deleteEvent(calendarId, eventId, deleteOptions?.purge ?? false),
    inject: (fault) => state.addFault(fault),
    requests: () => state.requests(),
    reset: () => {
      state.reset();
      consent.reset();
    },
    close: async () => {
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      server.closeAllConnections();
      await closed;
    },
  };
};
