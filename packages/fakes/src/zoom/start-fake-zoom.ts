// Starts the fake Zoom: one HTTP server with the REST API under /v2 and the token endpoint at
// /oauth/token, so a client under test needs only its two base URLs pointed here.
import { fakeControls } from '../kit/fake-face';
import { startFakeServer } from '../kit/fake-server';
import { ConsentSession } from '../kit/oauth/consent';
import { authorizeRouter } from './authorize-router';
import { requireBearer } from './bearer-auth';
import { renderErrors } from './error-renderer';
import { FakeZoomState } from './fake-zoom-state';
import { playFaults } from './fault-middleware';
import { meetingsRouter } from './meetings-router';
import { oauthRouter } from './oauth-router';
import { logRequests } from './request-log';
import { issueUserPair } from './oauth-apps';
import type { FakeZoom, StartFakeZoomOptions } from './types';
import { buildUserSettings, usersRouter } from './user-settings';
import { deauthorize, hostDeletesMeeting, hostUpdatesMeeting } from './webhook-events';
import { routeNotFound } from './zoom-errors';

export const startFakeZoom = async (options: StartFakeZoomOptions = {}): Promise<FakeZoom> => {
  const now = options.now ?? (() => new Date());
  const state = new FakeZoomState(
    now,
    options.dailyCreateUpdateLimit ?? 100,
    options.autoProvisionUsers?.accountId,
  );
  const pendingTimers = new Set<NodeJS.Timeout>();
  const consent = new ConsentSession();

  const server = await startFakeServer(
    options,
    (app, originOf) => {
      app.use(logRequests(state));
      app.use(playFaults(state, pendingTimers));
      app.use(oauthRouter(state, originOf));
      app.use(authorizeRouter(state, { session: consent, origin: originOf }));
      app.use('/v2', requireBearer(state), usersRouter(state), meetingsRouter(state), (_req, _res, next) => {
        next(routeNotFound());
      });
      app.use(renderErrors(state));
    },
    () => {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
    },
  );
  const { origin } = server;

  return {
    ...fakeControls({ state, consent, server, requests: () => state.requests() }),
    apiBaseUrl: `${origin}/v2`,
    oauthBaseUrl: origin,
    authorizeUrl: `${origin}/oauth/authorize`,
    addUserApp: ({ clientId, clientSecret, redirectUris }) => {
      state.apps.addUserApp({ clientId, clientSecret });
      consent.registerRedirectUris(clientId, redirectUris);
    },
    addAccount: (input) => state.apps.addS2sApp(input),
    addUser: (input) => state.addUser(input),
    issueUserTokens: ({ clientId, clientSecret, userId, accessTokenTtlSeconds = 3600 }) => {
      const user = state.requireUser(userId);
      state.apps.addUserApp({ clientId, clientSecret });
      const issued = issueUserPair(state.tokens, {
        clientId,
        accountId: user.accountId,
        userId,
        accessTokenTtlSeconds,
      });
      return {
        accessToken: issued.accessToken,
        refreshToken: issued.refreshToken,
        expiresIn: issued.expiresIn,
      };
    },
    issueAuthorizationCode: ({ clientId, clientSecret, userId, redirectUri }) => {
      const user = state.requireUser(userId);
      state.apps.addUserApp({ clientId, clientSecret });
      return state.codes.issue({ clientId, accountId: user.accountId, userId, redirectUri });
    },
    revokeUserTokens: (userId) => state.revokeUser(userId),
    deauthorize: (userId, clientId) => deauthorize(state, userId, clientId),
    hostDeletesMeeting: (meetingId) => hostDeletesMeeting(state, Number(meetingId)),
    hostUpdatesMeeting: (meetingId, changes) => hostUpdatesMeeting(state, Number(meetingId), changes),
    expireAccessTokens: () => state.tokens.expireAccess(),
    meetings: () => state.meetings().map((m) => structuredClone(m)),
    deletedMeetings: () => state.deletedMeetings().map((m) => structuredClone(m)),
    lastRetryAfter: () => state.lastRetryAfter(),
    userSettings: (userId) => buildUserSettings(state.requireUser(userId)),
  };
};
