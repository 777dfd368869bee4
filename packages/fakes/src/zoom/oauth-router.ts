// POST /oauth/token: HTTP Basic client credentials and a form body, as zoom.us/oauth/token takes them.
// Grants: account_credentials (Server-to-Server), refresh_token (rotating), authorization_code.
// Errors are `{reason, error}` with 400, the shapes Zoom answers (seen in the wild):
//   {"reason":"Invalid client_id or client_secret","error":"invalid_client"}
//   {"reason":"Invalid Token!","error":"invalid_grant"}, {"reason":"Invalid authorization code","error":"invalid_grant"}
//   {"reason":"unsupported grant type","error":"unsupported_grant_type"}
import type { Request, Router } from 'express';
import { readClientCredentials } from '../kit/oauth/client-auth';
import { tokenEndpoint } from '../kit/oauth/token-endpoint';
import type { TokenAnswer } from '../kit/oauth/token-endpoint';
import { VendorHttpError } from '../kit/vendor-errors';
import type { FakeZoomState } from './fake-zoom-state';
import { zoomLocals } from './request-log';
import { issueS2s, issueUserPair, refreshUserPair } from './oauth-apps';
import type { AuthenticatedClient, IssuedTokens } from './oauth-apps';

const S2S_SCOPE = 'meeting:read:admin meeting:write:admin user:read:admin';
const USER_SCOPE = 'meeting:read meeting:write user:read';

/** `{reason, error}`, always with 400. */
class ZoomOAuthError extends VendorHttpError<{ message: string; error: string }> {}

const oauthError = (reason: string, error: string): ZoomOAuthError =>
  new ZoomOAuthError(400, { message: reason, error });

const invalidClient = (): ZoomOAuthError =>
  oauthError('Invalid client_id or client_secret', 'invalid_client');

export const oauthRouter = (state: FakeZoomState, apiOrigin: () => string): Router => {
  /** Zoom checks the client before it looks at the grant type. */
  const authenticate = (req: Request): AuthenticatedClient => {
    const client = state.apps.authenticate(readClientCredentials(req));
    if (!client) throw invalidClient();
    return client;
  };
  const answer = (issued: IssuedTokens, scope: string): TokenAnswer => ({
    body: {
      access_token: issued.accessToken,
      token_type: 'bearer',
      ...(issued.refreshToken ? { refresh_token: issued.refreshToken } : {}),
      expires_in: issued.expiresIn,
      scope,
      api_url: apiOrigin(),
    },
    ...(issued.principal.kind === 'user' ? { principal: issued.principal.userId } : {}),
  });

  return tokenEndpoint({
    path: '/oauth/token',
    bodyLimit: '64kb',
    grants: {
      account_credentials: (field, req) => {
        const { s2s } = authenticate(req);
        if (!s2s) throw invalidClient();
        if (field('account_id') !== s2s.accountId) throw oauthError('Invalid account_id', 'invalid_request');
        return answer(issueS2s(state.tokens, s2s), S2S_SCOPE);
      },
      refresh_token: (field, req) => {
        const issued = refreshUserPair(
          state.tokens,
          authenticate(req).clientId,
          field('refresh_token') ?? '',
        );
        if (!issued) throw oauthError('Invalid Token!', 'invalid_grant');
        return answer(issued, USER_SCOPE);
      },
      authorization_code: (field, req) => {
        const code = state.codes.take(field('code') ?? '', authenticate(req).clientId);
        if (!code) throw oauthError('Invalid authorization code', 'invalid_grant');
        if (field('redirect_uri') !== code.redirectUri)
          throw oauthError('Redirect URI mismatch.', 'invalid_request');
        const { clientId, accountId, userId } = code;
        return answer(
          issueUserPair(state.tokens, { clientId, accountId, userId, accessTokenTtlSeconds: 3600 }),
          USER_SCOPE,
        );
      },
    },
    unsupported: (_grantType, req) => {
      authenticate(req);
      throw oauthError('unsupported grant type', 'unsupported_grant_type');
    },
    answerError: (error, res) => {
      if (!(error instanceof ZoomOAuthError)) return false;
      res.status(error.status).json({ reason: error.detail.message, error: error.detail.error });
      return true;
    },
    note: (res, { principal }) => {
      if (principal !== undefined) zoomLocals(res).userId = principal;
    },
  });
};
