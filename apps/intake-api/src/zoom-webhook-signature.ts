// Zoom's webhook signature: x-zm-signature = `v0=` + hex HMAC-SHA256(secret token,
// `v0:{x-zm-request-timestamp}:{raw body}`), the timestamp in seconds. Checked on the raw bytes, in
// constant time, within a window around our clock, against every configured secret token (one while
// Zoom's is being rotated). The endpoint.url_validation answer uses the token that verified it.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const ZOOM_TIMESTAMP_TOLERANCE_S = 5 * 60;

export class ZoomSignatureError extends Error {
  constructor(
    readonly code: 'missing_signature_headers' | 'timestamp_out_of_window' | 'invalid_signature',
    message: string,
  ) {
    super(message);
    this.name = 'ZoomSignatureError';
  }
}

export interface VerifyZoomSignatureInput {
  secretTokens: readonly string[];
  signature: string | undefined;
  timestamp: string | undefined;
  body: Buffer;
  now: Date;
  toleranceSeconds?: number;
}

/** Answers the secret token that signed the request; throws ZoomSignatureError otherwise. */
export const verifyZoomSignature = ({
  secretTokens,
  signature,
  timestamp,
  body,
  now,
  toleranceSeconds = ZOOM_TIMESTAMP_TOLERANCE_S,
}: VerifyZoomSignatureInput): string => {
  if (!signature || !timestamp)
    throw new ZoomSignatureError(
      'missing_signature_headers',
      'x-zm-signature and x-zm-request-timestamp are required',
    );
  if (!/^\d{1,12}$/.test(timestamp))
    throw new ZoomSignatureError(
      'timestamp_out_of_window',
      'x-zm-request-timestamp is not a Unix time in seconds',
    );
  const skew = Math.abs(Math.floor(now.getTime() / 1000) - Number(timestamp));
  if (skew > toleranceSeconds)
    throw new ZoomSignatureError(
      'timestamp_out_of_window',
      `x-zm-request-timestamp is ${skew}s away from now (at most ${toleranceSeconds}s)`,
    );
  const given = /^v0=([0-9a-f]{64})$/i.exec(signature)?.[1];
  if (given) {
    const givenBytes = Buffer.from(given, 'hex');
    const message = Buffer.concat([Buffer.from(`v0:${timestamp}:`, 'utf8'), body]);
    for (const secret of secretTokens) {
      if (timingSafeEqual(givenBytes, createHmac('sha256', secret).update(message).digest())) return secret;
    }
  }
  throw new ZoomSignatureError('invalid_signature', 'x-zm-signature does not match the body');
};

/** endpoint.url_validation: encryptedToken = hex HMAC-SHA256(secret token, plainToken). */
export const answerUrlValidation = (
  secretToken: string,
  plainToken: string,
): { plainToken: string; encryptedToken: string } => ({
  plainToken,
  encryptedToken: createHmac('sha256', secretToken).update(plainToken).digest('hex'),
});
