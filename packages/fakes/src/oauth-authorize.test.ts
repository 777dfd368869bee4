// The three fakes' authorization code flows over HTTP: consent page → redirect with code and state →
// code exchange (once) → an access token the fake's API takes.
import { startFakeGoogleCalendar } from './google/start-fake-google-calendar';
import { startFakeGraph } from './graph/start-fake-graph';
import { startFakeZoom } from './zoom/start-fake-zoom';
import type { FakeZoom } from './zoom/types';

const APP_REDIRECT = 'https://app.example.com/connect/callback';
const manual = (url: string) => fetch(url, { redirect: 'manual' });
const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('fake Zoom /oauth/authorize', () => {
  const app = { clientId: 'user-app', clientSecret: 'user-secret' };
  const basic = `Basic ${Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64')}`;
  const authorizeUrl = (zoomUrl: string, extra: Record<string, string> = {}) =>
    `${zoomUrl}?${String(new URLSearchParams({ response_type: 'code', client_id: app.clientId, redirect_uri: APP_REDIRECT, state: 'st-1', ...extra }))}`;

  let zoom: FakeZoom;
  beforeEach(async () => {
    zoom = await startFakeZoom();
    zoom.addUser({ id: 'zu_ada', email: 'ada@example.com', accountId: 'acc' });
  });
  afterEach(() => zoom.close());

  it('sends the signed-in user back with a one-time code and the state; the code buys a user token once', async () => {
    zoom.addUser({ id: 'zu_grace', email: 'grace@example.com', accountId: 'acc' });
    zoom.addUserApp({ ...app, redirectUris: [APP_REDIRECT] });
    zoom.signIn('zu_grace');
    const res = await manual(authorizeUrl(zoom.authorizeUrl));
    expect(res.status).toBe(302);
    const back = new URL(res.headers.get('location')!);
    expect(`${back.origin}${back.pathname}`).toBe(APP_REDIRECT);
    expect(back.searchParams.get('state')).toBe('st-1');
    const code = back.searchParams.get('code')!;
    const exchange = () =>
      fetch(`${zoom.oauthBaseUrl}/oauth/token`, {
        ...form({ grant_type: 'authorization_code', code, redirect_uri: APP_REDIRECT }),
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      });
    const first = await exchange();
    const { access_token } = (await first.json()) as { access_token: string };
    const me = await fetch(`${zoom.apiBaseUrl}/users/me`, {
      headers: { authorization: `Bearer ${access_token}` },
    });
    expect(((await me.json()) as { id: string }).id).toBe('zu_grace');
    expect(await (await exchange()).json()).toEqual({
      reason: 'Invalid authorization code',
      error: 'invalid_grant',
    });
  });

  it('shows an error page, never a redirect, for an unknown client or a redirect URI not on the list', async () => {
    zoom.addUserApp({ ...app, redirectUris: [APP_REDIRECT] });
    const unknown = await manual(authorizeUrl(zoom.authorizeUrl, { client_id: 'nope' }));
    expect([unknown.status, unknown.headers.get('location')]).toEqual([400, null]);
    expect(await unknown.text()).toContain('Invalid client_id: nope (4,700)');
    const evil = await manual(
      authorizeUrl(zoom.authorizeUrl, { redirect_uri: 'https://evil.example.com/cb' }),
    );
    expect([evil.status, evil.headers.get('location')]).toEqual([400, null]);
  });

  it('answers access_denied when the user declines, and a chooser page when it cannot tell who is signed in', async () => {
    zoom.addUser({ id: 'zu_grace', email: 'grace@example.com', accountId: 'acc' });
    zoom.addUserApp(app);
    const chooser = await manual(authorizeUrl(zoom.authorizeUrl));
    expect(chooser.status).toBe(200);
    const page = await chooser.text();
    expect(page).toContain('Sign in as grace@example.com and allow');
    const pick = /href="([^"]*fake_user=zu_grace[^"]*)"/.exec(page)![1]!.replace(/&#38;/g, '&');
    const picked = await manual(new URL(pick, zoom.oauthBaseUrl).toString());
    expect(new URL(picked.headers.get('location')!).searchParams.get('code')).toMatch(/^fzac_/);
    zoom.signIn('zu_ada', { deny: true });
    const denied = new URL((await manual(authorizeUrl(zoom.authorizeUrl))).headers.get('location')!);
    expect(Object.fromEntries(denied.searchParams)).toEqual({ error: 'access_denied', state: 'st-1' });
  });
});

describe('fake Google /o/oauth2/v2/auth', () => {
  const app = { clientId: 'web-app', clientSecret: 'web-secret' };

  it('gives a refresh token with access_type=offline on first consent or with prompt=consent, and an id_token', async () => {
    const google = await startFakeGoogleCalendar();
    try {
      google.addUser({ email: 'ada@example.com' });
      google.addOAuthClient({ ...app, redirectUris: [APP_REDIRECT] });
      const redeem = (code: string) =>
        fetch(
          google.tokenUrl,
          form({
            grant_type: 'authorization_code',
            code,
            redirect_uri: APP_REDIRECT,
            client_id: app.clientId,
            client_secret: app.clientSecret,
          }),
        );
      const flow = async (extra: Record<string, string>) => {
        const res = await manual(
          `${google.authorizeUrl}?${String(
            new URLSearchParams({
              client_id: app.clientId,
              redirect_uri: APP_REDIRECT,
              response_type: 'code',
              scope: 'openid email https://www.googleapis.com/auth/calendar.events',
              access_type: 'offline',
              state: 's',
              ...extra,
            }),
          )}`,
        );
        const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
        return { code, body: (await (await redeem(code)).json()) as Record<string, string> };
      };
      const first = await flow({});
      expect(first.body['refresh_token']).toMatch(/^1\/\/fake-/);
      const claims = JSON.parse(
        Buffer.from(first.body['id_token']!.split('.')[1]!, 'base64url').toString(),
      ) as Record<string, unknown>;
      expect(claims).toMatchObject({
        email: 'ada@example.com',
        aud: app.clientId,
        iss: 'https://accounts.google.com',
      });
      expect((await flow({})).body['refresh_token']).toBeUndefined();
      expect((await flow({ prompt: 'consent' })).body['refresh_token']).toMatch(/^1\/\/fake-/);
      // The access token reads the calendar (events.list, the connection check).
      const list = await fetch(`${google.rootUrl}calendar/v3/calendars/primary/events?maxResults=1`, {
        headers: { authorization: `Bearer ${first.body['access_token']}` },
      });
      expect(await list.json()).toMatchObject({ kind: 'calendar#events', summary: 'ada@example.com' });
      // A code is spent once.
      const again = await redeem(first.code);
      expect([again.status, ((await again.json()) as { error: string }).error]).toEqual([
        400,
        'invalid_grant',
      ]);
    } finally {
      await google.close();
    }
  });
});

describe('fake Microsoft /{tenant}/oauth2/v2.0/authorize', () => {
  const app = { tenantId: 'contoso', clientId: 'ms-app', clientSecret: 'ms-secret' };

  it('gives a refresh token with offline_access, a token Graph /me takes, and refuses a code twice', async () => {
    const graph = await startFakeGraph();
    try {
      graph.addApp(app);
      graph.addUser({ id: 'ada-oid', userPrincipalName: 'ada@contoso.example', tenantId: 'contoso' });
      graph.addRedirectUris(app.clientId, [APP_REDIRECT]);
      const res = await manual(
        `${graph.authorityHost}/contoso/oauth2/v2.0/authorize?${String(
          new URLSearchParams({
            client_id: app.clientId,
            response_type: 'code',
            redirect_uri: APP_REDIRECT,
            response_mode: 'query',
            scope: 'offline_access openid User.Read Calendars.ReadWrite',
            state: 's',
          }),
        )}`,
      );
      const code = new URL(res.headers.get('location')!).searchParams.get('code')!;
      const redeem = (redirectUri = APP_REDIRECT) =>
        fetch(
          `${graph.authorityHost}/contoso/oauth2/v2.0/token`,
          form({
            grant_type: 'authorization_code',
            code,
            redirect_uri: redirectUri,
            client_id: app.clientId,
            client_secret: app.clientSecret,
          }),
        );
      const body = (await (await redeem()).json()) as Record<string, string>;
      expect(body['refresh_token']).toMatch(/^0\.fake-/);
      expect(body['scope']).toBe(
        'https://graph.microsoft.com/User.Read https://graph.microsoft.com/Calendars.ReadWrite',
      );
      const me = await fetch(`${graph.baseUrl}/me`, {
        headers: { authorization: `Bearer ${body['access_token']}` },
      });
      expect(await me.json()).toMatchObject({ id: 'ada-oid', userPrincipalName: 'ada@contoso.example' });
      const again = (await (await redeem()).json()) as { error: string; error_codes: number[] };
      expect([again.error, again.error_codes]).toEqual(['invalid_grant', [54005]]);
    } finally {
      await graph.close();
    }
  });

  it('shows AADSTS50011 for a redirect URI the app did not register', async () => {
    const graph = await startFakeGraph();
    try {
      graph.addApp(app);
      graph.addRedirectUris(app.clientId, [APP_REDIRECT]);
      const res = await manual(
        `${graph.authorityHost}/contoso/oauth2/v2.0/authorize?client_id=ms-app&response_type=code&scope=User.Read&redirect_uri=https%3A%2F%2Fevil.example.com%2F`,
      );
      expect([res.status, res.headers.get('location')]).toEqual([400, null]);
      expect(await res.text()).toContain('AADSTS50011');
    } finally {
      await graph.close();
    }
  });
});
