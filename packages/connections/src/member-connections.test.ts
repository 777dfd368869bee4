import { randomBytes } from 'node:crypto';
import { parseTokenKeyring } from '@meetlink/config';
import { errorThrownBy } from '@meetlink/fakes';
import { TokenDecryptionError, createTokenCipher } from './member-connections';

const key = (): string => randomBytes(32).toString('base64');

const decryptError = (fn: () => unknown): TokenDecryptionError => errorThrownBy(fn, TokenDecryptionError);

describe('parseTokenKeyring', () => {
  it('reads id:key entries, the first one current', () => {
    const [a, b] = [key(), key()];
    const ring = parseTokenKeyring(`k2:${a}, k1:${b}`);
    expect(ring.current.id).toBe('k2');
    expect(ring.current.key.equals(Buffer.from(a, 'base64'))).toBe(true);
    expect(ring.previous.map((k) => k.id)).toEqual(['k1']);
  });

  it('gives a bare key a stable id derived from the key', () => {
    const bare = key();
    expect(parseTokenKeyring(bare).current.id).toMatch(/^[0-9a-f]{12}$/);
    expect(parseTokenKeyring(bare).current.id).toBe(parseTokenKeyring(bare).current.id);
  });

  it('refuses keys that are not 32 bytes, bad ids, duplicates and nothing at all', () => {
    expect(() => parseTokenKeyring(randomBytes(16).toString('base64'))).toThrow(/32 bytes/);
    expect(() => parseTokenKeyring(`bad.id:${key()}`)).toThrow(/key id/);
    const same = key();
    expect(() => parseTokenKeyring(`a:${same},a:${key()}`)).toThrow(/unique/);
    expect(() => parseTokenKeyring(' , ')).toThrow(/no key/);
  });

  it('never puts the key in its error messages', () => {
    const short = randomBytes(31).toString('base64');
    let message = '';
    try {
      parseTokenKeyring(short);
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).toMatch(/32 bytes/);
    expect(message).not.toContain(short);
  });
});

describe('createTokenCipher', () => {
  const ring = parseTokenKeyring(`new:${key()},old:${key()}`);
  const oldOnly = { current: ring.previous[0]!, previous: [] };

  it('round-trips with AES-256-GCM under the current key, a fresh IV each time', () => {
    const cipher = createTokenCipher(ring);
    const a = cipher.encrypt('secret-token', 'm1|zoom');
    const b = cipher.encrypt('secret-token', 'm1|zoom');
    expect(a).not.toBe(b);
    expect(a).not.toContain('secret-token');
    expect(cipher.keyIdOf(a)).toBe('new');
    expect(cipher.decrypt(a, 'm1|zoom')).toBe('secret-token');
  });

  it('reads what an older key wrote, after a rotation', () => {
    const written = createTokenCipher(oldOnly).encrypt('t', 'm1|zoom');
    expect(createTokenCipher(ring).decrypt(written, 'm1|zoom')).toBe('t');
  });

  it('refuses a blob under an unknown key, another record, or tampered data', () => {
    const cipher = createTokenCipher(ring);
    const blob = cipher.encrypt('t', 'm1|zoom');
    expect(
      decryptError(() => createTokenCipher(parseTokenKeyring(`other:${key()}`)).decrypt(blob, 'm1|zoom'))
        .message,
    ).toMatch(/"new", which is not configured/);
    expect(decryptError(() => cipher.decrypt(blob, 'm2|zoom')).message).toMatch(/failed authentication/);
    const parts = blob.split('.');
    const flipped = Buffer.from(parts[4]!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    parts[4] = flipped.toString('base64url');
    expect(() => cipher.decrypt(parts.join('.'), 'm1|zoom')).toThrow(TokenDecryptionError);
    expect(() => cipher.decrypt('plain-text', 'm1|zoom')).toThrow(/known format/);
  });
});
