// The connections admin API over HTTP: listing with health, one member, test calls against the fake
// providers (with refresh, and with a grant revoked at the provider), disconnect, links, and auth.
import {
  ADA,
  ADMIN_BASIC,
  GRACE,
  connectIntakeForFile,
  connectMember,
  disconnectEveryone,
  meetingSpecFor,
  memberZoomAdapter,
} from './connect-harness';

const intake = connectIntakeForFile();
beforeEach(() => disconnectEveryone(intake));

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${intake.url}${path}`, {
    ...init,
    headers: { ...intake.admin, ...(init.headers as Record<string, string>) },
  });

interface View {
  memberId: string;
  provider: string;
  health: string;
  providerUserId: string | null;
  lastError: { code: string } | null;
  refreshTokenExpiresAt: string | null;
}

describe('listing connections', () => {
  it('lists every member’s connections with their health, and no token', async () => {
    await connectMember(intake, ADA.memberId, 'zoom', ADA.zoomUserId);
    await connectMember(intake, ADA.memberId, 'google', ADA.email);
    await connectMember(intake, GRACE.memberId, 'microsoft', GRACE.graphId);
    await intake.connections.markBroken(GRACE.memberId, 'microsoft', {
      code: 'invalid_grant',
      message: 'refused',
    });

    const res = await api('/v1/connections');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { providers: unknown[]; connections: View[] };
    expect(body.providers).toEqual([
      { provider: 'zoom', configured: true },
      { provider: 'google', configured: true },
      { provider: 'microsoft', configured: true },
    ]);
    expect(body.connections.map((c) => [c.memberId, c.provider, c.health, c.providerUserId])).toEqual([
      [ADA.memberId, 'zoom', 'connected', ADA.zoomUserId],
      [ADA.memberId, 'google', 'connected', ADA.email],
      [GRACE.memberId, 'microsoft', 'broken', GRACE.email],
    ]);
    expect(body.connections[2]!.lastError).toMatchObject({ code: 'invalid_grant' });
    expect(body.connections[0]!.refreshTokenExpiresAt).not.toBeNull();
    const stored = await intake.connections.get(ADA.memberId, 'zoom');
    expect(JSON.stringify(body)).not.toContain(stored!.tokens!.accessToken);
    expect(JSON.stringify(body)).not.toContain(stored!.tokens!.refreshToken);
  });

  it('filters by member, and shows one member by provider (null where not connected)', async () => {
    await connectMember(intake, ADA.memberId, 'zoom', ADA.zoomUserId);
    const filtered = (await (await api(`/v1/connections?member=${ADA.memberId}`)).json()) as {
      connections: View[];
    };
    expect(filtered.connections.map((c) => c.provider)).toEqual(['zoom']);
    const one = (await (await api(`/v1/connections/${ADA.memberId}`)).json()) as {
      connections: Record<string, View | null>;
    };
    expect(one.connections['zoom']?.health).toBe('connected');
    expect(one.connections['google']).toBeNull();
  });
});

describe('testing a connection', () => {
  interface TestAnswer {
    ok: boolean;
    providerUserId?: string;
    tokenRefreshed: boolean;
    error?: { code: string; retryable: boolean };
    connection?: View;
  }
  const test = async (memberId: string, provider: string) => {
    const res = await api(`/v1/connections/${memberId}/${provider}/test`, { method: 'POST' });
    return { status: res.status, body: (await res.json()) as TestAnswer };
  };

  it('makes a cheap authenticated call to each provider with the member’s token', async () => {
    await connectMember(intake, ADA.memberId, 'zoom', ADA.zoomUserId);
    await connectMember(intake, ADA.memberId, 'google', ADA.email);
    await connectMember(intake, ADA.memberId, 'microsoft', ADA.graphId);
    const before = { zoom: intake.zoom.requests().length, google: intake.google.requests().length };

    expect(await test(ADA.memberId, 'zoom')).toMatchObject({
      status: 200,
      body: { ok: true, providerUserId: ADA.zoomUserId, tokenRefreshed: false },
    });
    expect(await test(ADA.memberId, 'google')).toMatchObject({
      body: { ok: true, providerUserId: ADA.email },
    });
    expect(await test(ADA.memberId, 'microsoft')).toMatchObject({
      body: { ok: true, providerUserId: ADA.email },
    });
    const callsSince = (fake: typeof intake.zoom | typeof intake.google, from: number) =>
      fake
        .requests()
        .slice(from)
        .map((r) => `${r.method} ${r.path} ${r.status}`);
    expect(callsSince(intake.zoom, before.zoom)).toEqual(['GET /v2/users/me 200']);
    expect(callsSince(intake.google, before.google)).toEqual([
      'GET /calendar/v3/calendars/primary/events 200',
    ]);
  });

  it('refreshes (and saves) a token the provider refuses, then succeeds', async () => {
    await connectMember(intake, ADA.memberId, 'zoom', ADA.zoomUserId);
    await connectMember(intake, ADA.memberId, 'microsoft', ADA.graphId);
    const oldZoom = (await intake.connections.get(ADA.memberId, 'zoom'))!.tokens!;
    intake.zoom.expireAccessTokens();
    intake.graph.expireAccessTokens();
    expect(await test(ADA.memberId, 'zoom')).toMatchObject({ body: { ok: true, tokenRefreshed: true } });
    expect(await test(ADA.memberId, 'microsoft')).toMatchObject({ body: { ok: true, tokenRefreshed: true } });
    const newZoom = (await intake.connections.get(ADA.memberId, 'zoom'))!.tokens!;
    expect(newZoom.accessToken).not.toBe(oldZoom.accessToken);
    // Zoom rotated the refresh token; the new one was saved.
    expect(newZoom.refreshToken).not.toBe(oldZoom.refreshToken);
  });

  it('reports a grant revoked at the provider and marks the connection broken', async () => {
    await connectMember(intake, GRACE.memberId, 'google', GRACE.email);
    intake.google.revokeUserTokens(GRACE.email);
    const { status, body } = await test(GRACE.memberId, 'google');
    expect(status).toBe(200);
    expect(body).toMatchObject({
      ok: false,
      error: { code: 'connection_revoked', retryable: false },
      connection: { health: 'broken', lastError: { code: 'invalid_grant' } },
    });
  });

  it('404 for a member without that connection', async () => {
    const res = await api(`/v1/connections/${GRACE.memberId}/zoom/test`, { method: 'POST' });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: 'connection_not_found' } });
  });
});

describe('disconnecting', () => {
  it('erases the tokens and shows the connection revoked; the conference worker then says connection_revoked', async () => {
    await connectMember(intake, ADA.memberId, 'zoom', ADA.zoomUserId);
    // The worker's own Zoom adapter uses the connection the flow stored…
    const zoom = memberZoomAdapter(intake);
    const host = { memberId: ADA.memberId, email: ADA.email };
    const spec = meetingSpecFor({
      bookingId: 'bk_disconnect',
      startsAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect((await zoom.provider.createMeeting(host, spec)).hostUserId).toBe(ADA.zoomUserId);

    const res = await api(`/v1/connections/${ADA.memberId}/zoom`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      health: 'revoked',
      lastError: { code: 'disconnected_by_admin' },
    });
    expect(await intake.connections.get(ADA.memberId, 'zoom')).toMatchObject({
      state: 'revoked',
      tokens: null,
    });
    // …and after the disconnect it stops, permanently, with connection_revoked.
    await expect(zoom.provider.createMeeting(host, spec)).rejects.toMatchObject({
      code: 'connection_revoked',
      retryable: false,
    });
  });

  it('forgets the connection with ?purge=true; 404 when there is none', async () => {
    await connectMember(intake, ADA.memberId, 'google', ADA.email);
    expect(
      (await api(`/v1/connections/${ADA.memberId}/google?purge=true`, { method: 'DELETE' })).status,
    ).toBe(204);
    expect(await intake.connections.get(ADA.memberId, 'google')).toBeNull();
    expect((await api(`/v1/connections/${ADA.memberId}/google`, { method: 'DELETE' })).status).toBe(404);
  });
});

describe('connect links', () => {
  it('issues a signed link for the member, valid for the asked time within bounds', async () => {
    const res = await api(`/v1/connections/${ADA.memberId}/zoom/link`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ttlSeconds: 600 }),
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { url: string; expiresAt: string };
    const url = new URL(body.url);
    expect(url.pathname).toBe('/connect/zoom');
    expect(url.searchParams.get('member')).toBe(ADA.memberId);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeGreaterThan(590_000);
    expect(Date.parse(body.expiresAt) - Date.now()).toBeLessThanOrEqual(600_000);
    for (const ttlSeconds of [0, 30, 8 * 24 * 3600, 'long']) {
      const bad = await api(`/v1/connections/${ADA.memberId}/zoom/link`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ttlSeconds }),
      });
      expect(bad.status).toBe(400);
    }
  });
});

describe('admin authentication', () => {
  it('401 for every connections route without credentials, with a wrong token or a wrong password', async () => {
    const wrong: Record<string, string>[] = [
      {},
      { authorization: 'Bearer not-the-admin-token' },
      { authorization: `Basic ${Buffer.from(`${ADMIN_BASIC.user}:nope-nope-nope-nope`).toString('base64')}` },
      { authorization: 'Basic !!!' },
      { authorization: `Bearer ${'x'.repeat(5000)}` },
    ];
    const routes: [string, string][] = [
      ['GET', '/v1/connections'],
      ['GET', `/v1/connections/${ADA.memberId}`],
      ['POST', `/v1/connections/${ADA.memberId}/zoom/link`],
      ['POST', `/v1/connections/${ADA.memberId}/zoom/test`],
      ['DELETE', `/v1/connections/${ADA.memberId}/zoom`],
      ['GET', '/v1/bookings/bk_1'],
    ];
    for (const [method, path] of routes) {
      for (const headers of wrong) {
        const res = await fetch(`${intake.url}${path}`, { method, headers });
        expect([method, path, res.status]).toEqual([method, path, 401]);
        expect(await res.json()).toMatchObject({ error: { code: 'unauthorized' } });
      }
    }
  });

  it('accepts basic auth as well as the bearer token', async () => {
    const basic = `Basic ${Buffer.from(`${ADMIN_BASIC.user}:${ADMIN_BASIC.password}`).toString('base64')}`;
    expect((await fetch(`${intake.url}/v1/connections`, { headers: { authorization: basic } })).status).toBe(
      200,
    );
  });
});
