// Google's web-server OAuth flow: GET /o/oauth2/v2/auth (as accounts.google.com serves it) sends the
// browser back with a one-time `code` and the `state`, and POST /token exchanges it
// (grant_type=authorization_code; other grants fall through to the token endpoint beside it).
// A refresh token comes only with access_type=offline, and only on the first consent of that user
// to that client unless prompt=consent asks again: an app that forgets either gets none. With the
// `openid` scope the answer carries an id_token (unsigned here: the fake's key is not published).
import { createHash, randomBytes } from 'node:crypto';
import express from 'express';
import type { Router } from 'express';
import { queryParam, redirectBack, renderAuthorizeError, renderChooser } from '../oauth-consent';
import type { ConsentSession } from '../oauth-consent';
import type { FakeGoogleState } from './fake-google-state';

const CODE_TTL_MS = 10 * 60_000;
const TOKEN_TTL_SECONDS = 3599;
const SCOPE_ALIASES: Record<string, string> = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};

interface CodeRecord {
  clientId: string;
  email: string;
  scope: string;
  redirectUri: string;
  offline: boolean;
  expiresAt: number;
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Google's `sub`: a stable numeric id per account. */
const subjectOf = (email: string): string =>
  BigInt(`0x${createHash('sha256').update(email.toLowerCase()).digest('hex').slice(0, 15)}`).toString();

export const authorizeRouter = (
  state: FakeGoogleState,
  session: ConsentSession,
  origin: () => string,
): Router => {
  const router = express.Router();
  const codes = new Map<string, CodeRecord>();
  /** client|email pairs that consented once: later consents give no new refresh token. */
  const consented = new Set<string>();

  router.get('/o/oauth2/v2/auth', (req, res) => {
    const clientId = queryParam(req.query, 'client_id') ?? '';
    const redirectUri = queryParam(req.query, 'redirect_uri') ?? '';
    if (state.oauthClientSecret(clientId) === undefined) {
      renderAuthorizeError(
        res,
        401,
        'Google (fake)',
        'Error 401: invalid_client. The OAuth client was not found.',
      );
      return;
    }
    if (!session.isAllowedRedirect(clientId, redirectUri)) {
      renderAuthorizeError(res, 400, 'Google (fake)', 'Error 400: redirect_uri_mismatch');
      return;
    }
    const requested = queryParam(req.query, 'scope');
    if (!requested) {
      renderAuthorizeError(
        res,
        400,
        'Google (fake)',
        'Error 400: invalid_request. Missing required parameter: scope',
      );
      return;
    }
    const stateParam = queryParam(req.query, 'state');
    if (queryParam(req.query, 'response_type') !== 'code') {
      redirectBack(res, redirectUri, { error: 'unsupported_response_type', state: stateParam });
      return;
    }
    const users = state.allUsers().map((email) => ({ id: email, label: email }));
    const user = session.pickUser(users, queryParam(req.query, 'fake_user'));
    if (!user) {
      renderChooser(res, 'Google', new URL(req.originalUrl, origin()), users);
      return;
    }
    if (session.willDeny) {
      redirectBack(res, redirectUri, { error: 'access_denied', state: stateParam });
      return;
    }
    const grantKey = `${clientId}|${user.id.toLowerCase()}`;
    const prompts = (queryParam(req.query, 'prompt') ?? '').split(/\s+/);
    const offline =
      queryParam(req.query, 'access_type') === 'offline' &&
      (prompts.includes('consent') || !consented.has(grantKey));
    consented.add(grantKey);
    const scope = requested
      .split(/\s+/)
      .filter(Boolean)
      .map((s) => SCOPE_ALIASES[s] ?? s)
      .join(' ');
    const code = `4/0fake-${randomBytes(24).toString('base64url')}`;
    codes.set(code, {
      clientId,
      email: user.id,
      scope,
      redirectUri,
      offline,
      expiresAt: state.now().getTime() + CODE_TTL_MS,
    });
    redirectBack(res, redirectUri, { code, scope, state: stateParam });
  });

  router.post('/token', express.urlencoded({ extended: false }), (req, res, next) => {
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    if (body['grant_type'] !== 'authorization_code') {
      next();
      return;
    }
    const record = res.locals['record'] as { grantType?: string; principal?: string } | undefined;
    if (record) record.grantType = 'authorization_code';
    const fail = (status: number, error: string, description: string): void => {
      res.status(status).json({ error, error_description: description });
    };
    const basic = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '')?.[1];
    const [basicId, basicSecret] = basic ? Buffer.from(basic, 'base64').toString('utf8').split(':') : [];
    const clientId = basicId ?? body['client_id'];
    const clientSecret = basicSecret ?? body['client_secret'];
    const known = clientId ? state.oauthClientSecret(clientId) : undefined;
    if (!clientId || known === undefined)
      return fail(401, 'invalid_client', 'The OAuth client was not found.');
    if (known !== clientSecret) return fail(401, 'invalid_client', 'Unauthorized');
    const code = body['code'] ?? '';
    const grant = codes.get(code);
    codes.delete(code);
    if (!grant || grant.clientId !== clientId || grant.expiresAt <= state.now().getTime()) {
      return fail(400, 'invalid_grant', 'Malformed auth code.');
    }
    if (body['redirect_uri'] !== grant.redirectUri) return fail(400, 'redirect_uri_mismatch', 'Bad Request');
    const refreshToken = grant.offline
      ? state.issueRefreshToken({
          clientId,
          email: grant.email,
          scope: grant.scope,
          accessTokenTtlSeconds: TOKEN_TTL_SECONDS,
          revoked: false,
        })
      : undefined;
    const accessToken = state.issueAccessToken(
      { principal: grant.email, scope: grant.scope, ...(refreshToken ? { grantId: refreshToken } : {}) },
      TOKEN_TTL_SECONDS,
    );
    const nowSeconds = Math.floor(state.now().getTime() / 1000);
    const idToken = grant.scope.split(' ').includes('openid')
      ? [
          base64url({ alg: 'RS256', kid: 'fake-google', typ: 'JWT' }),
          base64url({
            iss: 'https://accounts.google.com',
            azp: clientId,
            aud: clientId,
            sub: subjectOf(grant.email),
            email: grant.email,
            email_verified: true,
            iat: nowSeconds,
            exp: nowSeconds + 3600,
          }),
          randomBytes(64).toString('base64url'),
        ].join('.')
      : undefined;
    if (record) record.principal = grant.email;
    res.set('cache-control', 'no-cache, no-store, max-age=0, must-revalidate').json({
      access_token: accessToken,
      expires_in: TOKEN_TTL_SECONDS,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      scope: grant.scope,
      token_type: 'Bearer',
      ...(idToken ? { id_token: idToken } : {}),
    });
  });
  return router;
};
