// Signed, short-lived connect links: `/connect/{provider}?member=…&exp=…&nonce=…&sig=…` lets one
// member (and only for that provider, until `exp`) start the OAuth flow without admin credentials.
// The signature is HMAC-SHA256 under CONNECT_LINK_SECRET; several comma-separated secrets are all
// accepted, the first one signs, so the secret can be rotated.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { ConnectionProvider } from './member-connections';
import { connectionProviders } from './member-connections';

/** Member ids travel in URLs and Redis keys: a conservative alphabet. */
export const MEMBER_ID_PATTERN = /^[A-Za-z0-9_.@+-]{1,128}$/;

export const isConnectionProvider = (value: string): value is ConnectionProvider =>
  (connectionProviders as readonly string[]).includes(value);

export interface ConnectLinkQuery {
  member: string;
  /** Unix seconds. */
  exp: string;
  nonce: string;
  sig: string;
}

const signatureOf = (secret: string, provider: string, member: string, exp: string, nonce: string): Buffer =>
  createHmac('sha256', secret)
    .update(`meetlink-connect-link|v1|${provider}|${member}|${exp}|${nonce}`)
    .digest();

export interface SignConnectLinkInput {
  secrets: readonly string[];
  memberId: string;
  provider: ConnectionProvider;
  expiresAt: Date;
  nonce?: string;
}

export const signConnectLink = ({
  secrets,
  memberId,
  provider,
  expiresAt,
  nonce = randomBytes(12).toString('base64url'),
}: SignConnectLinkInput): ConnectLinkQuery => {
  const [secret] = secrets;
  if (!secret) throw new Error('signConnectLink: no secret given');
  const exp = String(Math.floor(expiresAt.getTime() / 1000));
  return {
    member: memberId,
    exp,
    nonce,
    sig: signatureOf(secret, provider, memberId, exp, nonce).toString('base64url'),
  };
};

export interface BuildConnectLinkInput {
  /** Where the intake API is reached from a browser, e.g. https://meetlink.example.com. */
  publicBaseUrl: string;
  secrets: readonly string[];
  memberId: string;
  provider: ConnectionProvider;
  ttlMs: number;
  now?: Date;
}

export const buildConnectLink = ({
  publicBaseUrl,
  secrets,
  memberId,
  provider,
  ttlMs,
  now = new Date(),
}: BuildConnectLinkInput): { url: string; expiresAt: string } => {
  const expiresAt = new Date(now.getTime() + ttlMs);
  const url = new URL(
    `connect/${provider}`,
    publicBaseUrl.endsWith('/') ? publicBaseUrl : `${publicBaseUrl}/`,
  );
  const signed = signConnectLink({ secrets, memberId, provider, expiresAt });
  for (const key of ['member', 'exp', 'nonce', 'sig'] as const) url.searchParams.set(key, signed[key]);
  return {
    url: url.toString(),
    expiresAt: new Date(Number(url.searchParams.get('exp')) * 1000).toISOString(),
  };
};

export type ConnectLinkCheck =
  | { ok: true; memberId: string; nonce: string; expiresAt: Date }
  | { ok: false; reason: 'invalid' | 'expired' };

export const verifyConnectLink = ({
  secrets,
  provider,
  query,
  now = new Date(),
}: {
  secrets: readonly string[];
  provider: ConnectionProvider;
  query: Partial<Record<keyof ConnectLinkQuery, string>>;
  now?: Date;
}): ConnectLinkCheck => {
  const { member, exp, nonce, sig } = query;
  if (!member || !exp || !nonce || !sig || !/^\d{1,12}$/.test(exp) || !MEMBER_ID_PATTERN.test(member))
    return { ok: false, reason: 'invalid' };
  const given = Buffer.from(sig, 'base64url');
  const matches = secrets.some((secret) => {
    const expected = signatureOf(secret, provider, member, exp, nonce);
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matches) return { ok: false, reason: 'invalid' };
  const expiresAt = new Date(Number(exp) * 1000);
  // Checked after the signature, so an attacker learns nothing from the difference.
  if (expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
  return { ok: true, memberId: member, nonce, expiresAt };
};
