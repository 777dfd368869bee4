// The OAuth `state` of a connect flow: signed (HMAC under CONNECT_LINK_SECRET, so junk is refused
// without a Redis call), single-use (GETDEL) and expiring (the record's TTL). The record says which
// member and provider the flow is for, and holds a hash of the random value the starting browser got
// as a cookie, so a callback URL replayed in another browser is refused (RFC 6749 §10.12).
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RedisClient } from '@meetlink/redis';
import type { ConnectionProvider } from './member-connections';
import { isConnectionProvider } from './connect-link';

export interface OAuthStateRecord {
  memberId: string;
  provider: ConnectionProvider;
  /** How the flow was started: by an admin's credentials, or a signed member link (with its nonce). */
  startedBy: 'admin' | 'link';
  linkNonce: string | null;
  /** When the link that started it stops working (ISO), for marking the link used. */
  linkExpiresAt: string | null;
  /** sha256 (hex) of the browser-binding cookie value. */
  browserBinding: string;
  createdAt: string;
}

export type ConsumedState =
  | { ok: true; record: OAuthStateRecord }
  /** `invalid`: not ours (bad signature or shape). `unknown`: used already, expired, or never issued. */
  | { ok: false; reason: 'invalid' | 'unknown' };

export interface OAuthStateStore {
  /** A fresh state for `record`; it can be consumed once within the TTL. */
  issue(record: Omit<OAuthStateRecord, 'createdAt'>): Promise<string>;
  consume(state: string): Promise<ConsumedState>;
}

export interface OAuthStateStoreOptions {
  redis: RedisClient;
  prefix: string;
  /** The first signs; all verify. */
  secrets: readonly string[];
  /** Default 10 minutes: a person finishing a consent screen. */
  ttlMs?: number;
  now?: () => Date;
}

export const hashBrowserBinding = (value: string): string => createHash('sha256').update(value).digest('hex');

const NONCE = /^[A-Za-z0-9_-]{22}$/;

export const createOAuthStateStore = ({
  redis,
  prefix,
  secrets,
  ttlMs = 10 * 60_000,
  now = () => new Date(),
}: OAuthStateStoreOptions): OAuthStateStore => {
  const [signer] = secrets;
  if (!signer) throw new Error('createOAuthStateStore: no secret given');
  const mac = (secret: string, nonce: string): Buffer =>
    createHmac('sha256', secret).update(`meetlink-oauth-state|v1|${nonce}`).digest();
  const keyOf = (nonce: string): string => `${prefix}:oauth-state:${nonce}`;

  return {
    issue: async (record) => {
      const nonce = randomBytes(16).toString('base64url');
      const full: OAuthStateRecord = { ...record, createdAt: now().toISOString() };
      await redis.set(keyOf(nonce), JSON.stringify(full), 'PX', ttlMs);
      return `${nonce}.${mac(signer, nonce).toString('base64url')}`;
    },

    consume: async (state) => {
      const [nonce, sig, ...rest] = state.split('.');
      if (!nonce || !sig || rest.length > 0 || !NONCE.test(nonce)) return { ok: false, reason: 'invalid' };
      const given = Buffer.from(sig, 'base64url');
      const signed = secrets.some((secret) => {
        const expected = mac(secret, nonce);
        return given.length === expected.length && timingSafeEqual(given, expected);
      });
      if (!signed) return { ok: false, reason: 'invalid' };
      // GETDEL: of two callbacks racing with one state, exactly one gets the record.
      const raw = await redis.getdel(keyOf(nonce));
      if (raw === null) return { ok: false, reason: 'unknown' };
      const parsed = JSON.parse(raw) as OAuthStateRecord;
      if (!isConnectionProvider(parsed.provider)) return { ok: false, reason: 'invalid' };
      return { ok: true, record: parsed };
    },
  };
};

/** Marks a signed connect link as used once a flow it started has connected; false if it already was. */
export const markConnectLinkUsed = async (
  redis: RedisClient,
  prefix: string,
  nonce: string,
  expiresAt: Date,
  now: Date,
): Promise<boolean> => {
  const ttlMs = Math.max(expiresAt.getTime() - now.getTime(), 1_000);
  return (await redis.set(`${prefix}:connect-link-used:${nonce}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
};

export const isConnectLinkUsed = async (
  redis: RedisClient,
  prefix: string,
  nonce: string,
): Promise<boolean> => (await redis.exists(`${prefix}:connect-link-used:${nonce}`)) === 1;
