import { createHmac } from 'node:crypto';
import { codeThrownBy } from '@meetlink/fakes';
import { ZoomSignatureError, answerUrlValidation, verifyZoomSignature } from './zoom-webhook-signature';

const now = new Date('2026-11-25T12:00:00Z');
const ts = String(Math.floor(now.getTime() / 1000));
const body = Buffer.from('{"event":"meeting.deleted","payload":{}}');
const sign = (secret: string, timestamp = ts, bytes = body) =>
  `v0=${createHmac('sha256', secret)
    .update(`v0:${timestamp}:${bytes.toString('utf8')}`)
    .digest('hex')}`;

const codeOf = (input: Parameters<typeof verifyZoomSignature>[0]): string =>
  codeThrownBy(() => verifyZoomSignature(input), ZoomSignatureError, 'accepted');

describe('verifyZoomSignature', () => {
  it('accepts v0=hex HMAC-SHA256(secret, v0:{timestamp}:{raw body}) and names the secret that signed', () => {
    expect(
      verifyZoomSignature({ secretTokens: ['old', 'new'], signature: sign('new'), timestamp: ts, body, now }),
    ).toBe('new');
  });

  it('accepts the signature in upper-case hex, and a timestamp at the edge of the window', () => {
    const edge = String(Number(ts) - 300);
    expect(
      codeOf({
        secretTokens: ['s'],
        signature: sign('s', edge).toUpperCase().replace('V0=', 'v0='),
        timestamp: edge,
        body,
        now,
      }),
    ).toBe('accepted');
  });

  it('refuses a missing header, a stale or future timestamp, a non-numeric one, and a wrong signature', () => {
    expect(codeOf({ secretTokens: ['s'], signature: undefined, timestamp: ts, body, now })).toBe(
      'missing_signature_headers',
    );
    expect(codeOf({ secretTokens: ['s'], signature: sign('s'), timestamp: undefined, body, now })).toBe(
      'missing_signature_headers',
    );
    const stale = String(Number(ts) - 301);
    expect(codeOf({ secretTokens: ['s'], signature: sign('s', stale), timestamp: stale, body, now })).toBe(
      'timestamp_out_of_window',
    );
    const ahead = String(Number(ts) + 301);
    expect(codeOf({ secretTokens: ['s'], signature: sign('s', ahead), timestamp: ahead, body, now })).toBe(
      'timestamp_out_of_window',
    );
    expect(codeOf({ secretTokens: ['s'], signature: sign('s'), timestamp: '1.5e9', body, now })).toBe(
      'timestamp_out_of_window',
    );
    expect(codeOf({ secretTokens: ['s'], signature: sign('other'), timestamp: ts, body, now })).toBe(
      'invalid_signature',
    );
    expect(codeOf({ secretTokens: ['s'], signature: sign('s').slice(0, -2), timestamp: ts, body, now })).toBe(
      'invalid_signature',
    );
    expect(
      codeOf({ secretTokens: ['s'], signature: sign('s').replace('v0=', 'v1='), timestamp: ts, body, now }),
    ).toBe('invalid_signature');
  });

  it('signs the raw bytes: the same JSON re-serialised does not verify', () => {
    const spaced = Buffer.from('{"event": "meeting.deleted", "payload": {}}');
    expect(codeOf({ secretTokens: ['s'], signature: sign('s'), timestamp: ts, body: spaced, now })).toBe(
      'invalid_signature',
    );
  });
});

describe('answerUrlValidation', () => {
  it('answers encryptedToken = hex HMAC-SHA256(secret token, plainToken)', () => {
    expect(answerUrlValidation('secret', 'qgg8vlvZRS6UYooatFL8Aw')).toEqual({
      plainToken: 'qgg8vlvZRS6UYooatFL8Aw',
      encryptedToken: createHmac('sha256', 'secret').update('qgg8vlvZRS6UYooatFL8Aw').digest('hex'),
    });
  });
});
