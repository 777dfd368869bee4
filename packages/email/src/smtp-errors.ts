// SMTP failures mapped to ours, once: what may pass on a later try (no connection, 4xx) retries;
// what the server refused for good (5xx) stops.
import { PermanentError, RetryableError } from '@meetlink/errors';

/** The fields nodemailer puts on its errors. */
interface SmtpErrorFields {
  code?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
  message?: unknown;
}

/** nodemailer's codes for a connection that failed, timed out or went away. */
const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ETLS',
  'EPROXY',
  'ECONNREFUSED',
  'ECONNRESET',
]);
/** Failures without a reply code that no retry will fix: our credentials or our envelope. */
const PERMANENT_CODES = new Set(['EAUTH', 'ENOAUTH', 'EENVELOPE', 'ECONFIG', 'EREQUIRETLS']);

const fieldsOf = (error: unknown): SmtpErrorFields =>
  typeof error === 'object' && error !== null ? error : {};

export const mapSmtpError = (error: unknown): RetryableError | PermanentError => {
  if (error instanceof RetryableError || error instanceof PermanentError) return error;
  const fields = fieldsOf(error);
  const code = typeof fields.code === 'string' ? fields.code : undefined;
  const responseCode = typeof fields.responseCode === 'number' ? fields.responseCode : undefined;
  const response = typeof fields.response === 'string' ? fields.response : undefined;
  const command = typeof fields.command === 'string' ? fields.command : undefined;
  const message = typeof fields.message === 'string' ? fields.message : String(error);
  // The server's reply and the command it answered; never the SMTP URL, which may hold a password.
  const providerResponse = { code, responseCode, response, command };
  const details = { providerResponse, cause: error };
  if (responseCode !== undefined && responseCode >= 500 && responseCode < 600) {
    return new PermanentError(
      'smtp_rejected',
      `The SMTP server rejected the message: ${response ?? message}`,
      details,
    );
  }
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 500) {
    return new RetryableError(
      'smtp_unavailable',
      `The SMTP server deferred the message: ${response ?? message}`,
      details,
    );
  }
  if (code !== undefined && PERMANENT_CODES.has(code)) {
    return new PermanentError('smtp_rejected', `SMTP failed for good: ${message}`, details);
  }
  const reason = code !== undefined && CONNECTION_CODES.has(code) ? 'SMTP server unreachable' : 'SMTP failed';
  return new RetryableError('smtp_unavailable', `${reason}: ${message}`, details);
};
