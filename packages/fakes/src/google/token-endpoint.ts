// POST /token, as oauth2.googleapis.com/token answers it: the JWT bearer grant of a service account
// (RS256 signature checked against the key registered for `iss`; `sub` impersonates a user when the
// account has domain-wide delegation), and for a web OAuth client the authorization_code grant (the
// code a consent at /o/oauth2/v2/auth gave, once, with the same redirect_uri; an id_token with the
// `openid` scope, unsigned here: the fake's key is not published) and the refresh_token grant.
import { createHash, createVerify } from 'node:crypto';
import type { Request, Router } from 'express';
import { isObject } from '../kit/json';
import { checkClient, readClientCredentials } from '../kit/oauth/client-auth';
import { tokenEndpoint } from '../kit/oauth/token-endpoint';
import type { FormField, TokenAnswer } from '../kit/oauth/token-endpoint';
import { unsignedJwt } from '../kit/oauth/tokens';
import type { FakeGoogleState, OAuthClient } from './fake-google-state';
import { recordOf } from './events-router';
import { TokenEndpointError } from './google-errors';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const REAL_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const TOKEN_TTL_SECONDS = 3599;

const decodePart = (part: string): Record<string, unknown> => {
  const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  if (!isObject(value)) throw new Error('not an object');
  return value;
};

const invalidGrant = (description: string): TokenEndpointError =>
  new TokenEndpointError(400, 'invalid_grant', description);

const jwtBearer = (state: FakeGoogleState, tokenUrl: string, assertion: string | undefined): TokenAnswer => {
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
      access_token: state.tokens.issueAccess({ principal, scope }, TOKEN_TTL_SECONDS),
      expires_in: TOKEN_TTL_SECONDS,
      token_type: 'Bearer',
    },
  };
};

/** A web OAuth client's id and secret (body or Basic). */
const authenticate = (state: FakeGoogleState, req: Request): OAuthClient => {
  const check = checkClient(readClientCredentials(req), (clientId) => state.findOAuthClient(clientId));
  if (check.ok) return check.client;
  throw new TokenEndpointError(
    401,
    'invalid_client',
    check.reason === 'secret' ? 'Unauthorized' : 'The OAuth client was not found.',
  );
};

const refreshGrant = (state: FakeGoogleState, field: FormField, req: Request): TokenAnswer => {
  const { clientId } = authenticate(state, req);
  const refreshToken = field('refresh_token');
  if (!refreshToken)
    throw new TokenEndpointError(400, 'invalid_request', 'Missing required parameter: refresh_token');
  const grant = state.tokens.grantOf(refreshToken, clientId);
  if (!grant || grant.revoked) throw invalidGrant('Token has been expired or revoked.');
  return {
    principal: grant.email,
    body: {
      access_token: state.tokens.issueAccess(
        { principal: grant.email, scope: grant.scope },
        grant.accessTokenTtlSeconds,
        refreshToken,
      ),
      expires_in: grant.accessTokenTtlSeconds,
      scope: grant.scope,
      token_type: 'Bearer',
    },
  };
};

/** Google's `sub`: a stable numeric id per account. */
const subjectOf = (email: string): string =>
  BigInt(`0x${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 15)}`).toString();

const codeGrant = (state: FakeGoogleState, field: FormField, req: Request): TokenAnswer => {
  const { clientId } = authenticate(state, req);
  const grant = state.codes.take(field('code') ?? '', clientId);
  if (!grant) throw invalidGrant('Malformed auth code.');
  if (field('redirect_uri') !== grant.redirectUri)
    throw new TokenEndpointError(400, 'redirect_uri_mismatch', 'Bad Request');
  const refreshToken = grant.offline
    ? state.tokens.issueRefresh({
        clientId,
        email: grant.email,
        scope: grant.scope,
        accessTokenTtlSeconds: TOKEN_TTL_SECONDS,
      })
    : undefined;
  const accessToken = state.tokens.issueAccess(
    { principal: grant.email, scope: grant.scope },
    TOKEN_TTL_SECONDS,
    refreshToken,
  );
  const nowSeconds = Math.floor(state.now().getTime() / 1000);
  const idToken = grant.scope.split(' ').includes('openid')
    ? unsignedJwt(
        { alg: 'RS256', kid: 'fake-google', typ: 'JWT' },
        {
          iss: 'https://accounts.google.com',
          azp: clientId,
          aud: clientId,
          sub: subjectOf(grant.email),
          email: grant.email,
          email_verified: true,
          iat: nowSeconds,
          exp: nowSeconds + 3600,
        },
      )
    : undefined;
  return {
    principal: grant.email,
    body: {
      access_token: accessToken,
      expires_in: TOKEN_TTL_SECONDS,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      scope: grant.scope,
      token_type: 'Bearer',
      ...(idToken ? { id_token: idToken } : {}),
    },
  };
};

export const tokenRouter = (state: FakeGoogleState, tokenUrl: () => string): Router =>
  tokenEndpoint({
    path: '/token',
    grants: {
      [JWT_BEARER]: (field) => jwtBearer(state, tokenUrl(), field('assertion')),
      authorization_code: (field, req) => codeGrant(state, field, req),
      refresh_token: (field, req) => refreshGrant(state, field, req),
    },
    unsupported: (grantType) => {
      throw new TokenEndpointError(400, 'unsupported_grant_type', `Invalid grant_type: ${grantType ?? ''}`);
    },
    answerError: (error, res) => {
      if (!(error instanceof TokenEndpointError)) return false;
      res.status(error.status).json({ error: error.error, error_description: error.description });
      return true;
    },
    note: (res, fields) => Object.assign(recordOf(res), fields),
    headers: { 'cache-control': 'no-cache, no-store, max-age=0, must-revalidate' },
  });
