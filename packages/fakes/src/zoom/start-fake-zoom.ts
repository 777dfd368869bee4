// Starts the fake Zoom: one HTTP server with the REST API under /v2 and the token endpoint at
// /oauth/token, so a client under test needs only its two base URLs pointed here.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ConsentSession } from '../oauth-consent';
import { authorizeRouter } from './authorize-router';
import { requireBearer } from './bearer-auth';
import { renderErrors } from './error-renderer';
import { FakeZoomState } from './fake-zoom-state';
import { playFaults } from './fault-middleware';
import { meetingsRouter } from './meetings-router';
import { oauthRouter } from './oauth-router';
import { logRequests } from './request-log';
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
  let origin = '';

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(logRequests(state));
  app.use(playFaults(state, pendingTimers));
  app.use(oauthRouter(state, () => origin));
  app.use(authorizeRouter(state, consent, () => origin));
  app.use('/v2', requireBearer(state), usersRouter(state), meetingsRouter(state), (_req, _res, next) => {
    next(routeNotFound());
  });
  app.use(renderErrors(state));

  const host = options.host ?? '127.0.0.1';
  const server = app.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    apiBaseUrl: `${origin}/v2`,
    oauthBaseUrl: origin,
    authorizeUrl: `${origin}/oauth/authorize`,
    addUserApp: ({ clientId, clientSecret, redirectUris }) => {
      state.tokens.addUserApp({ clientId, clientSecret });
      consent.registerRedirectUris(clientId, redirectUris);
    },
    signIn: (userId, signInOptions) => consent.signIn(userId, signInOptions),
    addAccount: (input) => state.tokens.addS2sApp(input),
    addUser: (input) => state.addUser(input),
    issueUserTokens: ({ clientId, clientSecret, userId, accessTokenTtlSeconds = 3600 }) => {
      const user = state.requireUser(userId);
      state.tokens.addUserApp({ clientId, clientSecret });
      const issued = state.tokens.issueUserPair(
        { clientId, accountId: user.accountId, userId, accessTokenTtlSeconds },
        now().getTime(),
      );
      return {
        accessToken: issued.accessToken,
        refreshToken: issued.refreshToken,
        expiresIn: issued.expiresIn,
      };
    },
    issueAuthorizationCode: ({ clientId, clientSecret, userId, redirectUri }) => {
      const user = state.requireUser(userId);
      state.tokens.addUserApp({ clientId, clientSecret });
      return state.tokens.issueCode(
        { clientId, accountId: user.accountId, userId, redirectUri },
        now().getTime(),
      );
    },
    revokeUserTokens: (userId) => state.tokens.revokeUser(userId),
    deauthorize: (userId, clientId) => deauthorize(state, userId, clientId),
    hostDeletesMeeting: (meetingId) => hostDeletesMeeting(state, Number(meetingId)),
    hostUpdatesMeeting: (meetingId, changes) => hostUpdatesMeeting(state, Number(meetingId), changes),
    expireAccessTokens: () => state.tokens.expireAccessTokens(),
    inject: (fault) => state.faults.add(fault),
    meetings: () => state.meetings().map((m) => structuredClone(m)),
    deletedMeetings: () => state.deletedMeetings().map((m) => structuredClone(m)),
    requests: () => state.requests(),
    lastRetryAfter: () => state.lastRetryAfter(),
    userSettings: (userId) => buildUserSettings(state.requireUser(userId)),
    reset: () => {
      state.reset();
      consent.reset();
    },
    close: async () => {
      for (const timer of pendingTimers) clearTimeout(timer);
      pendingTimers.clear();
      const closed = new Promise<void>((resolve, reject) =>
        server.close((error) => (error ? reject(error) : resolve())),
      );
      server.closeAllConnections();
      await closed;
    },
  };
};
