// Each member's OAuth connection to a provider (Zoom, Google, Microsoft), one Redis hash per member
// and provider. Access and refresh tokens are encrypted at rest with AES-256-GCM
// under a key ring: encrypt with the current key, decrypt with any known one, so keys can rotate.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { luaScript } from '@meetlink/redis';
import type { RedisClient } from '@meetlink/redis';
import { parseTokenKeyring } from '@meetlink/config';
import type { TokenKeyring } from '@meetlink/config';

export const connectionProviders = ['zoom', 'google', 'microsoft'] as const;
export type ConnectionProvider = (typeof connectionProviders)[number];

export type ConnectionState =
  /** Tokens work (as far as we know). */
  | 'connected'
  /** A refresh was refused (`invalid_grant`): the member must connect again. */
  | 'broken'
  /** The member or the provider revoked access (e.g. Zoom's `app_deauthorized`): tokens erased. */
  | 'revoked';

export interface ConnectionTokens {
  accessToken: string;
  refreshToken: string;
  /** ISO 8601: when the access token expires. */
  expiresAt: string;
  scope: string;
  /** The member's user id at the provider, where known. */
  providerUserId: string | null;
}

export interface ConnectionError {
  code: string;
  message: string;
  /** ISO 8601. */
  at: string;
}

export interface MemberConnection {
  memberId: string;
  provider: ConnectionProvider;
  state: ConnectionState;
  /** Null once revoked. */
  tokens: ConnectionTokens | null;
  lastError: ConnectionError | null;
  updatedAt: string;
}

/** A connection as ops may see it: everything but the tokens. */
export interface MemberConnectionSummary {
  memberId: string;
  provider: ConnectionProvider;
  state: ConnectionState;
  scope: string | null;
  providerUserId: string | null;
  expiresAt: string | null;
  lastError: ConnectionError | null;
  updatedAt: string;
  /** When the member last went through the OAuth flow (ISO); null for records older than the field. */
  connectedAt: string | null;
  /** When the token pair was last written, by the flow or a refresh (ISO); null when unknown. */
  tokensUpdatedAt: string | null;
}

export interface MemberConnectionStore {
  get(memberId: string, provider: ConnectionProvider): Promise<MemberConnection | null>;
  getSummary(memberId: string, provider: ConnectionProvider): Promise<MemberConnectionSummary | null>;
  /** The member connected (or reconnected) through OAuth: state `connected`, last error cleared. */
  connect(memberId: string, provider: ConnectionProvider, tokens: ConnectionTokens): Promise<void>;
  /**
   * Saves a refreshed token pair. Writes nothing and answers false unless the connection is still
   * `connected`, so a refresh finishing late cannot revive a revoked connection.
   */
  saveTokens(memberId: string, provider: ConnectionProvider, tokens: ConnectionTokens): Promise<boolean>;
  /** Marks an existing connection `broken` with the reason; false when there is none. */
  markBroken(
    memberId: string,
    provider: ConnectionProvider,
    error: Omit<ConnectionError, 'at'>,
  ): Promise<boolean>;
  /** Marks an existing connection `revoked` and erases its tokens; false when there is none. */
  markRevoked(
    memberId: string,
    provider: ConnectionProvider,
    error?: Omit<ConnectionError, 'at'>,
  ): Promise<boolean>;
  remove(memberId: string, provider: ConnectionProvider): Promise<void>;
  /**
   * Every connection (of one member, when given), as summaries, sorted by member and provider. It
   * SCANs the prefix: fine for an admin listing, not for a hot path.
   */
  list(options?: { memberId?: string }): Promise<MemberConnectionSummary[]>;
}

// ---------------------------------------------------------------------------------------------
// Encryption

/** Thrown when a stored ciphertext cannot be read: unknown key id, wrong key or tampered data. */
export class TokenDecryptionError extends Error {
  readonly code = 'token_decryption_failed';
  constructor(message: string) {
    super(message);
    this.name = 'TokenDecryptionError';
  }
}

const CIPHER_VERSION = 'v1';

export interface TokenCipher {
  readonly currentKeyId: string;
  /** `aad` binds the ciphertext to its record, so a blob copied onto another member fails to decrypt. */
  encrypt(plaintext: string, aad: string): string;
  decrypt(blob: string, aad: string): string;
  /** The id of the key a blob was written with. */
  keyIdOf(blob: string): string | null;
}

