// Zoom's OAuth apps and what they are given: a Server-to-Server app of an account gets account
// tokens (no refresh token); a user-OAuth app gets a user's token pair, whose refresh token rotates:
// a refresh issues a new pair and the old refresh token stops working.
import { checkClient } from '../kit/oauth/client-auth';
import type { ClientCredentials } from '../kit/oauth/client-auth';
import type { OAuthLooks, TokenBook } from '../kit/oauth/tokens';

export type Principal =
  { kind: 's2s'; accountId: string } | { kind: 'user'; accountId: string; userId: string };

export interface S2sApp {
  accountId: string;
  clientId: string;
  clientSecret: string;
}

export interface UserApp {
  clientId: string;
  clientSecret: string;
}

export interface UserGrant {
  clientId: string;
  accountId: string;
  userId: string;
  accessTokenTtlSeconds: number;
}

export interface CodeGrant {
  clientId: string;
  accountId: string;
  userId: string;
  redirectUri: string;
}

export type ZoomTokens = TokenBook<Principal, UserGrant>;

export interface IssuedTokens {
  accessToken: string;
  refreshToken?: string;
  expiresIn: number;
  principal: Principal;
}

/** The apps whose credentials these are, if any (one client id may be both). */
export interface AuthenticatedClient {
  clientId: string;
  s2s?: S2sApp;
  user?: UserApp;
}

export const S2S_TOKEN_TTL_SECONDS = 3600;

/** Zoom's token strings; its authorization codes live 5 minutes. */
export const ZOOM_LOOKS: OAuthLooks = {
  access: ['fzat_', 32],
  refresh: ['fzrt_', 32],
  code: ['fzac_', 32],
  codeTtlMs: 5 * 60_000,
};

export class ZoomApps {
  private readonly s2sApps = new Map<string, S2sApp>();
  private readonly userApps = new Map<string, UserApp>();

  addS2sApp(app: S2sApp): void {
    this.s2sApps.set(app.clientId, app);
  }

  addUserApp(app: UserApp): void {
    this.userApps.set(app.clientId, app);
  }

  isUserApp(clientId: string): boolean {
    return this.userApps.has(clientId);
  }

  authenticate(credentials: ClientCredentials): AuthenticatedClient | undefined {
    const s2s = checkClient(credentials, (id) => this.s2sApps.get(id));
    const user = checkClient(credentials, (id) => this.userApps.get(id));
    if (!credentials.clientId || (!s2s.ok && !user.ok)) return undefined;
    return {
      clientId: credentials.clientId,
      ...(s2s.ok ? { s2s: s2s.client } : {}),
      ...(user.ok ? { user: user.client } : {}),
    };
  }
}

export const issueS2s = (tokens: ZoomTokens, app: S2sApp): IssuedTokens => {
  const principal: Principal = { kind: 's2s', accountId: app.accountId };
  return {
    accessToken: tokens.issueAccess(principal, S2S_TOKEN_TTL_SECONDS),
    expiresIn: S2S_TOKEN_TTL_SECONDS,
    principal,
  };
};

export const issueUserPair = (
  tokens: ZoomTokens,
  grant: UserGrant,
): IssuedTokens & { refreshToken: string } => {
  const principal: Principal = { kind: 'user', accountId: grant.accountId, userId: grant.userId };
  return {
    accessToken: tokens.issueAccess(principal, grant.accessTokenTtlSeconds),
    refreshToken: tokens.issueRefresh(grant),
    expiresIn: grant.accessTokenTtlSeconds,
    principal,
  };
};

/** Rotates: the old refresh token is gone once the new pair exists. Undefined = invalid_grant. */
export const refreshUserPair = (
  tokens: ZoomTokens,
  clientId: string,
  refreshToken: string,
): (IssuedTokens & { refreshToken: string }) | undefined => {
  const grant = tokens.grantOf(refreshToken, clientId);
  if (!grant || grant.revoked) return undefined;
  tokens.dropRefresh(refreshToken);
  return issueUserPair(tokens, grant);
};
