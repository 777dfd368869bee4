// The fake's OAuth state: Server-to-Server apps of accounts, user-OAuth apps, and every token they were
// given. User refresh tokens rotate: a refresh issues a new pair and the old refresh token stops working.
import { randomBytes } from 'node:crypto';

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

interface AccessTokenRecord {
  principal: Principal;
  expiresAt: number;
  expired: boolean;
}

interface RefreshTokenRecord {
  clientId: string;
  accountId: string;
  userId: string;
  accessTokenTtlSeconds: number;
}

interface AuthorizationCodeRecord {
  clientId: string;
  accountId: string;
  userId: string;
  redirectUri: string;
  expiresAt: number;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken?: string;
  expiresIn: number;
  principal: Principal;
}

export type AccessCheck = { ok: true; principal: Principal } | { ok: false; reason: 'invalid' | 'expired' };

export const S2S_TOKEN_TTL_SECONDS = 3600;
/** Zoom's authorization codes live 5 minutes. */
const AUTHORIZATION_CODE_TTL_MS = 5 * 60_000;

const newToken = (prefix: string): string => `${prefix}${randomBytes(32).toString('base64url')}`;

export class TokenStore {
  private readonly s2sApps = new Map<string, S2sApp>();
  private readonly userApps = new Map<string, UserApp>();
  private readonly accessTokens = new Map<string, AccessTokenRecord>();
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>();
  private readonly codes = new Map<string, AuthorizationCodeRecord>();

  addS2sApp(app: S2sApp): void {
    this.s2sApps.set(app.clientId, app);
  }

  addUserApp(app: UserApp): void {
    this.userApps.set(app.clientId, app);
  }

  isUserApp(clientId: string): boolean {
    return this.userApps.has(clientId);
  }

  /** The app whose credentials these are, if any. */
  findClient(clientId: string, clientSecret: string): { s2s?: S2sApp; user?: UserApp } | undefined {
    const s2s = this.s2sApps.get(clientId);
    const user = this.userApps.get(clientId);
    const found = {
      ...(s2s?.clientSecret === clientSecret ? { s2s } : {}),
      ...(user?.clientSecret === clientSecret ? { user } : {}),
    };
    return found.s2s || found.user ? found : undefined;
  }

  private issueAccess(principal: Principal, ttlSeconds: number, now: number): string {
    const token = newToken('fzat_');
    this.accessTokens.set(token, { principal, expiresAt: now + ttlSeconds * 1000, expired: false });
    return token;
  }

  issueS2s(app: S2sApp, now: number): IssuedTokens {
    const principal: Principal = { kind: 's2s', accountId: app.accountId };
    return {
      accessToken: this.issueAccess(principal, S2S_TOKEN_TTL_SECONDS, now),
      expiresIn: S2S_TOKEN_TTL_SECONDS,
      principal,
    };
  }

  issueUserPair(grant: RefreshTokenRecord, now: number): IssuedTokens & { refreshToken: string } {
    const principal: Principal = { kind: 'user', accountId: grant.accountId, userId: grant.userId };
    const refreshToken = newToken('fzrt_');
    this.refreshTokens.set(refreshToken, { ...grant });
    return {
      accessToken: this.issueAccess(principal, grant.accessTokenTtlSeconds, now),
      refreshToken,
      expiresIn: grant.accessTokenTtlSeconds,
      principal,
    };
  }

  /** Rotates: the old refresh token is gone once the new pair exists. Undefined = invalid_grant. */
  refresh(
    clientId: string,
    refreshToken: string,
    now: number,
  ): (IssuedTokens & { refreshToken: string }) | undefined {
    const grant = this.refreshTokens.get(refreshToken);
    if (!grant || grant.clientId !== clientId) return undefined;
    this.refreshTokens.delete(refreshToken);
    return this.issueUserPair(grant, now);
  }

  issueCode(code: Omit<AuthorizationCodeRecord, 'expiresAt'>, now: number): string {
    const value = newToken('fzac_');
    this.codes.set(value, { ...code, expiresAt: now + AUTHORIZATION_CODE_TTL_MS });
    return value;
  }

  /** Codes are single-use; undefined = invalid_grant. */
  takeCode(clientId: string, code: string, now: number): AuthorizationCodeRecord | undefined {
    const record = this.codes.get(code);
    this.codes.delete(code);
    if (!record || record.clientId !== clientId || record.expiresAt <= now) return undefined;
    return record;
  }

  checkAccess(token: string, now: number): AccessCheck {
    const record = this.accessTokens.get(token);
    if (!record) return { ok: false, reason: 'invalid' };
    if (record.expired || record.expiresAt <= now) return { ok: false, reason: 'expired' };
    return { ok: true, principal: record.principal };
  }

  revokeUser(userId: string): void {
    for (const [token, record] of this.accessTokens) {
      if (record.principal.kind === 'user' && record.principal.userId === userId)
        this.accessTokens.delete(token);
    }
    for (const [token, record] of this.refreshTokens) {
      if (record.userId === userId) this.refreshTokens.delete(token);
    }
    for (const [code, record] of this.codes) {
      if (record.userId === userId) this.codes.delete(code);
    }
  }

  expireAccessTokens(): void {
    for (const record of this.accessTokens.values()) record.expired = true;
  }

  /** Forget every token and code; keep the apps. */
  clearTokens(): void {
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.codes.clear();
  }
}
