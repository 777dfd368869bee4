// Starts the fake Microsoft Graph: one HTTP server with Graph v1.0 under /v1.0 and the identity
// platform's token endpoint at /{tenant}/oauth2/v2.0/token, so a client under test needs only
// GRAPH_BASE_URL and MS_AUTHORITY_HOST pointed here.
import { calendarControls, fakeControls } from '../kit/fake-face';
import { startFakeServer } from '../kit/fake-server';
import { ConsentSession } from '../kit/oauth/consent';
import { logRequestsWithQuery } from '../kit/request-log';
import { authorizeRouter } from './authorize-router';
import { API_PREFIX, FakeGraphState } from './fake-graph-state';
import { meRouter } from './me-router';
import { eventsRouter, playFaults, renderErrors } from './events-router';
import { segmentNotFound } from './graph-errors';
import { tokenRouter } from './token-endpoint';
import type { FakeGraph, StartFakeGraphOptions } from './types';

export const startFakeGraph = async (options: StartFakeGraphOptions = {}): Promise<FakeGraph> => {
  const now = options.now ?? (() => new Date());
  const state = new FakeGraphState(now, {
    ...(options.autoProvisionUsers ? { tenantId: options.autoProvisionUsers.tenantId } : {}),
    events: options.autoCreateEvents ?? false,
  });
  const consent = new ConsentSession();

  const server = await startFakeServer(options, (app, originOf) => {
    app.use(logRequestsWithQuery(state.log));
    app.use(playFaults(state));
    app.use(API_PREFIX, meRouter(state, API_PREFIX), eventsRouter(state, API_PREFIX));
    app.use(authorizeRouter(state, { session: consent, origin: originOf }));
    app.use(tokenRouter(state));
    app.use((req, _res, next) => next(segmentNotFound(req.path.split('/').filter(Boolean).at(-1) ?? '')));
    app.use(renderErrors(state));
  });

  const { origin } = server;
  return {
    ...fakeControls({ state, consent, server, requests: () => state.log.list((r) => structuredClone(r)) }),
    ...calendarControls(state),
    baseUrl: `${origin}${API_PREFIX}`,
    authorityHost: origin,
    addRedirectUris: (clientId, uris) => consent.registerRedirectUris(clientId, uris),
    addApp: (input) => state.addApp(input),
    addUser: (input) => state.addUser(input),
    issueUserTokens: ({ tenantId, clientId, clientSecret, userId, scope, accessTokenTtlSeconds = 3599 }) => {
      if (!state.findApp(clientId))
        state.addApp({ tenantId, clientId, clientSecret, applicationPermissions: [] });
      if (!state.findUser(userId)) state.addUser({ id: userId, userPrincipalName: userId });
      const user = state.requireUser(userId);
      const grantScope =
        scope ?? 'https://graph.microsoft.com/Calendars.ReadWrite https://graph.microsoft.com/User.Read';
      const refreshToken = state.tokens.issueRefresh({
        tenantId,
        clientId,
        userId: user.id,
        scope: grantScope,
        accessTokenTtlSeconds,
      });
      const accessToken = state.tokens.issueAccess(
        { kind: 'user', userId: user.id, clientId, scope: grantScope },
        accessTokenTtlSeconds,
        refreshToken,
      );
      return { accessToken, refreshToken, expiresIn: accessTokenTtlSeconds };
    },
    deleteEvent: (userId, eventId) => state.deleteEvent(userId, eventId),
    teamsMeetingsCreated: () => state.teamsMeetingsCreated(),
  };
};
