// The OAuth bookkeeping every fake keeps: access tokens with an expiry (and the grant they came from,
// so revoking the grant kills them), refresh-token grants that can be revoked, and one-time
// authorization codes. Token strings are opaque; each vendor picks how they look.
import { randomBytes } from 'node:crypto';

/** How a vendor's opaque strings look: a prefix and so many random bytes (in base64url). */
export type TokenLook = readonly [prefix: string, bytes: number];

/** A vendor's access tokens, refresh tokens and authorization codes, and how long its codes live. */
export interface OAuthLooks {
  access: TokenLook;
  refresh: TokenLook;
  code: TokenLook;
  codeTtlMs: number;
}

const mint = ([prefix, bytes]: TokenLook): string => `${prefix}${randomBytes(bytes).toString('base64url')}`;

const base64urlJson = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A JWT-shaped id_token whose signature is random bytes: the fakes publish no keys to check it with. */
export const unsignedJwt = (header: Record<string, unknown>, claims: Record<string, unknown>): string =>
  [base64urlJson(header), base64urlJson(claims), randomBytes(64).toString('base64url')].join('.');

export type AccessCheck<P> = { ok: true; principal: P } | { ok: false; reason: 'invalid' | 'expired' };

interface AccessRecord<P> {
  principal: P;
  expiresAt: number;
  /** expireAccessTokens was called: expired whatever the clock says. */
  expired: boolean;
  /** The refresh token it came with. */
  grantId?: string;
}

export type StoredGrant<G> = G & { revoked: boolean };

export class TokenBook<P, G extends { clientId: string }> {
  private readonly access = new Map<string, AccessRecord<P>>();
  private readonly grants = new Map<string, StoredGrant<G>>();

  constructor(
    private readonly now: () => Date,
    private readonly looks: Pick<OAuthLooks, 'access' | 'refresh'>,
  ) {}

  issueAccess(principal: P, ttlSeconds: number, grantId?: string): string {
    const token = mint(this.looks.access);
    this.access.set(token, {
      principal,
      expiresAt: this.now().getTime() + ttlSeconds * 1000,
      expired: false,
      ...(grantId ? { grantId } : {}),
    });
    return token;
  }

  /** Unknown, or from a revoked grant: invalid; past its lifetime: expired. */
  checkAccess(token: string): AccessCheck<P> {
    const record = this.access.get(token);
    if (!record) return { ok: false, reason: 'invalid' };
    if (record.grantId && this.grants.get(record.grantId)?.revoked) return { ok: false, reason: 'invalid' };
    if (record.expired || record.expiresAt <= this.now().getTime()) return { ok: false, reason: 'expired' };
    return { ok: true, principal: record.principal };
  }

  /** A new refresh token for the grant (a copy; a revoked copy comes back live). */
  issueRefresh(grant: G): string {
    const token = mint(this.looks.refresh);
    this.grants.set(token, { ...grant, revoked: false });
    return token;
  }

  /** The grant behind a refresh token, when it belongs to `clientId` (revoked or not). */
  grantOf(refreshToken: string, clientId: string): StoredGrant<G> | undefined {
    const grant = this.grants.get(refreshToken);
    return grant?.clientId === clientId ? grant : undefined;
  }

  /** The refresh token stops working (a rotating vendor, once the new pair exists). */
  dropRefresh(refreshToken: string): void {
    this.grants.delete(refreshToken);
  }

  /** Revokes every matching grant, and so every access token that came with one. */
  revokeGrants(matches: (grant: G) => boolean): void {
    for (const grant of this.grants.values()) if (matches(grant)) grant.revoked = true;
  }

  /** Forgets every matching access token. */
  dropAccess(matches: (principal: P) => boolean): void {
    for (const [token, record] of this.access) if (matches(record.principal)) this.access.delete(token);
  }

  /** Every access token expires now; refresh tokens stay valid. */
  expireAccess(): void {
    for (const record of this.access.values()) record.expired = true;
  }

  clear(): void {
    this.access.clear();
    this.grants.clear();
  }
}

interface CodeRecord<C> {
  grant: C;
  expiresAt: number;
  redeemed: boolean;
}

/** One-time authorization codes (RFC 6749 §4.1.2), each for one client, living `ttlMs`. */
export class AuthorizationCodes<C extends { clientId: string }> {
  private readonly codes = new Map<string, CodeRecord<C>>();

  constructor(
    private readonly now: () => Date,
    private readonly looks: Pick<OAuthLooks, 'code' | 'codeTtlMs'>,
  ) {}

  issue(grant: C): string {
    const code = mint(this.looks.code);
    this.codes.set(code, { grant, expiresAt: this.now().getTime() + this.looks.codeTtlMs, redeemed: false });
    return code;
  }

  /** Gone after the first try, whatever it finds; undefined: unknown, another client's, or expired. */
  take(code: string, clientId: string): C | undefined {
    const record = this.live(code, clientId);
    this.codes.delete(code);
    return record?.grant;
  }

  /** Marked redeemed and kept, so a second redemption can be told apart (`again`). */
  redeem(code: string, clientId: string): { grant: C; again: boolean } | undefined {
    const record = this.live(code, clientId);
    if (!record) return undefined;
    const again = record.redeemed;
    record.redeemed = true;
    return { grant: record.grant, again };
  }

  drop(matches: (grant: C) => boolean): void {
    for (const [code, record] of this.codes) if (matches(record.grant)) this.codes.delete(code);
  }

  clear(): void {
    this.codes.clear();
  }

  private live(code: string, clientId: string): CodeRecord<C> | undefined {
    const record = this.codes.get(code);
    if (!record || record.grant.clientId !== clientId || record.expiresAt <= this.now().getTime())
      return undefined;
    return record;
  }
}
