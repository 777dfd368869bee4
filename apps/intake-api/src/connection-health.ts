// How a member's connection looks to ops: connected, expiring (its refresh token is near the
// provider's inactivity limit), broken (a refresh was refused), revoked (deauthorized or
// disconnected). Access tokens expiring hourly is normal and not "expiring": the workers refresh them.
import type { ConnectionProvider, MemberConnectionSummary } from '@meetlink/connections';

export type ConnectionHealth = 'connected' | 'expiring' | 'broken' | 'revoked';

const DAY_MS = 24 * 3_600_000;

/**
 * How long a refresh token lives unused, per provider (assumed from their docs: Zoom's expire after
 * 90 days, Microsoft's are a 90-day sliding window; Google's have no fixed lifetime).
 */
export const REFRESH_TOKEN_IDLE_LIFETIME_MS: Record<ConnectionProvider, number | null> = {
  zoom: 90 * DAY_MS,
  microsoft: 90 * DAY_MS,
  google: null,
};

/** Within this of the estimated end, a connection is `expiring`. */
export const EXPIRING_WITHIN_MS = 14 * DAY_MS;

export interface ConnectionView {
  memberId: string;
  provider: ConnectionProvider;
  health: ConnectionHealth;
  providerUserId: string | null;
  scope: string | null;
  accessTokenExpiresAt: string | null;
  /** Estimated from the last time tokens were written; null where the provider sets no idle limit. */
  refreshTokenExpiresAt: string | null;
  connectedAt: string | null;
  updatedAt: string;
  lastError: MemberConnectionSummary['lastError'];
}

export const viewConnection = (summary: MemberConnectionSummary, now: Date): ConnectionView => {
  const lifetime = REFRESH_TOKEN_IDLE_LIFETIME_MS[summary.provider];
  const since = summary.tokensUpdatedAt ?? summary.connectedAt;
  const refreshEnds =
    lifetime !== null && since && summary.state === 'connected' ? Date.parse(since) + lifetime : null;
  let health: ConnectionHealth = summary.state;
  if (health === 'connected' && refreshEnds !== null && refreshEnds - now.getTime() < EXPIRING_WITHIN_MS) {
    health = 'expiring';
  }
  return {
    memberId: summary.memberId,
    provider: summary.provider,
    health,
    providerUserId: summary.providerUserId,
    scope: summary.scope,
    accessTokenExpiresAt: summary.expiresAt,
    refreshTokenExpiresAt: refreshEnds === null ? null : new Date(refreshEnds).toISOString(),
    connectedAt: summary.connectedAt,
    updatedAt: summary.updatedAt,
    lastError: summary.lastError,
  };
};
