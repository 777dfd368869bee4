import { ACCOUNT, ADA, ALAN, GRACE, OTHER_ACCOUNT, meetingBody, startHarness } from '../../test/zoom-harness';
import type { Harness } from '../../test/zoom-harness';

interface TokenAnswer {
  access_token: string;
  token_type: string;
  refresh_token?: string;
  expires_in: number;
  scope: string;
  api_url: string;
}

const USER_APP = { clientId: 'user_app', clientSecret: 'user_app_secret' };

describe('fake Zoom auth', () => {
  let h: Harness;

  beforeEach(async () => (h = await startHarness()));
  afterEach(() => h.close());

  describe('token endpoint', () => {
    it('issues a Server-to-Server token without a refresh token', async () => {
      const res = await h.token<TokenAnswer>({
        grant_type: 'account_credentials',
        account_id: ACCOUNT.accountId,
      });

      const { access_token, scope, ...rest } = res.body;
      expect(res.status).toBe(200);
      expect(rest).toEqual({ token_type: 'bearer', expires_in: 3600, api_url: h.zoom.oauthBaseUrl });
      expect(access_token).toMatch(/^\S+$/);
      expect(scope).toMatch(/meeting:write/);
    });

    it('takes the client credentials from the form as well as from HTTP Basic', async () => {
      const res = await fetch(`${h.zoom.oauthBaseUrl}/oauth/token`, {
        method: 'POST',
        body: new URLSearchParams({
          grant_type: 'account_credentials',
          account_id: ACCOUNT.accountId,
          client_id: ACCOUNT.clientId,
          client_secret: ACCOUNT.clientSecret,
        }),
      });

      expect(res.status).toBe(200);
    });

    it('answers 400 invalid_client for wrong client credentials', async () => {
      const res = await h.token(
        { grant_type: 'account_credentials', account_id: ACCOUNT.accountId },
        { clientId: ACCOUNT.clientId, clientSecret: 'wrong' },
      );

      expect(res.status).toBe(400);
      expect(res.body).toEqual({ reason: 'Invalid client_id or client_secret', error: 'invalid_client' });
    });

    it('refuses an account_id that is not the app’s', async () => {
      const res = await h.token({ grant_type: 'account_credentials', account_id: OTHER_ACCOUNT.accountId });

      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_request' });
    });

    it('answers unsupported_grant_type for a grant it does not know', async () => {
      const res = await h.token({ grant_type: 'client_credentials' });

      expect(res.status).toBe(400);
      expect(res.body).toEqual({ reason: 'unsupported grant type', error: 'unsupported_grant_type' });
    });
  });

  describe('bearer tokens on /v2', () => {
    it('answers 124 without a token or with one it never issued', async () => {
      const missing = await fetch(`${h.zoom.apiBaseUrl}/users/${ADA.id}/meetings`);
      const unknown = await h.api('GET', `/users/${ADA.id}/meetings`, 'not-a-token');

      for (const res of [{ status: missing.status, body: await missing.json() }, unknown]) {
        expect(res.status).toBe(401);
        expect(res.body).toEqual({ code: 124, message: 'Invalid access token.' });
      }
    });

    it('lets an account token act on any user of its account, by id or email', async () => {
      const token = await h.s2sToken();

      expect((await h.api('GET', `/users/${ADA.id}/meetings`, token)).status).toBe(200);
      expect((await h.api('GET', `/users/${GRACE.email.toUpperCase()}/meetings`, token)).status).toBe(200);
    });

    it("answers 1001 for another account's user and for 'me' with an account token", async () => {
      const token = await h.s2sToken();

      for (const user of [ALAN.id, ALAN.email, 'me']) {
        const res = await h.api('GET', `/users/${user}/meetings`, token);
        expect(res.status).toBe(404);
        expect(res.body).toEqual({ code: 1001, message: `User does not exist: ${user}.` });
      }
    });

    it("keeps an account token away from another account's meetings", async () => {
      const other = await h.s2sToken(OTHER_ACCOUNT);
      const created = await h.api<{ id: number }>('POST', `/users/${ALAN.id}/meetings`, other, meetingBody());

      const res = await h.api('GET', `/meetings/${created.body.id}`, await h.s2sToken());

      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 3001 });
    });

    it("lets a user token act only on its own user, also as 'me'", async () => {
      const { accessToken } = h.zoom.issueUserTokens({ ...USER_APP, userId: ADA.id });
      const graces = await h.api<{ id: number }>(
        'POST',
        `/users/${GRACE.id}/meetings`,
        await h.s2sToken(),
        meetingBody(),
      );

      const mine = await h.api<{ host_id: string }>('POST', '/users/me/meetings', accessToken, meetingBody());
      const asOther = await h.api('GET', `/users/${GRACE.id}/meetings`, accessToken);
      const othersMeeting = await h.api('GET', `/meetings/${graces.body.id}`, accessToken);

      expect(mine.status).toBe(201);
      expect(mine.body.host_id).toBe(ADA.id);
      expect(asOther.status).toBe(404);
      expect(othersMeeting.status).toBe(404);
      expect(h.zoom.requests().find((r) => r.path === '/v2/users/me/meetings')?.userId).toBe(ADA.id);
    });

    it('expires access tokens by the clock', async () => {
      const { accessToken } = h.zoom.issueUserTokens({
        ...USER_APP,
        userId: ADA.id,
        accessTokenTtlSeconds: 60,
      });
      expect((await h.api('GET', '/users/me/meetings', accessToken)).status).toBe(200);

      h.clock.advance(60_000);
      const res = await h.api('GET', '/users/me/meetings', accessToken);

      expect(res.status).toBe(401);
      expect(res.body).toEqual({ code: 124, message: 'Access token is expired.' });
    });
  });

  describe('user OAuth', () => {
    const refresh = (refreshToken: string, client = USER_APP) =>
      h.token<TokenAnswer>({ grant_type: 'refresh_token', refresh_token: refreshToken }, client);

    it('rotates the refresh token: the new pair works, the old refresh token is invalid_grant', async () => {
      const first = h.zoom.issueUserTokens({ ...USER_APP, userId: ADA.id });

      const rotated = await refresh(first.refreshToken);
      const reused = await refresh(first.refreshToken);

      expect(rotated.status).toBe(200);
      expect(rotated.body).toMatchObject({
        token_type: 'bearer',
        expires_in: 3600,
        api_url: h.zoom.oauthBaseUrl,
      });
      expect(rotated.body.refresh_token).toEqual(expect.any(String));
      expect(rotated.body.refresh_token).not.toBe(first.refreshToken);
      expect((await h.api('GET', '/users/me/meetings', rotated.body.access_token)).status).toBe(200);
      expect(reused.status).toBe(400);
      expect(reused.body).toEqual({ reason: 'Invalid Token!', error: 'invalid_grant' });
      expect((await refresh(rotated.body.refresh_token ?? '')).status).toBe(200);
    });

    it('keeps the access-token lifetime an app was given across refreshes', async () => {
      const first = h.zoom.issueUserTokens({ ...USER_APP, userId: ADA.id, accessTokenTtlSeconds: 120 });

      const rotated = await refresh(first.refreshToken);

      expect(first.expiresIn).toBe(120);
      expect(rotated.body.expires_in).toBe(120);
    });

    it("refuses a refresh token presented by another app's credentials", async () => {
      const first = h.zoom.issueUserTokens({ ...USER_APP, userId: ADA.id });
      h.zoom.issueUserTokens({ clientId: 'other_app', clientSecret: 'other_secret', userId: GRACE.id });

      const res = await refresh(first.refreshToken, { clientId: 'other_app', clientSecret: 'other_secret' });

      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error: 'invalid_grant' });
    });

    it("revoking a user's tokens stops both the access and the refresh token", async () => {
      const pair = h.zoom.issueUserTokens({ ...USER_APP, userId: ADA.id });
      const graces = h.zoom.issueUserTokens({ ...USER_APP, userId: GRACE.id });

      h.zoom.revokeUserTokens(ADA.id);

      expect((await h.api('GET', '/users/me/meetings', pair.accessToken)).body).toEqual({
        code: 124,
        message: 'Invalid access token.',
      });
      expect((await refresh(pair.refreshToken)).body).toEqual({
        reason: 'Invalid Token!',
        error: 'invalid_grant',
      });
      expect((await h.api('GET', '/users/me/meetings', graces.accessToken)).status).toBe(200);
    });

    it('expireAccessTokens stops every access token while refresh tokens still work', async () => {
      const pair = h.zoom.issueUserTokens({ ...USER_APP, userId: ADA.id });
      const s2s = await h.s2sToken();

      h.zoom.expireAccessTokens();

      for (const token of [pair.accessToken, s2s]) {
        const res = await h.api('GET', `/users/${ADA.id}/meetings`, token);
        expect(res.status).toBe(401);
        expect(res.body).toMatchObject({ code: 124 });
      }
      const rotated = await refresh(pair.refreshToken);
      expect((await h.api('GET', '/users/me/meetings', rotated.body.access_token)).status).toBe(200);
    });

    it('exchanges an authorization code once, with the redirect_uri it was issued for', async () => {
      const redirectUri = 'https://app.example.com/zoom/callback';
      const code = h.zoom.issueAuthorizationCode({ ...USER_APP, userId: ADA.id, redirectUri });
      const mismatched = h.zoom.issueAuthorizationCode({ ...USER_APP, userId: ADA.id, redirectUri });

      const first = await h.token<TokenAnswer>(
        { grant_type: 'authorization_code', code, redirect_uri: redirectUri },
        USER_APP,
      );
      const again = await h.token(
        { grant_type: 'authorization_code', code, redirect_uri: redirectUri },
        USER_APP,
      );
      const wrongUri = await h.token(
        { grant_type: 'authorization_code', code: mismatched, redirect_uri: 'https://evil.example.com/' },
        USER_APP,
      );

      expect(first.status).toBe(200);
      expect(first.body.refresh_token).toEqual(expect.any(String));
      expect((await h.api('GET', '/users/me/meetings', first.body.access_token)).status).toBe(200);
      expect(again.body).toEqual({ reason: 'Invalid authorization code', error: 'invalid_grant' });
      expect(wrongUri.status).toBe(400);
      expect(wrongUri.body).toMatchObject({ error: 'invalid_request' });
    });
  });
});
