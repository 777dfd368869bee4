// Starts the fake Microsoft Graph: one HTTP server with Graph v1.0 under /v1.0 and the identity
// platform's token endpoint at /{tenant}/oauth2/v2.0/token, so a client under test needs only
// GRAPH_BASE_URL and MS_AUTHORITY_HOST pointed here.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { RequestHandler } from 'express';
import { ConsentSession } from '../oauth-consent';
import { authorizeRouter } from './authorize-router';
import { FakeGraphState } from './fake-graph-state';
import { meRouter } from './me-router';
import { eventsRouter, playFaults, renderErrors } from './events-router';
import { segmentNotFound } from './graph-errors';
import { tokenRouter } from './token-endpoint';
import type { FakeGraph, StartFakeGraphOptions } from './types';

const API_PREFIX = '/v1.0';

const logRequests =
  (state: FakeGraphState): RequestHandler =>
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

export const startFakeGraph = async (options: StartFakeGraphOptions = {}): Promise<FakeGraph> => {
  const now = options.now ?? (() => new Date());
  const state = new FakeGraphState(now, {
    ...(options.autoProvisionUsers ? { tenantId: options.autoProvisionUsers.tenantId } : {}),
    events: options.autoCreateEvents ?? false,
  });
  const consent = new ConsentSession();
  let origin = '';

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(logRequests(state));
  app.use(playFaults(state, API_PREFIX));
  app.use(API_PREFIX, meRouter(state, API_PREFIX), eventsRouter(state, API_PREFIX));
  app.use(authorizeRouter(state, consent, () => origin));
  app.use(tokenRouter(state));
  app.use((req, _res, next) => next(segmentNotFound(req.path.split('/').filter(Boolean).at(-1) ?? '')));
  app.use(renderErrors(state));

  const host = options.host ?? '127.0.0.1';
  const server = app.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  origin = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    baseUrl: `${origin}${API_PREFIX}`,
    authorityHost: origin,
    addRedirectUris: (clientId, uris) => consent.registerRedirectUris(clientId, uris),
    signIn: (userId, signInOptions) => consent.signIn(userId, signInOptions),
    addApp: (input) => state.addApp(input),
    addUser: (input) => state.addUser(input),
    issueUserTokens: ({ tenantId, clientId, clientSecret, userId, scope, accessTokenTtlSeconds = 3599 }) => {
      if (!state.findApp(clientId))
        state.addApp({ tenantId, clientId, clientSecret, applicationPermissions: [] });
      if (!state.findUser(userId)) state.addUser({ id: userId, userPrincipalName: userId });
      const user = state.requireUser(userId);
      const grantScope =
        scope ?? 'https://graph.microsoft.com/Calendars.ReadWrite https://graph.microsoft.com/User.Read';
      const refreshToken = state.issueRefreshToken({
        tenantId,
        clientId,
        userId: user.id,
        scope: grantScope,
        accessTokenTtlSeconds,
        revoked: false,
      });
      const accessToken = state.issueAccessToken(
        { kind: 'user', userId: user.id, clientId, scope: grantScope },
        accessTokenTtlSeconds,
        refreshToken,
      );
      return { accessToken, refreshToken, expiresIn: accessTokenTtlSeconds };
    },
    revokeUserTokens: (userId) => state.revokeUser(userId),
    expireAccessTokens: () => state.expireAccessTokens(),
    seedEvent: (userId, event) => state.seedEvent(userId, event),
    getEvent: (userId, eventId) => {
      const event = state.findEvent(userId, eventId);
      return event ? structuredClone(event) : undefined;
    },
    editEvent: (userId, eventId, changes) => state.editEvent(userId, eventId, changes),
    deleteEvent: (userId, eventId) => state.deleteEvent(userId, eventId),
    teamsMeetingsCreated: () => state.teamsMeetingsCreated(),
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
