// POST /{tenant}/oauth2/v2.0/token, as login.microsoftonline.com answers it: client_credentials
// for an app (scope must be `<resource>/.default`), refresh_token for a user's delegated grant, which
// hands out a new refresh token each time (the old one keeps working until the grant is revoked), and
// authorization_code for the code a consent at /{tenant}/oauth2/v2.0/authorize gave: once (AADSTS54005
// the second time), a refresh token only with `offline_access`, an id_token only with `openid`.
import { randomBytes } from 'node:crypto';
import type { Request, Router } from 'express';
import { checkClient, readClientCredentials } from '../kit/oauth/client-auth';
import { tokenEndpoint } from '../kit/oauth/token-endpoint';
import type { FormField, TokenAnswer } from '../kit/oauth/token-endpoint';
import { unsignedJwt } from '../kit/oauth/tokens';
import type { AppRecord, FakeGraphState, Principal } from './fake-graph-state';
import { recordOf } from './events-router';
import { AadError } from './graph-errors';

const TOKEN_TTL_SECONDS = 3599;
const MULTI_TENANT = new Set(['common', 'organizations']);

/** The tenant a path names: the app's own, or `common` / `organizations`. */
export const servesTenant = (tenant: string, ownTenant: string | undefined): boolean =>
  MULTI_TENANT.has(tenant) || ownTenant === tenant;

const invalidGrant = (aadsts: number, description: string): AadError =>
  new AadError(400, 'invalid_grant', aadsts, description);

const missingParameter = (name: string): AadError =>
  new AadError(
    400,
    'invalid_request',
    900144,
    `The request body must contain the following parameter: '${name}'.`,
  );

/** The `{tenant}` of the path. */
export const tenantOf = (req: Request): string => String(req.params['tenant'] ?? '');

export const authenticateApp = (state: FakeGraphState, req: Request): AppRecord => {
  const tenant = tenantOf(req);
  const credentials = readClientCredentials(req);
  const check = checkClient(credentials, (clientId) => state.findApp(clientId));
  if (!check.ok && check.reason === 'missing') throw missingParameter('client_id');
  const app = check.client;
  if (!app || !servesTenant(tenant, app.tenantId)) {
    throw new AadError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${credentials.clientId ?? ''}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  if (!check.ok) {
    throw new AadError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${app.clientId}'.`,
    );
  }
  return app;
};

/** The token response: every answer names its scope (but an app's), both lifetimes and the token. */
const tokenBody = (
  access: { token: string; ttlSeconds: number; scope?: string },
  extra: Record<string, string | undefined> = {},
): Record<string, unknown> => {
  const body: Record<string, unknown> = {
    token_type: 'Bearer',
    ...(access.scope !== undefined ? { scope: access.scope } : {}),
    expires_in: access.ttlSeconds,
    ext_expires_in: access.ttlSeconds,
    access_token: access.token,
  };
  for (const [key, value] of Object.entries(extra)) if (value !== undefined) body[key] = value;
  return body;
};

