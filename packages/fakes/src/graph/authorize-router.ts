// The Microsoft identity platform's authorization code flow: GET /{tenant}/oauth2/v2.0/authorize
// sends the browser back with a one-time `code` and the `state` (response_mode=query), and POST
// /{tenant}/oauth2/v2.0/token exchanges it (grant_type=authorization_code; other grants fall through
// to the token endpoint beside it). A refresh token comes only with the `offline_access` scope, an
// id_token only with `openid`. Short Graph scopes (`Calendars.ReadWrite`) mean
// https://graph.microsoft.com/…, as Entra ID reads them.
import { randomBytes, randomUUID } from 'node:crypto';
import express from 'express';
import type { Request, Response, Router } from 'express';
import { queryParam, redirectBack, renderAuthorizeError, renderChooser } from '../oauth-consent';
import type { ConsentSession } from '../oauth-consent';
import type { FakeGraphState, RequestRecord } from './fake-graph-state';
import { AadError } from './graph-errors';
import { authenticateApp, MULTI_TENANT } from './token-endpoint';

const CODE_TTL_MS = 10 * 60_000;
const TOKEN_TTL_SECONDS = 3599;
const OIDC_SCOPES = new Set(['openid', 'profile', 'email', 'offline_access']);

interface CodeRecord {
  clientId: string;
  userId: string;
  tenantId: string;
  /** Resource scopes only, as full URIs. */
  scope: string;
  oidc: Set<string>;
  redirectUri: string;
  expiresAt: number;
  redeemed: boolean;
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

const splitScopes = (requested: string): { resource: string; oidc: Set<string> } => {
  const scopes = requested.split(/\s+/).filter(Boolean);
  const oidc = new Set(scopes.filter((s) => OIDC_SCOPES.has(s)));
  const resource = scopes
    .filter((s) => !OIDC_SCOPES.has(s))
    .map((s) => (/^https?:\/\//.test(s) ? s : `https://graph.microsoft.com/${s}`))
    .join(' ');
  return { resource, oidc };
};

export const authorizeRouter = (
  state: FakeGraphState,
  session: ConsentSession,
  origin: () => string,
): Router => {
  const router = express.Router();
  const codes = new Map<string, CodeRecord>();

  router.get('/:tenant/oauth2/v2.0/authorize', (req: Request, res: Response) => {
    const tenant = String(req.params['tenant'] ?? '');
    const clientId = queryParam(req.query, 'client_id') ?? '';
    const redirectUri = queryParam(req.query, 'redirect_uri') ?? '';
    const app = state.findApp(clientId);
    if (!app || (!MULTI_TENANT.has(tenant) && app.tenantId !== tenant)) {
      renderAuthorizeError(
        res,
        400,
        'Microsoft (fake)',
        `AADSTS700016: Application with identifier '${clientId}' was not found in the directory '${tenant}'.`,
      );
      return;
    }
    if (!session.isAllowedRedirect(clientId, redirectUri)) {
      renderAuthorizeError(
        res,
        400,
        'Microsoft (fake)',
        `AADSTS50011: The redirect URI '${redirectUri}' specified in the request does not match the redirect URIs configured for the application '${clientId}'.`,
      );
      return;
    }
    const stateParam = queryParam(req.query, 'state');
    if (queryParam(req.query, 'response_type') !== 'code') {
      redirectBack(res, redirectUri, { error: 'unsupported_response_type', state: stateParam });
      return;
    }
    const { resource, oidc } = splitScopes(queryParam(req.query, 'scope') ?? '');
    if (!resource && oidc.size === 0) {
      redirectBack(res, redirectUri, {
        error: 'invalid_request',
        error_description: "AADSTS900144: The request body must contain the following parameter: 'scope'.",
        state: stateParam,
      });
      return;
    }
    const users = state
      .allUsers()
      .filter((u) => u.tenantId === undefined || MULTI_TENANT.has(tenant) || u.tenantId === tenant)
      .map((u) => ({ id: u.id, label: u.userPrincipalName }));
    const user = session.pickUser(users, queryParam(req.query, 'fake_user'));
    if (!user) {
      renderChooser(res, 'Microsoft', new URL(req.originalUrl, origin()), users);
      return;
    }
    if (session.willDeny) {
      redirectBack(res, redirectUri, {
        error: 'access_denied',
        error_description: 'AADSTS65004: User declined to consent to access the app.',
        state: stateParam,
      });
      return;
    }
    const code = `0.fakeAuthCode-${randomBytes(32).toString('base64url')}`;
    codes.set(code, {
      clientId,
      userId: user.id,
      tenantId: app.tenantId,
      scope: resource,
      oidc,
      redirectUri,
      expiresAt: state.now().getTime() + CODE_TTL_MS,
      redeemed: false,
    });
    redirectBack(res, redirectUri, { code, state: stateParam, session_state: randomUUID() });
  });

  router.post(
    '/:tenant/oauth2/v2.0/token',
    express.urlencoded({ extended: false }),
    (req: Request, res: Response, next) => {
      const body = (req.body ?? {}) as Record<string, string | undefined>;
      if (body['grant_type'] !== 'authorization_code') {
        next();
        return;
      }
      const record = res.locals['record'] as RequestRecord;
      record.grantType = 'authorization_code';
      try {
        const app = authenticateApp(state, String(req.params['tenant'] ?? ''), req);
        const grant = codes.get(body['code'] ?? '');
        if (!grant || grant.clientId !== app.clientId || grant.expiresAt <= state.now().getTime()) {
          throw new AadError(
            400,
            'invalid_grant',
            70008,
            'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
          );
        }
        if (grant.redeemed) {
          throw new AadError(
            400,
            'invalid_grant',
            54005,
            'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
          );
        }
        grant.redeemed = true;
        if (body['redirect_uri'] !== grant.redirectUri) {
          throw new AadError(
            400,
            'invalid_grant',
            500112,
            `The reply address '${body['redirect_uri'] ?? ''}' does not match the reply address '${grant.redirectUri}' provided when requesting Authorization code.`,
          );
        }
        const refreshToken = grant.oidc.has('offline_access')
          ? state.issueRefreshToken({
              tenantId: grant.tenantId,
              clientId: grant.clientId,
              userId: grant.userId,
              scope: grant.scope,
              accessTokenTtlSeconds: TOKEN_TTL_SECONDS,
              revoked: false,
            })
          : undefined;
        const accessToken = state.issueAccessToken(
          { kind: 'user', userId: grant.userId, clientId: grant.clientId, scope: grant.scope },
          TOKEN_TTL_SECONDS,
          refreshToken,
        );
        const user = state.requireUser(grant.userId);
        const nowSeconds = Math.floor(state.now().getTime() / 1000);
        const idToken = grant.oidc.has('openid')
          ? [
              base64url({ typ: 'JWT', alg: 'RS256', kid: 'fake-entra' }),
              base64url({
                aud: grant.clientId,
                iss: `https://login.microsoftonline.com/${grant.tenantId}/v2.0`,
                iat: nowSeconds,
                nbf: nowSeconds,
                exp: nowSeconds + 3600,
                oid: user.id,
                tid: grant.tenantId,
                sub: randomBytes(16).toString('base64url'),
                preferred_username: user.userPrincipalName,
                ver: '2.0',
              }),
              randomBytes(64).toString('base64url'),
            ].join('.')
          : undefined;
        record.principal = grant.userId;
        res.json({
          token_type: 'Bearer',
          scope: grant.scope,
          expires_in: TOKEN_TTL_SECONDS,
          ext_expires_in: TOKEN_TTL_SECONDS,
          access_token: accessToken,
          ...(refreshToken ? { refresh_token: refreshToken } : {}),
          ...(idToken ? { id_token: idToken } : {}),
        });
      } catch (error) {
        if (!(error instanceof AadError)) throw error;
        res.status(error.status).json(error.bodyFor(state.now()));
      }
    },
  );
  return router;
};
