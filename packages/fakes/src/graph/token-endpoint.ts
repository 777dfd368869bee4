// POST /{tenant}/oauth2/v2.0/token, as login.microsoftonline.com answers it: client_credentials
// for an app (scope must be `<resource>/.default`) and refresh_token for a user's delegated grant,
// which hands out a new refresh token each time (the old one keeps working until the grant is revoked).
import express from 'express';
import type { Request, Response, Router } from 'express';
import type { FakeGraphState, RequestRecord } from './fake-graph-state';
import { AadError } from './graph-errors';

const TOKEN_TTL_SECONDS = 3599;
export const MULTI_TENANT = new Set(['common', 'organizations']);

const clientCredentialsOf = (req: Request): { clientId?: string; clientSecret?: string } => {
  const basic = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
  if (basic) {
    const [clientId, clientSecret] = Buffer.from(basic, 'base64').toString('utf8').split(':');
    return { ...(clientId ? { clientId } : {}), ...(clientSecret !== undefined ? { clientSecret } : {}) };
  }
  const body = req.body as Record<string, string | undefined>;
  return {
    ...(body['client_id'] ? { clientId: body['client_id'] } : {}),
    ...(body['client_secret'] !== undefined ? { clientSecret: body['client_secret'] } : {}),
  };
};

export const authenticateApp = (state: FakeGraphState, tenant: string, req: Request) => {
  const { clientId, clientSecret } = clientCredentialsOf(req);
  if (!clientId) {
    throw new AadError(
      400,
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_id'.",
    );
  }
  const app = state.findApp(clientId);
  if (!app || (!MULTI_TENANT.has(tenant) && app.tenantId !== tenant)) {
    throw new AadError(
      400,
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenant}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  if (app.clientSecret !== clientSecret) {
    throw new AadError(
      401,
      'invalid_client',
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`,
    );
  }
  return app;
};

export const tokenRouter = (state: FakeGraphState): Router => {
  const router = express.Router();
  router.post(
    '/:tenant/oauth2/v2.0/token',
    express.urlencoded({ extended: false }),
    (req: Request, res: Response) => {
      const record = res.locals['record'] as RequestRecord;
      const tenant = String(req.params['tenant'] ?? '');
      const body = (req.body ?? {}) as Record<string, string | undefined>;
      const grantType = body['grant_type'];
      if (grantType) record.grantType = grantType;
      try {
        if (!grantType) {
          throw new AadError(
            400,
            'invalid_request',
            900144,
            "The request body must contain the following parameter: 'grant_type'.",
          );
        }
        if (grantType === 'client_credentials') {
          const app = authenticateApp(state, tenant, req);
          if (MULTI_TENANT.has(tenant)) {
            throw new AadError(
              400,
              'invalid_request',
              700016,
              `Application '${app.clientId}' cannot use the client credentials grant with the '${tenant}' endpoint: name the tenant.`,
            );
          }
          const scope = body['scope'] ?? '';
          if (!scope.endsWith('/.default')) {
            throw new AadError(
              400,
              'invalid_scope',
              1002012,
              `The provided value for scope ${scope} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).`,
            );
          }
          record.principal = `app:${app.clientId}`;
          res.json({
            token_type: 'Bearer',
            expires_in: TOKEN_TTL_SECONDS,
            ext_expires_in: TOKEN_TTL_SECONDS,
            access_token: state.issueAccessToken(
              {
                kind: 'app',
                tenantId: app.tenantId,
                clientId: app.clientId,
                roles: app.applicationPermissions,
              },
              TOKEN_TTL_SECONDS,
            ),
          });
          return;
        }
        if (grantType === 'refresh_token') {
          const app = authenticateApp(state, tenant, req);
          const presented = body['refresh_token'];
          if (!presented) {
            throw new AadError(
              400,
              'invalid_request',
              900144,
              "The request body must contain the following parameter: 'refresh_token'.",
            );
          }
          const grant = state.findRefreshToken(presented);
          if (!grant || grant.clientId !== app.clientId) {
            throw new AadError(
              400,
              'invalid_grant',
              9002313,
              'Invalid request. Request is malformed or invalid.',
            );
          }
          if (grant.revoked) {
            throw new AadError(
              400,
              'invalid_grant',
              50173,
              'The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.',
            );
          }
          const refreshToken = state.issueRefreshToken({ ...grant });
          record.principal = grant.userId;
          res.json({
            token_type: 'Bearer',
            scope: grant.scope,
            expires_in: grant.accessTokenTtlSeconds,
            ext_expires_in: grant.accessTokenTtlSeconds,
            access_token: state.issueAccessToken(
              { kind: 'user', userId: grant.userId, clientId: grant.clientId, scope: grant.scope },
              grant.accessTokenTtlSeconds,
              refreshToken,
            ),
            refresh_token: refreshToken,
          });
          return;
        }
        throw new AadError(
          400,
          'unsupported_grant_type',
          70003,
          `The app requested an unsupported grant type '${grantType}'.`,
        );
      } catch (error) {
        if (!(error instanceof AadError)) throw error;
        res.status(error.status).json(error.bodyFor(state.now()));
      }
    },
  );
  return router;
};
