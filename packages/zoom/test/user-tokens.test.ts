// Members' own Zoom connections over real HTTP against the fake Zoom and the run's real Redis:
// refresh with rotating refresh tokens, the refresh lock across processes, invalid_grant, and the
// fallback to Server-to-Server OAuth.
import type Redis from 'ioredis';
import { startFakeZoom } from '@meetlink/fakes';
import type { FakeZoom } from '@meetlink/fakes';
import { createRedisMemberConnectionStore } from '@meetlink/connections';
import { parseTokenKeyring } from '@meetlink/config';
import type { MemberConnectionStore } from '@meetlink/connections';
import { OAuthGrantError, createTokenEndpointClient, zoomTokenUrl } from '@meetlink/connections';
import { zoomAdapterFor } from '../../../test-support/zoom-adapter-for';

type ZoomSettings = Parameters<typeof zoomAdapterFor>[0];
import {
  ADA,
  S2S,
  USER_APP,
  apiRequests,
  deleteKeys,
  encryptionKey,
  readAfterZoomRejectsToken,
  rejectionOf,
  specFor,
  testRedis,
  tokenRequests,
  uniquePrefix,
} from './harness';

const GRACE = { memberId: 'mem_grace', email: 'grace@example.com' };

let fake: FakeZoom;
let redis: Redis;
const prefix = uniquePrefix('zoom-user-tokens');
const key = encryptionKey();
let connections: MemberConnectionStore;

beforeAll(async () => {
  fake = await startFakeZoom();
  fake.addAccount(S2S);
  fake.addUser({ id: 'zu_ada', email: ADA.email, accountId: S2S.accountId });
  fake.addUser({ id: 'zu_grace', email: GRACE.email, accountId: S2S.accountId });
  redis = testRedis();
  connections = createRedisMemberConnectionStore({ redis, prefix, keyring: parseTokenKeyring(key) });
});

beforeEach(async () => {
  fake.reset();
  await deleteKeys(redis, prefix);
});

afterAll(async () => {
  await deleteKeys(redis, prefix);
  await redis.quit();
  await fake.close();
});

const settings = (extra: Partial<ZoomSettings> = {}): ZoomSettings => ({
  apiBaseUrl: fake.apiBaseUrl,
  oauthBaseUrl: fake.oauthBaseUrl,
  clientId: USER_APP.clientId,
  clientSecret: USER_APP.clientSecret,
  tokenEncryptionKey: key,
  ...extra,
});

/** A separate adapter is what another worker process would have: its own caches, the same Redis. */
const adapter = (extra: Partial<ZoomSettings> = {}) =>
  zoomAdapterFor(settings(extra), { redis, keyPrefix: prefix });

/**
 * The member authorized our app: store the pair as the OAuth callback would. `secondsLeft` is how
 * long the stored access token has left by our record (less than the refresh margin: due).
 */
/** Server-to-Server and the user-level app both configured. */
const s2sAndUserAdapter = () =>
  adapter({
    accountId: S2S.accountId,
    clientId: S2S.clientId,
    clientSecret: S2S.clientSecret,
    userOAuthClientId: USER_APP.clientId,
    userOAuthClientSecret: USER_APP.clientSecret,
  });

const connect = async (memberId: string, userId: string, secondsLeft = 3600) => {
  const issued = fake.issueUserTokens({ ...USER_APP, userId });
  await connections.connect(memberId, 'zoom', {
    accessToken: issued.accessToken,
    refreshToken: issued.refreshToken,
    expiresAt: new Date(Date.now() + Math.min(secondsLeft, issued.expiresIn) * 1000).toISOString(),
    scope: 'meeting:read meeting:write user:read',
    providerUserId: userId,
  });
  return issued;
};

const refreshRequests = () => tokenRequests(fake);

