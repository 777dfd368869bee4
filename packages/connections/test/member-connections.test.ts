// The member-connection store on the test run's real Redis, under a key prefix of its own.
import { randomBytes, randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { createRedisMemberConnectionStore } from '@meetlink/connections';
import { parseTokenKeyring } from '@meetlink/config';
import type { ConnectionTokens } from '@meetlink/connections';

const redisUrl = (): string => {
  const url = process.env['REDIS_URL'];
  if (!url) throw new Error('REDIS_URL is not set: run the tests with jest (its global setup starts Redis)');
  return url;
};

const prefix = `t-mc-${randomUUID().slice(0, 8)}`;
const key = (): string => randomBytes(32).toString('base64');
const k1 = `k1:${key()}`;
const k2 = `k2:${key()}`;
let redis: Redis;

const tokens = (n: number): ConnectionTokens => ({
  accessToken: `access-${n}-${randomUUID()}`,
  refreshToken: `refresh-${n}-${randomUUID()}`,
  expiresAt: '2030-01-01T00:00:00.000Z',
  scope: 'meeting:write meeting:read',
  providerUserId: 'zu_ada',
});

const store = (keys = k1, now = () => new Date('2025-01-02T03:04:05.000Z')) =>
  createRedisMemberConnectionStore({ redis, prefix, keyring: parseTokenKeyring(keys), now });

beforeAll(() => {
  redis = new Redis(redisUrl());
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe('member-connection store', () => {
  it('keeps a connection and gives its tokens back', async () => {
    const pair = tokens(1);
    await store().connect('m-keep', 'zoom', pair);
    expect(await store().get('m-keep', 'zoom')).toEqual({
      memberId: 'm-keep',
      provider: 'zoom',
      state: 'connected',
      tokens: pair,
      lastError: null,
      updatedAt: '2025-01-02T03:04:05.000Z',
    });
    expect(await store().get('m-keep', 'google')).toBeNull();
    expect(await store().get('m-nobody', 'zoom')).toBeNull();
  });

  it('stores tokens encrypted: Redis never holds them in plain text', async () => {
    const pair = tokens(2);
    await store().connect('m-enc', 'zoom', pair);
    const raw = await redis.hgetall(`${prefix}:member-connection:{m-enc}:zoom`);
    const dump = JSON.stringify(raw);
    expect(dump).not.toContain(pair.accessToken);
    expect(dump).not.toContain(pair.refreshToken);
    expect(raw['tokens']).toMatch(/^v1\.k1\./);
  });

  it('shows ops a summary without tokens', async () => {
    const pair = tokens(3);
    await store().connect('m-sum', 'zoom', pair);
    const summary = await store().getSummary('m-sum', 'zoom');
    expect(summary).toMatchObject({ state: 'connected', scope: pair.scope, providerUserId: 'zu_ada' });
    expect(JSON.stringify(summary)).not.toContain(pair.accessToken);
  });

  it('saves a refreshed pair only while the connection is connected', async () => {
    await store().connect('m-save', 'zoom', tokens(4));
    const next = tokens(5);
    expect(await store().saveTokens('m-save', 'zoom', next)).toBe(true);
    expect((await store().get('m-save', 'zoom'))?.tokens).toEqual(next);

    expect(
      await store().markRevoked('m-save', 'zoom', { code: 'app_deauthorized', message: 'uninstalled' }),
    ).toBe(true);
    expect(await store().saveTokens('m-save', 'zoom', tokens(6))).toBe(false);
    expect(await store().saveTokens('m-none', 'zoom', tokens(6))).toBe(false);
    expect(await redis.exists(`${prefix}:member-connection:{m-none}:zoom`)).toBe(0);
  });

  it('marks a connection broken, visibly, with the reason', async () => {
    await store().connect('m-broken', 'zoom', tokens(7));
    expect(await store().markBroken('m-broken', 'zoom', { code: 'invalid_grant', message: 'refused' })).toBe(
      true,
    );
    expect(await store().getSummary('m-broken', 'zoom')).toMatchObject({
      state: 'broken',
      lastError: { code: 'invalid_grant', message: 'refused', at: '2025-01-02T03:04:05.000Z' },
    });
    expect(await store().markBroken('m-none', 'zoom', { code: 'x', message: 'y' })).toBe(false);
  });

  it('erases tokens on revocation, and a reconnect starts clean', async () => {
    await store().connect('m-rev', 'zoom', tokens(8));
    await store().markRevoked('m-rev', 'zoom');
    const revoked = await store().get('m-rev', 'zoom');
    expect(revoked).toMatchObject({ state: 'revoked', tokens: null });
    expect(await redis.hget(`${prefix}:member-connection:{m-rev}:zoom`, 'tokens')).toBeNull();

    const fresh = tokens(9);
    await store().connect('m-rev', 'zoom', fresh);
    expect(await store().get('m-rev', 'zoom')).toMatchObject({
      state: 'connected',
      tokens: fresh,
      lastError: null,
    });
  });

  it('reads tokens written under an old key and rewrites them under the new one', async () => {
    const pair = tokens(10);
    await store(k1).connect('m-rot', 'zoom', pair);
    const rotated = store(`${k2},${k1}`);
    expect((await rotated.get('m-rot', 'zoom'))?.tokens).toEqual(pair);
    await rotated.saveTokens('m-rot', 'zoom', pair);
    expect(await redis.hget(`${prefix}:member-connection:{m-rot}:zoom`, 'tokens')).toMatch(/^v1\.k2\./);
    await expect(store(k1).get('m-rot', 'zoom')).rejects.toThrow(/"k2", which is not configured/);
  });

  it('removes a connection', async () => {
    await store().connect('m-rm', 'zoom', tokens(11));
    await store().remove('m-rm', 'zoom');
    expect(await store().get('m-rm', 'zoom')).toBeNull();
  });

  it('lists connections (all, or one member’s) with when they connected, and never a token', async () => {
    const listed = createRedisMemberConnectionStore({
      redis,
      prefix: `${prefix}-list`,
      keyring: parseTokenKeyring(k1),
      now: () => new Date('2025-01-02T03:04:05.000Z'),
    });
    const pair = tokens(20);
    await listed.connect('m-b', 'google', pair);
    await listed.connect('m-a', 'microsoft', tokens(21));
    await listed.connect('m-a', 'zoom', tokens(22));
    await listed.connect('m-a*', 'zoom', tokens(23));
    await listed.markRevoked('m-b', 'google');
    const all = await listed.list();
    expect(all.map((c) => `${c.memberId}/${c.provider}/${c.state}`)).toEqual([
      'm-a/zoom/connected',
      'm-a/microsoft/connected',
      'm-a*/zoom/connected',
      'm-b/google/revoked',
    ]);
    expect(all[0]).toMatchObject({
      connectedAt: '2025-01-02T03:04:05.000Z',
      tokensUpdatedAt: '2025-01-02T03:04:05.000Z',
    });
    expect(JSON.stringify(all)).not.toContain(pair.accessToken);
    // A member id with glob characters matches only itself.
    expect((await listed.list({ memberId: 'm-a*' })).map((c) => c.memberId)).toEqual(['m-a*']);
    expect((await listed.list({ memberId: 'm-a' })).map((c) => c.provider)).toEqual(['zoom', 'microsoft']);
    const keys = await redis.keys(`${prefix}-list:*`);
    await redis.del(...keys);
  });

  it('keeps every member readable across a key rotation, and says which key is missing once it is dropped', async () => {
    const before = store(k1);
    const pairs = [tokens(30), tokens(31), tokens(32)];
    for (const [i, pair] of pairs.entries())
      await before.connect(`m-rot-${i}`, i === 1 ? 'google' : 'zoom', pair);
    // Rotation: the new key first, the old one kept for reading.
    const after = store(`${k2},${k1}`);
    for (const [i, pair] of pairs.entries())
      expect((await after.get(`m-rot-${i}`, i === 1 ? 'google' : 'zoom'))?.tokens).toEqual(pair);
    // A refresh under the new ring re-encrypts with k2; the rest still need k1.
    await after.saveTokens('m-rot-0', 'zoom', pairs[0]!);
    const onlyNew = store(k2);
    expect((await onlyNew.get('m-rot-0', 'zoom'))?.tokens).toEqual(pairs[0]);
    await expect(onlyNew.get('m-rot-2', 'zoom')).rejects.toThrow(/"k1", which is not configured/);
  });
});