export const createTokenCipher = (keyring: TokenKeyring): TokenCipher => {
  const byId = new Map([keyring.current, ...keyring.previous].map((k) => [k.id, k.key]));
  const b64 = (buffer: Buffer): string => buffer.toString('base64url');
  return {
    currentKeyId: keyring.current.id,
    encrypt: (plaintext, aad) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', keyring.current.key, iv);
      cipher.setAAD(Buffer.from(aad, 'utf8'));
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [CIPHER_VERSION, keyring.current.id, b64(iv), b64(cipher.getAuthTag()), b64(ciphertext)].join(
        '.',
      );
    },
    decrypt: (blob, aad) => {
      const [version, keyId, iv, tag, ciphertext, ...rest] = blob.split('.');
      if (
        version !== CIPHER_VERSION ||
        !keyId ||
        !iv ||
        !tag ||
        ciphertext === undefined ||
        rest.length > 0
      ) {
        throw new TokenDecryptionError('stored tokens are not in a known format');
      }
      const key = byId.get(keyId);
      if (!key) throw new TokenDecryptionError(`stored tokens use key "${keyId}", which is not configured`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([
          decipher.update(Buffer.from(ciphertext, 'base64url')),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        // Never echo the blob or the key: only say which key id failed.
        throw new TokenDecryptionError(`stored tokens failed authentication under key "${keyId}"`);
      }
    },
    keyIdOf: (blob) => {
      const [version, keyId] = blob.split('.');
      return version === CIPHER_VERSION && keyId ? keyId : null;
    },
  };
};

// ---------------------------------------------------------------------------------------------
// Redis store

/** Between a member id and a provider in the connections index (providers never hold one). */
const INDEX_SEPARATOR = ' ';

const CONNECT_SCRIPT = luaScript(`
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], unpack(ARGV))
return 1
`);

const SAVE_TOKENS_SCRIPT = luaScript(`
if redis.call('HGET', KEYS[1], 'state') ~= 'connected' then return 0 end
redis.call('HSET', KEYS[1], 'tokens', ARGV[1], 'expiresAt', ARGV[2], 'scope', ARGV[3],
  'providerUserId', ARGV[4], 'updatedAt', ARGV[5], 'tokensUpdatedAt', ARGV[5])
return 1
`);

const MARK_SCRIPT = luaScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'lastError', ARGV[2], 'updatedAt', ARGV[3])
if ARGV[4] == '1' then redis.call('HDEL', KEYS[1], 'tokens', 'expiresAt') end
return 1
`);

export interface RedisMemberConnectionStoreOptions {
  redis: RedisClient;
  /** Key prefix; keys are `<prefix>:member-connection:{<memberId>}:<provider>`. */
  prefix: string;
  keyring: TokenKeyring;
  now?: () => Date;
}

interface SecretPair {
  accessToken: string;
  refreshToken: string;
}

const isProvider = (value: string): value is ConnectionProvider =>
  (connectionProviders as readonly string[]).includes(value);

const isState = (value: string | undefined): value is ConnectionState =>
  value === 'connected' || value === 'broken' || value === 'revoked';

const parseError = (raw: string | undefined): ConnectionError | null => {
  if (!raw) return null;
  const parsed: unknown = JSON.parse(raw);
  if (parsed && typeof parsed === 'object' && 'code' in parsed && 'message' in parsed && 'at' in parsed) {
    const { code, message, at } = parsed;
    if (typeof code === 'string' && typeof message === 'string' && typeof at === 'string') {
      return { code, message, at };
    }
  }
  return null;
};

export const createRedisMemberConnectionStore = ({
  redis,
  prefix,
  keyring,
  now = () => new Date(),
}: RedisMemberConnectionStoreOptions): MemberConnectionStore => {
  const cipher = createTokenCipher(keyring);
  const keyOf = (memberId: string, provider: ConnectionProvider): string =>
    `${prefix}:member-connection:{${memberId}}:${provider}`;
  const aadOf = (memberId: string, provider: ConnectionProvider): string => `${memberId}|${provider}`;
  // Every connection's `<memberId> <provider>`, so the list needs no SCAN (which on a cluster sees
  // one node only). Bounded by members × providers; remove takes an entry out.
  const indexKey = `${prefix}:member-connections`;
  const indexEntry = (memberId: string, provider: ConnectionProvider): string =>
    `${memberId}${INDEX_SEPARATOR}${provider}`;

  const sealTokens = (memberId: string, provider: ConnectionProvider, tokens: ConnectionTokens): string => {
    const pair: SecretPair = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
    return cipher.encrypt(JSON.stringify(pair), aadOf(memberId, provider));
  };

  const readSummary = (
    memberId: string,
    provider: ConnectionProvider,
    fields: Record<string, string>,
  ): MemberConnectionSummary | null => {
    const state = fields['state'];
    if (!isState(state)) return null;
    return {
      memberId,
      provider,
      state,
      scope: fields['scope'] ?? null,
      providerUserId: fields['providerUserId'] || null,
      expiresAt: fields['expiresAt'] ?? null,
      lastError: parseError(fields['lastError']),
      updatedAt: fields['updatedAt'] ?? '',
      connectedAt: fields['connectedAt'] ?? null,
      tokensUpdatedAt: fields['tokensUpdatedAt'] ?? null,
    };
  };

  const mark = async (
    memberId: string,
    provider: ConnectionProvider,
    state: 'broken' | 'revoked',
    error: Omit<ConnectionError, 'at'> | null,
  ): Promise<boolean> => {
    const at = now().toISOString();
    const lastError = error ? JSON.stringify({ code: error.code, message: error.message, at }) : '';
    const applied = await MARK_SCRIPT.run(
      redis,
      [keyOf(memberId, provider)],
      [state, lastError, at, state === 'revoked' ? '1' : '0'],
    );
    return applied === 1;
  };

  return {
    get: async (memberId, provider) => {
      const fields = await redis.hgetall(keyOf(memberId, provider));
      const summary = readSummary(memberId, provider, fields);
      if (!summary) return null;
      const blob = fields['tokens'];
      let tokens: ConnectionTokens | null = null;
      if (blob && summary.state !== 'revoked') {
        const pair = JSON.parse(cipher.decrypt(blob, aadOf(memberId, provider))) as SecretPair;
        tokens = {
          accessToken: pair.accessToken,
          refreshToken: pair.refreshToken,
          expiresAt: summary.expiresAt ?? new Date(0).toISOString(),
          scope: summary.scope ?? '',
          providerUserId: summary.providerUserId,
        };
      }
      return {
        memberId,
        provider,
        state: summary.state,
        tokens,
        lastError: summary.lastError,
        updatedAt: summary.updatedAt,
      };
    },

    getSummary: async (memberId, provider) =>
      readSummary(memberId, provider, await redis.hgetall(keyOf(memberId, provider))),

    connect: async (memberId, provider, tokens) => {
      const at = now().toISOString();
      // Indexed first: a connection is never in Redis without its entry in the list's index.
      await redis.sadd(indexKey, indexEntry(memberId, provider));
      // One script: a reconnect replaces the whole record (state, tokens, last error) at once.
      await CONNECT_SCRIPT.run(
        redis,
        [keyOf(memberId, provider)],
        [
          'state',
          'connected',
          'tokens',
          sealTokens(memberId, provider, tokens),
          'expiresAt',
          tokens.expiresAt,
          'scope',
          tokens.scope,
          'providerUserId',
          tokens.providerUserId ?? '',
          'updatedAt',
          at,
          'connectedAt',
          at,
          'tokensUpdatedAt',
          at,
        ],
      );
    },

    saveTokens: async (memberId, provider, tokens) => {
      const applied = await SAVE_TOKENS_SCRIPT.run(
        redis,
        [keyOf(memberId, provider)],
        [
          sealTokens(memberId, provider, tokens),
          tokens.expiresAt,
          tokens.scope,
          tokens.providerUserId ?? '',
          now().toISOString(),
        ],
      );
      return applied === 1;
    },

    markBroken: (memberId, provider, error) => mark(memberId, provider, 'broken', error),

    markRevoked: (memberId, provider, error) => mark(memberId, provider, 'revoked', error ?? null),

    remove: async (memberId, provider) => {
      // Unindexed first: a connect racing this one indexes itself again before it writes.
      await redis.srem(indexKey, indexEntry(memberId, provider));
      await redis.del(keyOf(memberId, provider));
    },

    list: async ({ memberId } = {}) => {
      const found: { memberId: string; provider: ConnectionProvider }[] =
        memberId === undefined
          ? (await redis.smembers(indexKey)).flatMap((entry) => {
              const cut = entry.lastIndexOf(INDEX_SEPARATOR);
              const provider = entry.slice(cut + 1);
              return isProvider(provider) ? [{ memberId: entry.slice(0, cut), provider }] : [];
            })
          : connectionProviders.map((provider) => ({ memberId, provider }));
      found.sort((a, b) =>
        a.memberId === b.memberId
          ? connectionProviders.indexOf(a.provider) - connectionProviders.indexOf(b.provider)
          : a.memberId < b.memberId
            ? -1
            : 1,
      );
      // One read per connection: on a cluster each member's keys live on the node of its own slot.
      const records = await Promise.all(
        found.map((entry) => redis.hgetall(keyOf(entry.memberId, entry.provider))),
      );
      return found.flatMap(({ memberId: member, provider }, index) => {
        const summary = readSummary(member, provider, records[index] ?? {});
        return summary ? [summary] : [];
      });
    },
  };
};

/**
 * Members' own connections, when TOKEN_ENCRYPTION_KEY gives a keyring to decrypt them (loadConfig
 * has already checked it); null without one: then only app-wide credentials can serve a host.
 */
export const memberConnectionsFromKey = (
  redis: RedisClient,
  prefix: string,
  tokenEncryptionKey: string | undefined,
): MemberConnectionStore | null =>
  tokenEncryptionKey
    ? createRedisMemberConnectionStore({ redis, prefix, keyring: parseTokenKeyring(tokenEncryptionKey) })
    : null;
