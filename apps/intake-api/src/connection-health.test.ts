import type { MemberConnectionSummary } from '@meetlink/connections';
import { viewConnection } from './connection-health';

const now = new Date('2026-11-25T12:00:00Z');
const daysAgo = (days: number) => new Date(now.getTime() - days * 86_400_000).toISOString();
const summary = (overrides: Partial<MemberConnectionSummary>): MemberConnectionSummary => ({
  memberId: 'mem_ada',
  provider: 'zoom',
  state: 'connected',
  scope: 'meeting:write',
  providerUserId: 'zu_ada',
  expiresAt: now.toISOString(),
  lastError: null,
  updatedAt: daysAgo(1),
  connectedAt: daysAgo(10),
  tokensUpdatedAt: daysAgo(1),
  ...overrides,
});

describe('viewConnection', () => {
  it('is connected while the refresh token has long to live, whatever the access token does', () => {
    expect(viewConnection(summary({ expiresAt: daysAgo(1) }), now).health).toBe('connected');
  });

  it('is expiring within 14 days of the provider’s idle limit (Zoom and Microsoft: 90 days)', () => {
    const view = viewConnection(summary({ tokensUpdatedAt: daysAgo(80) }), now);
    expect(view.health).toBe('expiring');
    expect(view.refreshTokenExpiresAt).toBe(
      new Date(Date.parse(daysAgo(80)) + 90 * 86_400_000).toISOString(),
    );
    expect(viewConnection(summary({ provider: 'microsoft', tokensUpdatedAt: daysAgo(77) }), now).health).toBe(
      'expiring',
    );
  });

  it('never expires a Google connection by age (no fixed idle limit)', () => {
    const view = viewConnection(summary({ provider: 'google', tokensUpdatedAt: daysAgo(200) }), now);
    expect(view).toMatchObject({ health: 'connected', refreshTokenExpiresAt: null });
  });

  it('says broken and revoked as the store does, with the last error', () => {
    const error = { code: 'invalid_grant', message: 'refused', at: daysAgo(0) };
    expect(viewConnection(summary({ state: 'broken', lastError: error }), now)).toMatchObject({
      health: 'broken',
      lastError: error,
    });
    expect(viewConnection(summary({ state: 'revoked', tokensUpdatedAt: daysAgo(89) }), now)).toMatchObject({
      health: 'revoked',
      refreshTokenExpiresAt: null,
    });
  });
});