const clientCredentialsGrant = (state: FakeGraphState, field: FormField, req: Request): TokenAnswer => {
  const app = authenticateApp(state, req);
  const tenant = tenantOf(req);
  if (MULTI_TENANT.has(tenant)) {
    throw new AadError(
      400,
      'invalid_request',
      700016,
      `Application '${app.clientId}' cannot use the client credentials grant with the '${tenant}' endpoint: name the tenant.`,
    );
  }
  const scope = field('scope') ?? '';
  if (!scope.endsWith('/.default')) {
    throw new AadError(
      400,
      'invalid_scope',
      1002012,
      `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
    );
  }
  const principal: Principal = {
    kind: 'app',
    tenantId: app.tenantId,
    clientId: app.clientId,
    roles: app.applicationPermissions,
  };
  return {
    principal: `app:${app.clientId}`,
    body: tokenBody({
      token: state.tokens.issueAccess(principal, TOKEN_TTL_SECONDS),
      ttlSeconds: TOKEN_TTL_SECONDS,
    }),
  };
};

const refreshGrant = (state: FakeGraphState, field: FormField, req: Request): TokenAnswer => {
  const app = authenticateApp(state, req);
  const presented = field('refresh_token');
  if (!presented) throw missingParameter('refresh_token');
  const grant = state.tokens.grantOf(presented, app.clientId);
  if (!grant) {
    throw invalidGrant(9002313, 'Invalid request. Request is malformed or invalid.');
  }
  if (grant.revoked) {
    throw invalidGrant(
      50173,
      'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.',
    );
  }
  const refreshToken = state.tokens.issueRefresh(grant);
  const { userId, clientId, scope, accessTokenTtlSeconds } = grant;
  const token = state.tokens.issueAccess(
    { kind: 'user', userId, clientId, scope },
    accessTokenTtlSeconds,
    refreshToken,
  );
  return {
    principal: userId,
    body: tokenBody({ token, ttlSeconds: accessTokenTtlSeconds, scope }, { refresh_token: refreshToken }),
  };
};

const codeGrant = (state: FakeGraphState, field: FormField, req: Request): TokenAnswer => {
  const app = authenticateApp(state, req);
  const redeemed = state.codes.redeem(field('code') ?? '', app.clientId);
  if (!redeemed) {
    throw invalidGrant(
      70008,
      'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.',
    );
  }
  if (redeemed.again) {
    throw invalidGrant(
      54005,
      'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
    );
  }
  const { grant } = redeemed;
  if (field('redirect_uri') !== grant.redirectUri) {
    throw invalidGrant(
      500112,
      `The reply address '${field('redirect_uri') ?? ''}' does not match the reply address '${grant.redirectUri}' provided when requesting Authorization code.`,
    );
  }
  const { tenantId, clientId, userId, scope } = grant;
  const refreshToken = grant.oidc.has('offline_access')
    ? state.tokens.issueRefresh({
        tenantId,
        clientId,
        userId,
        scope,
        accessTokenTtlSeconds: TOKEN_TTL_SECONDS,
      })
    : undefined;
  const token = state.tokens.issueAccess(
    { kind: 'user', userId, clientId, scope },
    TOKEN_TTL_SECONDS,
    refreshToken,
  );
  const user = state.requireUser(userId);
  const nowSeconds = Math.floor(state.now().getTime() / 1000);
  const idToken = grant.oidc.has('openid')
    ? unsignedJwt(
        { typ: 'JWT', alg: 'RS256', kid: 'fake-entra' },
        {
          aud: clientId,
          iss: `https://login.microsoftonline.com/${tenantId}/v2.0`,
          iat: nowSeconds,
          nbf: nowSeconds,
          exp: nowSeconds + 3600,
          oid: user.id,
          tid: tenantId,
          sub: randomBytes(16).toString('base64url'),
          preferred_username: user.userPrincipalName,
          ver: '2.0',
        },
      )
    : undefined;
  return {
    principal: userId,
    body: tokenBody(
      { token, ttlSeconds: TOKEN_TTL_SECONDS, scope },
      { refresh_token: refreshToken, id_token: idToken },
    ),
  };
};

export const tokenRouter = (state: FakeGraphState): Router =>
  tokenEndpoint({
    path: '/:tenant/oauth2/v2.0/token',
    grants: {
      client_credentials: (field, req) => clientCredentialsGrant(state, field, req),
      refresh_token: (field, req) => refreshGrant(state, field, req),
      authorization_code: (field, req) => codeGrant(state, field, req),
    },
    unsupported: (grantType) => {
      if (!grantType) throw missingParameter('grant_type');
      throw new AadError(
        400,
        'unsupported_grant_type',
        70003,
        `The app requested an unsupported grant type '${grantType}'.`,
      );
    },
    answerError: (error, res) => {
      if (!(error instanceof AadError)) return false;
      res.status(error.status).json(error.bodyFor(state.now()));
      return true;
    },
    note: (res, fields) => Object.assign(recordOf(res), fields),
  });