describe('a member’s own connection', () => {
  it('schedules under the member’s own Zoom user with their token, no token request needed', async () => {
    await connect(ADA.memberId, 'zu_ada');
    const details = await adapter().provider.createMeeting(ADA, specFor());
    expect(details).toMatchObject({ hostMemberId: 'mem_ada', hostUserId: 'zu_ada' });
    expect(fake.meetings()[0]?.hostUserId).toBe('zu_ada');
    expect(refreshRequests()).toHaveLength(0);
  });

  it('refreshes a token about to expire and saves the rotated pair before using it', async () => {
    const first = await connect(ADA.memberId, 'zu_ada', 30);
    await adapter().provider.createMeeting(ADA, specFor());

    expect(refreshRequests().map((r) => r.status)).toEqual([200]);
    const saved = (await connections.get(ADA.memberId, 'zoom'))?.tokens;
    expect(saved?.refreshToken).not.toBe(first.refreshToken);
    expect(saved?.accessToken).not.toBe(first.accessToken);
    expect(Date.parse(saved!.expiresAt)).toBeGreaterThan(Date.now() + 30 * 60_000);
    // The old refresh token is spent: Zoom rotates them.
    const requestToken = createTokenEndpointClient({
      url: zoomTokenUrl(fake.oauthBaseUrl),
      vendor: 'Zoom',
      client: { ...USER_APP, auth: 'basic' },
    });
    await expect(
      requestToken({ grant_type: 'refresh_token', refresh_token: first.refreshToken }),
    ).rejects.toBeInstanceOf(OAuthGrantError);
  });

  it('refreshes once and retries when Zoom rejects a token that looked fresh', async () => {
    await connect(ADA.memberId, 'zu_ada');
    await readAfterZoomRejectsToken(fake, adapter().provider, ADA);
    expect(refreshRequests()).toHaveLength(1);
  });

  it('lets two processes refresh one member at once: both succeed on one refresh request', async () => {
    await connect(ADA.memberId, 'zu_ada', 30);
    const [a, b] = [adapter(), adapter()];
    // Slow the token endpoint down so the second process is sure to arrive mid-refresh.
    fake.inject({ kind: 'latency', ms: 300, times: 1 });

    const [fromA, fromB] = await Promise.all([
      a.provider.findMeetingByMarker(ADA, 'meetlink-booking:none'),
      b.provider.findMeetingByMarker(ADA, 'meetlink-booking:none'),
    ]);
    expect([fromA, fromB]).toEqual([null, null]);
    expect(refreshRequests().map((r) => r.status)).toEqual([200]);
    expect(apiRequests(fake).every((r) => r.status === 200)).toBe(true);
    expect(await connections.getSummary(ADA.memberId, 'zoom')).toMatchObject({
      state: 'connected',
      lastError: null,
    });
  });

  it('marks the connection broken on invalid_grant and stops with connection_revoked', async () => {
    const issued = await connect(ADA.memberId, 'zu_ada');
    fake.revokeUserTokens('zu_ada');
    const { provider } = adapter();

    const error = await rejectionOf(provider.createMeeting(ADA, specFor()));
    expect(error).toMatchObject({ code: 'connection_revoked', retryable: false });
    expect(await connections.getSummary(ADA.memberId, 'zoom')).toMatchObject({
      state: 'broken',
      lastError: { code: 'invalid_grant' },
    });
    const told = `${error.message} ${JSON.stringify(error.details)}`;
    expect(told).not.toContain(issued.accessToken);
    expect(told).not.toContain(issued.refreshToken);

    // Broken stays broken: the next call stops before Zoom hears of it.
    const before = fake.requests().length;
    expect((await rejectionOf(provider.getMeeting(ADA, '123456789'))).code).toBe('connection_revoked');
    expect(fake.requests()).toHaveLength(before);
  });

  it('does not revive a connection revoked while its refresh was under way', async () => {
    await connect(ADA.memberId, 'zu_ada', 30);
    fake.inject({ kind: 'latency', ms: 200, times: 1 });
    const pending = rejectionOf(adapter().provider.getMeeting(ADA, '123456789'));
    await new Promise((resolve) => setTimeout(resolve, 50));
    await connections.markRevoked(ADA.memberId, 'zoom', { code: 'app_deauthorized', message: 'uninstalled' });

    expect((await pending).code).toBe('connection_revoked');
    expect(await connections.get(ADA.memberId, 'zoom')).toMatchObject({ state: 'revoked', tokens: null });
  });
});

describe('choosing how to reach Zoom', () => {
  it('stops with member_not_connected for a member without a connection when there is no S2S app', async () => {
    const error = await rejectionOf(adapter().provider.createMeeting(GRACE, specFor()));
    expect(error).toMatchObject({ code: 'member_not_connected', retryable: false });
    expect(fake.requests()).toHaveLength(0);
  });

  it('schedules a member without a connection through S2S, by email, when configured', async () => {
    const s2s = s2sAndUserAdapter();
    await connect(ADA.memberId, 'zu_ada');

    const graces = await s2s.provider.createMeeting(GRACE, specFor());
    const adas = await s2s.provider.createMeeting(ADA, specFor());
    expect(graces.hostUserId).toBe('grace@example.com');
    expect(adas.hostUserId).toBe('zu_ada');
    expect(
      fake
        .meetings()
        .map((m) => m.hostUserId)
        .sort(),
    ).toEqual(['zu_ada', 'zu_grace']);
    expect(tokenRequests(fake)).toHaveLength(1);
  });

  it('does not move a member with a broken connection onto the account token', async () => {
    const s2s = s2sAndUserAdapter();
    await connect(ADA.memberId, 'zu_ada');
    await connections.markBroken(ADA.memberId, 'zoom', { code: 'invalid_grant', message: 'refused' });
    expect((await rejectionOf(s2s.provider.createMeeting(ADA, specFor()))).code).toBe('connection_revoked');
    expect(fake.meetings()).toHaveLength(0);
  });
});
