import { Webhook } from 'standardwebhooks';
import {
  generateSecret,
  signWebhook,
  verifyWebhook,
  verifyWebhookSigner,
  WebhookVerificationError,
} from './signing';

// The Standard Webhooks specification's published test vector.
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

const codeOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    if (error instanceof WebhookVerificationError) return error.code;
    throw error;
  }
  return 'verified';
};

describe('signWebhook / verifyWebhook', () => {
  it('reproduces the specification test vector', () => {
    expect(signWebhook(VECTOR)['webhook-signature']).toBe(VECTOR.signature);
  });

  it('verifies the test vector at its own time', () => {
    const headers = {
      'webhook-id': VECTOR.id,
      'webhook-timestamp': String(VECTOR.timestamp),
      'webhook-signature': VECTOR.signature,
    };
    expect(
      verifyWebhook({ secrets: [VECTOR.secret], headers, body: VECTOR.body, now: VECTOR.timestamp }),
    ).toBe(VECTOR.id);
  });

  it('agrees with the official standardwebhooks package both ways', () => {
    const secret = generateSecret();
    const official = new Webhook(secret);
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify({ hello: 'wörld' });
    const theirs = official.sign('msg_1', new Date(now * 1000), body);
    const headers = { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now), 'webhook-signature': theirs };
    expect(verifyWebhook({ secrets: [secret], headers, body, now })).toBe('msg_1');
    const ours = signWebhook({ secret, id: 'msg_2', timestamp: now, body });
    expect(official.verify(body, { ...ours })).toEqual({ hello: 'wörld' });
  });

  it('accepts any of several secrets during rotation, and one signature among several', () => {
    const [oldSecret, newSecret] = [generateSecret(), generateSecret()];
    const now = 1_800_000_000;
    const signed = signWebhook({ secret: oldSecret, id: 'm', timestamp: now, body: 'x' });
    const headers = { ...signed, 'webhook-signature': `v1,AAAA ${signed['webhook-signature']}` };
    expect(verifyWebhook({ secrets: [newSecret, oldSecret], headers, body: 'x', now })).toBe('m');
    expect(codeOf(() => verifyWebhook({ secrets: [newSecret], headers, body: 'x', now }))).toBe(
      'invalid_signature',
    );
  });

  it('tells which of the accepted secrets signed', () => {
    const secrets = [generateSecret(), generateSecret(), generateSecret()];
    const now = 1_800_000_000;
    const headers = signWebhook({ secret: secrets[1]!, id: 'msg_s', timestamp: now, body: 'x' });
    expect(verifyWebhookSigner({ secrets, headers, body: 'x', now })).toEqual({
      webhookId: 'msg_s',
      secretIndex: 1,
    });
    expect(codeOf(() => verifyWebhookSigner({ secrets, headers, body: 'y', now }))).toBe('invalid_signature');
  });

  it('refuses a changed body, a missing header and a timestamp outside five minutes', () => {
    const secret = generateSecret();
    const now = 1_800_000_000;
    const headers = signWebhook({ secret, id: 'm', timestamp: now, body: '{"a":1}' });
    expect(codeOf(() => verifyWebhook({ secrets: [secret], headers, body: '{"a":2}', now }))).toBe(
      'invalid_signature',
    );
    expect(
      codeOf(() =>
        verifyWebhook({
          secrets: [secret],
          headers: { ...headers, 'webhook-id': undefined },
          body: '{"a":1}',
          now,
        }),
      ),
    ).toBe('missing_signature_headers');
    expect(codeOf(() => verifyWebhook({ secrets: [secret], headers, body: '{"a":1}', now: now + 301 }))).toBe(
      'timestamp_out_of_window',
    );
    expect(codeOf(() => verifyWebhook({ secrets: [secret], headers, body: '{"a":1}', now: now - 301 }))).toBe(
      'timestamp_out_of_window',
    );
    expect(codeOf(() => verifyWebhook({ secrets: [secret], headers, body: '{"a":1}', now: now + 299 }))).toBe(
      'verified',
    );
    expect(
      codeOf(() =>
        verifyWebhook({
          secrets: [secret],
          headers: { ...headers, 'webhook-timestamp': '12abc' },
          body: '{"a":1}',
          now,
        }),
      ),
    ).toBe('invalid_timestamp');
  });
});
