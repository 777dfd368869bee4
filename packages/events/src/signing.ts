// Standard Webhooks (https://www.standardwebhooks.com) signing and verification.
// Upstream systems use signWebhook to send events; the intake API uses verifyWebhook.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SECRET_PREFIX = 'whsec_';
export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;

export interface WebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

export type WebhookVerificationCode =
  'missing_signature_headers' | 'invalid_timestamp' | 'timestamp_out_of_window' | 'invalid_signature';

export class WebhookVerificationError extends Error {
  constructor(
    readonly code: WebhookVerificationCode,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookVerificationError';
  }
}

/** Decodes a `whsec_<base64>` secret into its key bytes; throws on anything else. */
export const decodeSecret = (secret: string): Buffer => {
  const trimmed = secret.trim();
  if (!trimmed.startsWith(SECRET_PREFIX)) {
    throw new Error(`webhook secret must start with "${SECRET_PREFIX}"`);
  }
  const encoded = trimmed.slice(SECRET_PREFIX.length);
  const key = Buffer.from(encoded, 'base64');
  if (key.length < 16 || key.toString('base64').replace(/=+$/, '') !== encoded.replace(/=+$/, '')) {
    throw new Error('webhook secret must be base64 of at least 16 bytes after its prefix');
  }
  return key;
};

/** A fresh `whsec_` secret with 32 random bytes. */
export const generateSecret = (): string => SECRET_PREFIX + randomBytes(32).toString('base64');

const computeSignature = (key: Buffer, id: string, timestamp: string, body: Buffer | string): Buffer =>
  createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();

export interface SignInput {
  secret: string;
  id: string;
  /** Unix seconds. */
  timestamp: number;
  body: Buffer | string;
}

/** The three headers to send with `body`. */
export const signWebhook = ({ secret, id, timestamp, body }: SignInput): WebhookHeaders => {
  const ts = String(Math.floor(timestamp));
  const signature = computeSignature(decodeSecret(secret), id, ts, body).toString('base64');
  return { 'webhook-id': id, 'webhook-timestamp': ts, 'webhook-signature': `v1,${signature}` };
};

export interface VerifyInput {
  /** Every secret currently accepted (more than one while a secret is rotated). */
  secrets: readonly string[];
  headers: Partial<Record<keyof WebhookHeaders, string | undefined>>;
  /** The raw request bytes, exactly as received. */
  body: Buffer | string;
  /** Unix seconds, from the caller's clock. */
  now: number;
  toleranceSeconds?: number;
}

export interface VerifiedWebhook {
  webhookId: string;
  /** Which of `secrets` the signature matched (the first that does), e.g. to keep a budget per sender. */
  secretIndex: number;
}

/** As verifyWebhook, and tells which secret signed; throws WebhookVerificationError otherwise. */
export const verifyWebhookSigner = ({
  secrets,
  headers,
  body,
  now,
  toleranceSeconds = DEFAULT_TOLERANCE_SECONDS,
}: VerifyInput): VerifiedWebhook => {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatureHeader = headers['webhook-signature'];
  if (!id || !timestamp || !signatureHeader) {
    throw new WebhookVerificationError(
      'missing_signature_headers',
      'webhook-id, webhook-timestamp and webhook-signature headers are required',
    );
  }
  if (!/^\d{1,15}$/.test(timestamp)) {
    throw new WebhookVerificationError('invalid_timestamp', 'webhook-timestamp must be Unix seconds');
  }
  const skew = now - Number(timestamp);
  if (Math.abs(skew) > toleranceSeconds) {
    throw new WebhookVerificationError(
      'timestamp_out_of_window',
      `webhook-timestamp is ${skew > 0 ? 'older' : 'newer'} than the ${toleranceSeconds}s tolerance`,
    );
  }
  const offered = signatureHeader
    .split(' ')
    .filter((part) => part.startsWith('v1,'))
    .map((part) => Buffer.from(part.slice(3), 'base64'));
  for (const [secretIndex, secret] of secrets.entries()) {
    const expected = computeSignature(decodeSecret(secret), id, timestamp, body);
    for (const candidate of offered) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) {
        return { webhookId: id, secretIndex };
      }
    }
  }
  throw new WebhookVerificationError('invalid_signature', 'no webhook-signature matches an accepted secret');
};

/** Returns the verified `webhook-id`; throws WebhookVerificationError otherwise. */
export const verifyWebhook = (input: VerifyInput): string => verifyWebhookSigner(input).webhookId;
