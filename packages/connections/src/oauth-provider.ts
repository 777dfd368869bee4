// The port the connect flows and the connections API use per provider: where to send the browser,
// how to turn the code into a member's tokens, how to refresh them, and one cheap authenticated call.
import type { ConnectionProvider, ConnectionTokens } from '@meetlink/store';

export interface Identity {
  /** What the store keeps as providerUserId: Zoom's user id, the Google email, the Microsoft UPN. */
  providerUserId: string | null;
}

export interface OAuthProvider {
  readonly provider: ConnectionProvider;
  /** 'Zoom', 'Google', 'Microsoft'. */
  readonly vendor: string;
  authorizationUrl(input: { state: string; redirectUri: string }): string;
  /** Exchanges a callback's code (and learns whose account it is); `InvalidGrantError` for a dead code. */
  exchangeCode(input: { code: string; redirectUri: string; now: Date }): Promise<ConnectionTokens>;
  /** Spends the refresh token; `InvalidGrantError` when the provider refuses it. */
  refresh(tokens: ConnectionTokens, now: Date): Promise<ConnectionTokens>;
  /** A cheap authenticated read; `provider_unauthorized` when the token is refused. */
  whoAmI(accessToken: string): Promise<Identity>;
}

export const tokensFrom = (
  answer: {
    access_token: string;
    refresh_token?: string | undefined;
    expires_in: number;
    scope?: string | undefined;
  },
  now: Date,
  previous: { refreshToken: string; scope: string; providerUserId: string | null } | null,
  providerUserId: string | null,
): ConnectionTokens => ({
  accessToken: answer.access_token,
  refreshToken: answer.refresh_token ?? previous?.refreshToken ?? '',
  expiresAt: new Date(now.getTime() + answer.expires_in * 1000).toISOString(),
  scope: answer.scope ?? previous?.scope ?? '',
  providerUserId,
});
