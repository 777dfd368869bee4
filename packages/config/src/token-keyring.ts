// TOKEN_ENCRYPTION_KEY: the key ring members' tokens are encrypted under (AES-256-GCM, in
// @meetlink/connections). Parsed here, once, so every app that takes the variable refuses a bad one
// at start-up as a listed configuration error.
import { createHash } from 'node:crypto';

export interface TokenKey {
  /** Stored beside each ciphertext, so the right key is found after a rotation. */
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

export interface TokenKeyring {
  /** Encrypts everything written from now on. */
  current: TokenKey;
  /** Older keys still accepted for reading. */
  previous: readonly TokenKey[];
}

const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;

const decodeKey = (base64: string, label: string): Buffer => {
  const key = Buffer.from(base64.trim(), 'base64');
  if (key.length !== 32) {
    throw new Error(`${label}: an AES-256 key must be 32 bytes of base64, got ${key.length} bytes`);
  }
  return key;
};

/** A key id derived from the key itself, for keys configured without one. */
const fingerprint = (key: Buffer): string => createHash('sha256').update(key).digest('hex').slice(0, 12);

/**
 * Reads TOKEN_ENCRYPTION_KEY: a comma-separated list of keys, the first one current, each either
 * `<id>:<base64 of 32 bytes>` or bare base64 (its id is then a fingerprint of the key). Rotate by
 * putting the new key first and keeping the old ones until every stored token was rewritten.
 */
export const parseTokenKeyring = (value: string): TokenKeyring => {
  const keys = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry, index): TokenKey => {
      const label = `TOKEN_ENCRYPTION_KEY entry ${index + 1}`;
      const colon = entry.indexOf(':');
      if (colon === -1) {
        const key = decodeKey(entry, label);
        return { id: fingerprint(key), key };
      }
      const id = entry.slice(0, colon);
      if (!KEY_ID.test(id)) throw new Error(`${label}: key id must be 1–32 of [A-Za-z0-9_-]`);
      return { id, key: decodeKey(entry.slice(colon + 1), label) };
    });
  const [current, ...previous] = keys;
  if (!current) throw new Error('TOKEN_ENCRYPTION_KEY: no key given');
  const ids = new Set(keys.map((k) => k.id));
  if (ids.size !== keys.length) throw new Error('TOKEN_ENCRYPTION_KEY: key ids must be unique');
  return { current, previous };
};
