// POST /oauth/token: HTTP Basic client credentials and a form body, as zoom.us/oauth/token takes them.
// Grants: account_credentials (Server-to-Server), refresh_token (rotating), authorization_code.
// Errors are `{reason, error}` with 400, the shapes Zoom answers (seen in the wild):
//   {"reason":"Invalid client_id or client_secret","error":"invalid_client"}
//   {"reason":"Invalid Token!","error":"invalid_grant"}, {"reason":"Invalid authorization code","error":"invalid_grant"}
//   {"reason":"unsupported grant type","error":"unsupported_grant_type"}
import express, { Router } from 'express';
import type { Response } from 'express';
import type { FakeZoomState } from './fake-zoom-state';
import { zoomLocals } from './request-log';
import type { IssuedTokens } from './token-store';

const S2S_SCOPE = 'meeting:read:admin meeting:write:admin user:read:admin';
const USER_SCOPE = 'meeting:read meeting:write user:read';

const oauthError = (res: Response, reason: string, error: string): void => {
  res.status(400).json({ reason, error });
};

const basicCredentials = (
  header: string | undefined,
): { clientId: string; clientSecret: string } | undefined => {
  const match = /^Basic\s+(\S+)\s*$/i.exec(header ?? '');
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
};

const formField = (body: unknown, name: string): string | undefined => {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

export const oauthRouter = (state: FakeZoomState, apiOrigin: () => string): Router => {
  const router = Router();
  router.post('/oauth/token', express.urlencoded({ extended: false, limit: '64kb' }), (req, res) => {
    const answer = (issued: IssuedTokens, scope: string): void => {
      if (issued.principal.kind === 'user') zoomLocals(res).userId = issued.principal.userId;
      res.json({
        access_token: issued.accessToken,
        token_type: 'bearer',
        ...(issued.refreshToken ? { refresh_token: issued.refreshToken } : {}),
        expires_in: issued.expiresIn,
        scope,
        api_url: apiOrigin(),
      });
    };
    // Zoom takes the client credentials as HTTP Basic, or as client_id/client_secret form fields.
    const fromForm = {
      clientId: formField(req.body, 'client_id'),
      clientSecret: formField(req.body, 'client_secret'),
    };
    const credentials =
      basicCredentials(req.get('authorization')) ??
      (fromForm.clientId && fromForm.clientSecret
        ? { clientId: fromForm.clientId, clientSecret: fromForm.clientSecret }
        : undefined);
    const client = credentials && state.tokens.findClient(credentials.clientId, credentials.clientSecret);
    if (!credentials || !client) {
      oauthError(res, 'Invalid client_id or client_secret', 'invalid_client');
      return;
    }
    const now = state.now().getTime();
    const grantType = formField(req.body, 'grant_type');
    switch (grantType) {
      case 'account_credentials': {
        const accountId = formField(req.body, 'account_id');
        if (!client.s2s) {
          oauthError(res, 'Invalid client_id or client_secret', 'invalid_client');
        } else if (accountId !== client.s2s.accountId) {
          oauthError(res, 'Invalid account_id', 'invalid_request');
        } else {
          answer(state.tokens.issueS2s(client.s2s, now), S2S_SCOPE);
        }
        return;
      }
      case 'refresh_token': {
        const issued = state.tokens.refresh(
          credentials.clientId,
          formField(req.body, 'refresh_token') ?? '',
          now,
        );
        if (issued) answer(issued, USER_SCOPE);
        else oauthError(res, 'Invalid Token!', 'invalid_grant');
        return;
      }
      case 'authorization_code': {
        const code = state.tokens.takeCode(credentials.clientId, formField(req.body, 'code') ?? '', now);
        if (!code) {
          oauthError(res, 'Invalid authorization code', 'invalid_grant');
        } else if (formField(req.body, 'redirect_uri') !== code.redirectUri) {
          oauthError(res, 'Redirect URI mismatch.', 'invalid_request');
        } else {
          const { redirectUri: _redirect, expiresAt: _expires, ...grant } = code;
          answer(state.tokens.issueUserPair({ ...grant, accessTokenTtlSeconds: 3600 }, now), USER_SCOPE);
        }
        return;
      }
      default:
        oauthError(res, 'unsupported grant type', 'unsupported_grant_type');
    }
  });
  return router;
};
