// The OAuth connect flows over HTTP, the browser played with fetch (redirect: 'manual', a cookie jar):
// our /connect → the fake provider's consent page → our callback → tokens stored, encrypted.
import { ADMIN_TOKEN } from './harness';
import {
  ADA,
  ADMIN_BASIC,
  GRACE,
  connectIntakeForFile,
  connectLinkFor,
  connectMember,
  disconnectEveryone,
} from './connect-harness';

const intake = connectIntakeForFile();
beforeEach(async () => {
  intake.zoom.signIn(null);
  intake.google.signIn(null);
  intake.graph.signIn(null);
  await disconnectEveryone(intake);
});

type ErrorBody = { error: { code: string; message: string } };
const errorOf = async (res: Response) => ({ status: res.status, ...((await res.json()) as ErrorBody).error });

describe('connecting Zoom through a signed member link', () => {
  it('redirects to Zoom with a state, comes back with a code and stores the member’s tokens', async () => {
    intake.zoom.signIn(ADA.zoomUserId);
    const link = await connectLinkFor(intake, ADA.memberId, 'zoom');
    const result = await intake.browse(link);

    const [start, consent, callback] = result.hops;
    expect(start!.status).toBe(302);
    const authorize = new URL(start!.location!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${intake.zoom.oauthBaseUrl}/oauth/authorize`);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: 'zoom-user-app',
      redirect_uri: `${intake.env['PUBLIC_BASE_URL']}/connect/zoom/callback`,
    });
    expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{22}\.[\w-]{43}$/);
    expect(consent!.status).toBe(302);
    expect(new URL(result.callbackUrl!).searchParams.get('state')).toBe(authorize.searchParams.get('state'));
    expect(callback!.status).toBe(200);
    expect(await result.final.json()).toEqual({
      memberId: ADA.memberId,
      provider: 'zoom',
      state: 'connected',
      providerUserId: ADA.zoomUserId,
      scope: 'meeting:read meeting:write user:read',
    });

    const stored = await intake.connections.get(ADA.memberId, 'zoom');
    expect(stored).toMatchObject({ state: 'connected', tokens: { providerUserId: ADA.zoomUserId } });
    expect(stored!.tokens!.refreshToken).toMatch(/^fzrt_/);
    // Encrypted at rest: Redis never holds the token in clear.
    const raw = JSON.stringify(
      await intake.redis.hgetall(`${intake.prefix}:member-connection:{${ADA.memberId}}:zoom`),
    );
    expect(raw).not.toContain(stored!.tokens!.accessToken);
    expect(raw).not.toContain(stored!.tokens!.refreshToken);
  });

  it('sets a cookie the state is bound to, HttpOnly and SameSite=Lax, and clears it on the callback', async () => {
    intake.zoom.signIn(ADA.zoomUserId);
    const res = await fetch(await connectLinkFor(intake, ADA.memberId, 'zoom'), { redirect: 'manual' });
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('meetlink_oauth_zoom='));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('shows a person an HTML page once connected', async () => {
    intake.zoom.signIn(ADA.zoomUserId);
    const start = await fetch(await connectLinkFor(intake, ADA.memberId, 'zoom'), { redirect: 'manual' });
    const cookie = start.headers.getSetCookie()[0]!.split(';')[0]!;
    const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    const page = await fetch(consent.headers.get('location')!, {
      headers: { cookie, accept: 'text/html,application/xhtml+xml' },
    });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('Zoom is connected');
    expect(html).toContain(`<strong>${ADA.memberId}</strong>`);
  });

  it('refuses a link whose signature was tampered with, or that names another member', async () => {
    const link = new URL(await connectLinkFor(intake, ADA.memberId, 'zoom'));
    const forged = new URL(link);
    forged.searchParams.set('member', GRACE.memberId);
    expect(await errorOf(await fetch(forged, { redirect: 'manual' }))).toMatchObject({
      status: 401,
      code: 'invalid_connect_link',
    });
    const otherProvider = new URL(link.toString().replace('/connect/zoom', '/connect/google'));
    expect(await errorOf(await fetch(otherProvider, { redirect: 'manual' }))).toMatchObject({
      status: 401,
      code: 'invalid_connect_link',
    });
    const badSig = new URL(link);
    badSig.searchParams.set('sig', 'A'.repeat(43));
    expect((await fetch(badSig, { redirect: 'manual' })).status).toBe(401);
  });

  it('refuses an expired link', async () => {
    const res = await fetch(`${intake.url}/v1/connections/${ADA.memberId}/zoom/link`, {
      method: 'POST',
      headers: { ...intake.admin, 'content-type': 'application/json' },
      body: JSON.stringify({ ttlSeconds: 60 }),
    });
    const link = new URL(((await res.json()) as { url: string }).url);
    // A link from the past, signed like the real one: only exp changes, so the signature breaks…
    link.searchParams.set('exp', String(Math.floor(Date.now() / 1000) - 10));
    expect((await errorOf(await fetch(link, { redirect: 'manual' }))).code).toBe('invalid_connect_link');
    // …and a genuinely expired one is told apart.
    const { signConnectLink } = await import('@meetlink/connections');
    const expired = signConnectLink({
      secrets: intake.config.CONNECT_LINK_SECRET!,
      memberId: ADA.memberId,
      provider: 'zoom',
      expiresAt: new Date(Date.now() - 1000),
    });
    const url = new URL(`${intake.url}/connect/zoom`);
    for (const k of ['member', 'exp', 'nonce', 'sig'] as const) url.searchParams.set(k, expired[k]);
    expect(await errorOf(await fetch(url, { redirect: 'manual' }))).toMatchObject({
      status: 401,
      code: 'connect_link_expired',
    });
  });

  it('refuses a link once it has connected the member (410)', async () => {
    intake.zoom.signIn(ADA.zoomUserId);
    const link = await connectLinkFor(intake, ADA.memberId, 'zoom');
    expect((await intake.browse(link)).final.status).toBe(200);
    expect(await errorOf(await fetch(link, { redirect: 'manual' }))).toMatchObject({
      status: 410,
      code: 'connect_link_used',
    });
  });

  it('401 without a link or admin credentials, with a wrong admin token and with a wrong password', async () => {
    const plain = `${intake.url}/connect/zoom?member=${ADA.memberId}`;
    const bare = await fetch(plain, { redirect: 'manual' });
    expect(await errorOf(bare)).toMatchObject({ status: 401, code: 'unauthorized' });
    expect(bare.headers.get('www-authenticate')).toContain('Basic realm="meetlink-admin"');
    for (const authorization of [
      'Bearer wrong-token-wrong-token',
      `Basic ${Buffer.from(`${ADMIN_BASIC.user}:wrong-password-0123`).toString('base64')}`,
      `Basic ${Buffer.from(`root:${ADMIN_BASIC.password}`).toString('base64')}`,
    ]) {
      const res = await fetch(plain, { redirect: 'manual', headers: { authorization } });
      expect(await errorOf(res)).toMatchObject({ status: 401, code: 'unauthorized' });
    }
  });
});

describe('connecting opened by an admin', () => {
  it('works with the bearer token and with basic auth', async () => {
    intake.zoom.signIn(GRACE.zoomUserId);
    const viaBearer = await intake.browse(`${intake.url}/connect/zoom?member=${GRACE.memberId}`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}` },
    });
    expect(viaBearer.final.status).toBe(200);
    const basic = `Basic ${Buffer.from(`${ADMIN_BASIC.user}:${ADMIN_BASIC.password}`).toString('base64')}`;
    const viaBasic = await intake.browse(`${intake.url}/connect/zoom?member=${GRACE.memberId}`, {
      headers: { authorization: basic },
    });
    expect(viaBasic.final.status).toBe(200);
    expect((await intake.connections.getSummary(GRACE.memberId, 'zoom'))?.providerUserId).toBe(
      GRACE.zoomUserId,
    );
  });

  it('refuses basic credentials on a request another site started (a cross-site connect would link the admin’s own account)', async () => {
    const basic = `Basic ${Buffer.from(`${ADMIN_BASIC.user}:${ADMIN_BASIC.password}`).toString('base64')}`;
    for (const site of ['cross-site', 'same-site']) {
      const res = await fetch(`${intake.url}/connect/zoom?member=${GRACE.memberId}`, {
        redirect: 'manual',
        headers: { authorization: basic, 'sec-fetch-site': site },
      });
      expect(await errorOf(res)).toMatchObject({ status: 401, code: 'unauthorized' });
      const api = await fetch(`${intake.url}/v1/connections`, {
        headers: { authorization: basic, 'sec-fetch-site': site },
      });
      expect(api.status).toBe(401);
    }
    // Typed into the address bar, or from our own pages, it works.
    for (const site of ['none', 'same-origin']) {
      const res = await fetch(`${intake.url}/connect/zoom?member=${GRACE.memberId}`, {
        redirect: 'manual',
        headers: { authorization: basic, 'sec-fetch-site': site },
      });
      expect(res.status).toBe(302);
    }
  });

  it('400 invalid_member_id for a member id that cannot be one', async () => {
    const res = await fetch(`${intake.url}/connect/zoom?member=${encodeURIComponent('a}:b')}`, {
      redirect: 'manual',
      headers: intake.admin,
    });
    expect(await errorOf(res)).toMatchObject({ status: 400, code: 'invalid_member_id' });
  });
});

