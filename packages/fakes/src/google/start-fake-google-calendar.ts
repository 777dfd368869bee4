// Starts the fake Google Calendar: one HTTP server with the Calendar API v3 under /calendar/v3 (the
// path googleapis puts after the origin of its rootUrl) and the OAuth token endpoint at /token.
import { calendarControls, fakeControls } from '../kit/fake-face';
import { startFakeServer } from '../kit/fake-server';
import { ConsentSession } from '../kit/oauth/consent';
import { logRequestsWithQuery } from '../kit/request-log';
import { authorizeRouter } from './authorize-router';
import { FakeGoogleState } from './fake-google-state';
import { eventsListRouter } from './events-list-router';
import { eventsRouter, playFaults, renderErrors } from './events-router';
import { notFound } from './google-errors';
import { tokenRouter } from './token-endpoint';
import type { FakeGoogleCalendar, StartFakeGoogleCalendarOptions } from './types';

export const startFakeGoogleCalendar = async (
  options: StartFakeGoogleCalendarOptions = {},
): Promise<FakeGoogleCalendar> => {
  const now = options.now ?? (() => new Date());
  const state = new FakeGoogleState(now, options.acceptAddOnConferenceData ?? false, {
    ...(options.autoProvisionUsers ? { users: options.autoProvisionUsers } : {}),
    events: options.autoCreateEvents ?? false,
  });
  const consent = new ConsentSession();

  const server = await startFakeServer(options, (app, originOf) => {
    app.use(logRequestsWithQuery(state.log));
    app.use(playFaults(state));
    app.use(authorizeRouter(state, { session: consent, origin: originOf }));
    app.use(tokenRouter(state, () => `${originOf()}/token`));
    app.use('/calendar/v3', eventsListRouter(state), eventsRouter(state));
    app.use((_req, _res, next) => next(notFound()));
    app.use(renderErrors);
  });

  const { origin } = server;
  return {
    ...fakeControls({ state, consent, server, requests: () => state.log.list((r) => structuredClone(r)) }),
    ...calendarControls(state),
    rootUrl: `${origin}/`,
    tokenUrl: `${origin}/token`,
    authorizeUrl: `${origin}/o/oauth2/v2/auth`,
    addOAuthClient: ({ clientId, clientSecret, redirectUris }) => {
      state.addOAuthClient(clientId, clientSecret);
      consent.registerRedirectUris(clientId, redirectUris);
    },
    addUser: (input) => state.addUser(input),
    addServiceAccount: (input) => state.addServiceAccount(input),
    issueUserTokens: ({ clientId, clientSecret, email, scope, accessTokenTtlSeconds = 3599 }) => {
      state.addOAuthClient(clientId, clientSecret);
      if (!state.hasUser(email)) state.addUser({ email });
      const grantScope = scope ?? 'https://www.googleapis.com/auth/calendar.events';
      const refreshToken = state.tokens.issueRefresh({
        clientId,
        email,
        scope: grantScope,
        accessTokenTtlSeconds,
      });
      const accessToken = state.tokens.issueAccess(
        { principal: email, scope: grantScope },
        accessTokenTtlSeconds,
        refreshToken,
      );
      return { accessToken, refreshToken, expiresIn: accessTokenTtlSeconds };
    },
    deleteEvent: (calendarId, eventId, deleteOptions) =>
      state.deleteEvent(calendarId, eventId, deleteOptions?.purge ?? false),
  };
};
