// The connect flow of one provider, as the intake's /connect routes and connections API use it:
// where to send the browser, how to turn the callback's code into a member's tokens, the refresh
// grant (spent by the member-token refresh policy), and one cheap authenticated call.
import type { ConnectionProvider, ConnectionTokens } from './member-connections';
import type { TokenAnswer } from './token-endpoint';

export interface Identity {
  /** What the store keeps as providerUserId: Zoom's user id, the Google email, the Microsoft UPN. */
  providerUserId: string | null;
}

export interface OAuthProvider {
  readonly provider: ConnectionProvider;
  /** 'Zoom', 'Google', 'Microsoft'. */
  readonly vendor: 'Zoom' | 'Google' | 'Microsoft';
  authorizationUrl(input: { state: string; redirectUri: string }): string;
  /** Exchanges a callback's code (and learns whose account it is); OAuthGrantError `invalid_grant` for a dead code. */
  exchangeCode(input: { code: string; redirectUri: string; now: Date }): Promise<ConnectionTokens>;
  /** Spends the refresh token; OAuthGrantError `invalid_grant` when the provider refuses it. */
  refresh(tokens: ConnectionTokens): Promise<TokenAnswer>;
  /** A cheap authenticated read; `provider_unauthorized` when the token is refused. */
  whoAmI(accessToken: string): Promise<Identity>;
}

export const tokensFrom = (
  answer: TokenAnswer,
  now: Date,
  providerUserId: string | null,
): ConnectionTokens => ({
  accessToken: answer.access_token,
  refreshToken: answer.refresh_token ?? '',
  expiresAt: new Date(now.getTime() + answer.expires_in * 1000).toISOString(),
  scope: answer.scope ?? '',
  providerUserId,
});