describe('the state', () => {
  const startFlow = async () => {
    intake.zoom.signIn(ADA.zoomUserId);
    const start = await fetch(await connectLinkFor(intake, ADA.memberId, 'zoom'), { redirect: 'manual' });
    const cookie = start.headers.getSetCookie()[0]!.split(';')[0]!;
    const consent = await fetch(start.headers.get('location')!, { redirect: 'manual' });
    return { cookie, callback: consent.headers.get('location')! };
  };

  it('is single use: the callback replayed with the same state is refused', async () => {
    const { cookie, callback } = await startFlow();
    const first = await fetch(callback, { headers: { cookie, accept: 'application/json' } });
    expect(first.status).toBe(200);
    const again = await fetch(callback, { headers: { cookie, accept: 'application/json' } });
    expect(await errorOf(again)).toMatchObject({ status: 400, code: 'state_used_or_expired' });
  });

  it('is bound to the browser that started: a callback without its cookie is refused', async () => {
    const { callback } = await startFlow();
    const stolen = await fetch(callback, { headers: { accept: 'application/json' } });
    expect(await errorOf(stolen)).toMatchObject({ status: 403, code: 'state_not_bound_to_browser' });
    expect(await intake.connections.get(ADA.memberId, 'zoom')).toBeNull();
  });

  it('is signed: a made-up or altered state is refused without touching anything', async () => {
    const { cookie, callback } = await startFlow();
    const altered = new URL(callback);
    const [nonce, sig] = altered.searchParams.get('state')!.split('.');
    altered.searchParams.set('state', `${nonce!.slice(0, -1)}${nonce!.endsWith('A') ? 'B' : 'A'}.${sig}`);
    expect(await errorOf(await fetch(altered, { headers: { cookie } }))).toMatchObject({
      status: 400,
      code: 'invalid_state',
    });
    const missing = new URL(callback);
    missing.searchParams.delete('state');
    expect((await errorOf(await fetch(missing, { headers: { cookie } }))).code).toBe('missing_state');
    // The genuine state still works: the forgeries did not consume it.
    expect((await fetch(callback, { headers: { cookie, accept: 'application/json' } })).status).toBe(200);
  });

  it('belongs to one provider: a Zoom state on the Google callback is refused', async () => {
    const { cookie, callback } = await startFlow();
    const wrong = callback.replace('/connect/zoom/callback', '/connect/google/callback');
    expect(await errorOf(await fetch(wrong, { headers: { cookie } }))).toMatchObject({
      status: 400,
      code: 'invalid_state',
    });
  });

  it('400 authorization_denied when the member declines at the provider', async () => {
    intake.zoom.signIn(ADA.zoomUserId, { deny: true });
    const result = await intake.browse(await connectLinkFor(intake, ADA.memberId, 'zoom'));
    expect(await errorOf(result.final)).toMatchObject({ status: 400, code: 'authorization_denied' });
    expect(await intake.connections.get(ADA.memberId, 'zoom')).toBeNull();
  });

  it('400 authorization_code_rejected for a code that was already spent at the provider', async () => {
    const { cookie, callback } = await startFlow();
    // Someone spends the code first (the fake Zoom takes each code once).
    const code = new URL(callback).searchParams.get('code')!;
    await fetch(`${intake.zoom.oauthBaseUrl}/oauth/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from('zoom-user-app:' + intake.env['ZOOM_USER_CLIENT_SECRET']).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: `${intake.url}/connect/zoom/callback`,
      }),
    });
    const res = await fetch(callback, { headers: { cookie, accept: 'application/json' } });
    expect(await errorOf(res)).toMatchObject({ status: 400, code: 'authorization_code_rejected' });
  });
});

describe('connecting Google and Microsoft calendars', () => {
  it('Google: offline access with consent, calendar.events scope, refresh token stored', async () => {
    const result = await connectMember(intake, ADA.memberId, 'google', ADA.email);
    const authorize = new URL(result.hops[0]!.location!);
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
      access_type: 'offline',
      prompt: 'consent',
      response_type: 'code',
      scope: 'openid email https://www.googleapis.com/auth/calendar.events',
    });
    expect(await result.final.json()).toMatchObject({ provider: 'google', providerUserId: ADA.email });
    const stored = await intake.connections.get(ADA.memberId, 'google');
    expect(stored?.tokens?.refreshToken).toMatch(/^1\/\/fake-/);
    // A second connect still gets a refresh token: prompt=consent asks Google for a new one.
    await connectMember(intake, ADA.memberId, 'google', ADA.email);
    expect((await intake.connections.get(ADA.memberId, 'google'))?.tokens?.refreshToken).toMatch(
      /^1\/\/fake-/,
    );
  });

  it('Microsoft: offline_access, Calendars.ReadWrite, the account from Graph /me', async () => {
    const result = await connectMember(intake, GRACE.memberId, 'microsoft', GRACE.graphId);
    const authorize = new URL(result.hops[0]!.location!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(
      `${intake.graph.authorityHost}/contoso/oauth2/v2.0/authorize`,
    );
    expect(authorize.searchParams.get('scope')).toContain('offline_access');
    expect(authorize.searchParams.get('response_mode')).toBe('query');
    expect(await result.final.json()).toMatchObject({ provider: 'microsoft', providerUserId: GRACE.email });
    const stored = await intake.connections.get(GRACE.memberId, 'microsoft');
    expect(stored?.tokens?.scope).toContain('Calendars.ReadWrite');
    expect(stored?.tokens?.refreshToken).toMatch(/^0\.fake-/);
  });

  it('404 unknown_provider', async () => {
    expect(
      (await errorOf(await fetch(`${intake.url}/connect/webex?member=x`, { headers: intake.admin }))).code,
    ).toBe('unknown_provider');
  });
});
