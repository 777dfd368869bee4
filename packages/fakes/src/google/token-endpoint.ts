// POST /token, as oauth2.googleapis.com/token answers it: the JWT bearer grant of a service account
// (RS256 signature checked against the key registered for `iss`; `sub` impersonates a user when the
// account has domain-wide delegation) and the refresh_token grant of a user OAuth client.
import { createVerify } from 'node:crypto';
import express from 'express';
import type { Router } from 'express';
import type { FakeGoogleState } from './fake-google-state';
import { TokenEndpointError } from './google-errors';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const REAL_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const TOKEN_TTL_SECONDS = 3599;

const decodePart = (part: string): Record<string, unknown> => {
  const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
  return value as Record<string, unknown>;
};

const invalidGrant = (description: string): TokenEndpointError =>
  new TokenEndpointError(400, 'invalid_grant', description);

const jwtBearer = (state: FakeGoogleState, tokenUrl: string, assertion: string | undefined) => {
  if (!assertion)
    throw new TokenEndpointError(400, 'invalid_request', 'Missing required parameter: assertion');
  const parts = assertion.split('.');
  const [headerPart, payloadPart, signaturePart] = parts;
  if (parts.length !== 3 || !headerPart || !payloadPart || !signaturePart)
    throw invalidGrant('Invalid JWT: malformed');
  let header: Record<string, unknown>;
  let claims: Record<string, unknown>;
  try {
    header = decodePart(headerPart);
    claims = decodePart(payloadPart);
  } catch {
    throw invalidGrant('Invalid JWT: malformed');
  }
  if (header['alg'] !== 'RS256') throw invalidGrant('Invalid JWT: unsupported algorithm');
  const issuer = typeof claims['iss'] === 'string' ? claims['iss'] : '';
  const account = state.findServiceAccount(issuer);
  if (!account) throw invalidGrant('Invalid JWT: No valid verifier found for issuer.');
  const signatureOk = createVerify('RSA-SHA256')
    .update(`${headerPart}.${payloadPart}`)
    .verify(account.publicKey, Buffer.from(signaturePart, 'base64url'));
  if (!signatureOk) throw invalidGrant('Invalid JWT Signature.');
  if (claims['aud'] !== tokenUrl && claims['aud'] !== REAL_TOKEN_URL)
    throw invalidGrant('Invalid JWT: Failed audience check.');
  const nowSeconds = Math.floor(state.now().getTime() / 1000);
  const iat = claims['iat'];
  const exp = claims['exp'];
  if (
    typeof iat !== 'number' ||
    typeof exp !== 'number' ||
    exp <= nowSeconds ||
    iat > nowSeconds + 300 ||
    exp - iat > 3600
  ) {
    throw invalidGrant(
      'Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.',
    );
  }
  const scope = typeof claims['scope'] === 'string' ? claims['scope'] : '';
  if (!scope.trim())
    throw new TokenEndpointError(400, 'invalid_scope', 'Empty or missing scope not allowed.');
  const subject = typeof claims['sub'] === 'string' ? claims['sub'] : undefined;
  if (subject !== undefined) {
    const scopes = scope.split(/\s+/).filter(Boolean);
    if (!account.domainWideDelegation || scopes.some((s) => !account.delegatedScopes.includes(s))) {
      throw new TokenEndpointError(
        401,
        'unauthorized_client',
        'Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.',
      );
    }
    if (!state.findOrProvisionUser(subject)) throw invalidGrant('Invalid email or User ID');
  }
  const principal = subject ?? account.clientEmail;
  return {
    principal,
    body: {
      access_token: state.issueAccessToken({ principal, scope }, TOKEN_TTL_SECONDS),
      expires_in: TOKEN_TTL_SECONDS,
      token_type: 'Bearer',
    },
  };
};

const clientCredentials = (req: express.Request): { clientId?: string; clientSecret?: string } => {
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

const refreshGrant = (state: FakeGoogleState, req: express.Request) => {
  const { clientId, clientSecret } = clientCredentials(req);
  const known = clientId ? state.oauthClientSecret(clientId) : undefined;
  if (!clientId || known === undefined)
    throw new TokenEndpointError(401, 'invalid_client', 'The OAuth client was not found.');
  if (known !== clientSecret) throw new TokenEndpointError(401, 'invalid_client', 'Unauthorized');
  const refreshToken = (req.body as Record<string, string | undefined>)['refresh_token'];
  if (!refreshToken)
    throw new TokenEndpointError(400, 'invalid_request', 'Missing required parameter: refresh_token');
  const grant = state.findRefreshToken(refreshToken);
  if (!grant || grant.revoked || grant.clientId !== clientId)
    throw invalidGrant('Token has been expired or revoked.');
  return {
    principal: grant.email,
    body: {
      access_token: state.issueAccessToken(
        { principal: grant.email, scope: grant.scope, grantId: refreshToken },
        grant.accessTokenTtlSeconds,
      ),
      expires_in: grant.accessTokenTtlSeconds,
      scope: grant.scope,
      token_type: 'Bearer',
    },
  };
};

export const tokenRouter = (state: FakeGoogleState, tokenUrl: () => string): Router => {
  const router = express.Router();
  router.post('/token', express.urlencoded({ extended: false }), (req, res) => {
    const record = res.locals['record'] as { grantType?: string; principal?: string } | undefined;
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const grantType = body['grant_type'];
    if (record && grantType) record.grantType = grantType;
    try {
      let answer: { principal: string; body: Record<string, unknown> };
      if (grantType === JWT_BEARER) answer = jwtBearer(state, tokenUrl(), body['assertion']);
      else if (grantType === 'refresh_token') answer = refreshGrant(state, req);
      else
        throw new TokenEndpointError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
      if (record) record.principal = answer.principal;
      res.set('cache-control', 'no-cache, no-store, max-age=0, must-revalidate').json(answer.body);
    } catch (error) {
      if (!(error instanceof TokenEndpointError)) throw error;
      res.status(error.status).json({ error: error.error, error_description: error.description });
    }
  });
  return router;
};
