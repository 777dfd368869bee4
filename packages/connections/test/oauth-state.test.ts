// The OAuth state store on the run's real Redis: signed, single use, expiring.
import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { createOAuthStateStore, hashBrowserBinding } from '@meetlink/connections';

const redis = new Redis(process.env['REDIS_URL']!);
const prefix = `t-state-${randomUUID().slice(0, 8)}`;
const secrets = ['state-secret-'.repeat(3)];
const record = {
  memberId: 'mem_ada',
  provider: 'zoom' as const,
  startedBy: 'admin' as const,
  linkNonce: null,
  linkExpiresAt: null,
  browserBinding: hashBrowserBinding('cookie-value'),
};

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('OAuth state', () => {
  it('gives the record back once, then never again', async () => {
    const states = createOAuthStateStore({ redis, prefix, secrets });
    const state = await states.issue(record);
    const consumed = await states.consume(state);
    expect(consumed).toMatchObject({ ok: true, record });
    expect(consumed.ok && typeof consumed.record.createdAt).toBe('string');
    expect(await states.consume(state)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('gives it to exactly one of two callbacks racing with the same state', async () => {
    const states = createOAuthStateStore({ redis, prefix, secrets });
    const state = await states.issue(record);
    const results = await Promise.all([states.consume(state), states.consume(state), states.consume(state)]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('expires', async () => {
    const states = createOAuthStateStore({ redis, prefix, secrets, ttlMs: 50 });
    const state = await states.issue(record);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await states.consume(state)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('refuses a state it did not sign without reading Redis, and reads states signed before a rotation', async () => {
    const states = createOAuthStateStore({ redis, prefix, secrets });
    const state = await states.issue(record);
    const [nonce] = state.split('.');
    const other = createOAuthStateStore({ redis, prefix, secrets: ['other-secret-'.repeat(3)] });
    expect(await other.consume(state)).toEqual({ ok: false, reason: 'invalid' });
    expect(await states.consume(`${nonce}.AAAA`)).toEqual({ ok: false, reason: 'invalid' });
    expect(await states.consume('garbage')).toEqual({ ok: false, reason: 'invalid' });
    const rotated = createOAuthStateStore({ redis, prefix, secrets: ['next-secret-'.repeat(3), ...secrets] });
    expect((await rotated.consume(state)).ok).toBe(true);
  });
});
