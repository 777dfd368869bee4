import { buildConnectLink, signConnectLink, verifyConnectLink } from './connect-link';

const secrets = ['s'.repeat(32)];
const now = new Date('2026-11-25T12:00:00Z');
const query = (url: string) => Object.fromEntries(new URL(url).searchParams);

describe('connect links', () => {
  it('verifies for the member and provider it was signed for, until it expires', () => {
    const { url, expiresAt } = buildConnectLink({
      publicBaseUrl: 'https://meetlink.example.com/api',
      secrets,
      memberId: 'mem_ada',
      provider: 'zoom',
      ttlMs: 3_600_000,
      now,
    });
    expect(url.startsWith('https://meetlink.example.com/api/connect/zoom?member=mem_ada&exp=')).toBe(true);
    expect(expiresAt).toBe('2026-11-25T13:00:00.000Z');
    expect(verifyConnectLink({ secrets, provider: 'zoom', query: query(url), now })).toMatchObject({
      ok: true,
      memberId: 'mem_ada',
    });
    expect(verifyConnectLink({ secrets, provider: 'google', query: query(url), now })).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(
      verifyConnectLink({
        secrets,
        provider: 'zoom',
        query: query(url),
        now: new Date('2026-11-25T13:00:00Z'),
      }),
    ).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses any changed field, a missing one, and a signature under another secret', () => {
    const signed = signConnectLink({
      secrets,
      memberId: 'mem_ada',
      provider: 'zoom',
      expiresAt: new Date('2030-01-01'),
    });
    for (const change of [
      { member: 'mem_grace' },
      { exp: String(Number(signed.exp) + 1) },
      { nonce: 'x' },
      { sig: 'x' },
    ]) {
      expect(verifyConnectLink({ secrets, provider: 'zoom', query: { ...signed, ...change }, now })).toEqual({
        ok: false,
        reason: 'invalid',
      });
    }
    expect(
      verifyConnectLink({ secrets, provider: 'zoom', query: { ...signed, sig: undefined }, now }).ok,
    ).toBe(false);
    expect(verifyConnectLink({ secrets: ['o'.repeat(32)], provider: 'zoom', query: signed, now }).ok).toBe(
      false,
    );
  });

  it('keeps links signed under the previous secret valid while it is still listed (rotation)', () => {
    const old = signConnectLink({
      secrets: ['old'.repeat(11)],
      memberId: 'mem_ada',
      provider: 'google',
      expiresAt: new Date('2030-01-01'),
    });
    expect(
      verifyConnectLink({
        secrets: ['new'.repeat(11), 'old'.repeat(11)],
        provider: 'google',
        query: old,
        now,
      }).ok,
    ).toBe(true);
  });
});
