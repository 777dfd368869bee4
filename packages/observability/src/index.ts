// Logging for every process (pino, secrets redacted once here, pretty in a terminal, JSON otherwise),
// and the face of the metrics and traces every process shares.
import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger } from 'pino';
export * from './metrics';
export * from './observe-fetch';
export * from './prometheus-text';
export * from './tracing';

/** Paths pino censors wherever they appear in a log record (one and two levels deep). */
export const REDACT_PATHS: readonly string[] = [
  'authorization',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["webhook-signature"]',
  'headers.authorization',
  'headers["webhook-signature"]',
  'req.headers["x-zm-signature"]',
  'headers["x-zm-signature"]',
  'headers.cookie',
  ...[
    'token',
    'accessToken',
    'access_token',
    'refreshToken',
    'refresh_token',
    'idToken',
    'id_token',
    'encryptedToken',
    'password',
    'passcode',
    'secret',
    'clientSecret',
    'client_secret',
    'html',
    'text',
    'emailBody',
  ].flatMap((key) => [key, `*.${key}`]),
];

export interface LoggerOptions {
  name: string;
  level?: string;
  /** `pretty` for people, `json` for machines; by default pretty only when stdout is a terminal. */
  format?: 'json' | 'pretty' | undefined;
  /** For tests: write JSON lines here instead of stdout. */
  destination?: pino.DestinationStream;
}

export const createLogger = ({ name, level = 'info', format, destination }: LoggerOptions): Logger => {
  const options: pino.LoggerOptions = {
    name,
    level,
    redact: { paths: [...REDACT_PATHS], censor: '[redacted]' },
    base: { service: name },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  if (destination) return pino(options, destination);
  const isPretty = format === 'pretty' || (format === undefined && process.stdout.isTTY === true);
  if (isPretty) {
    return pino({
      ...options,
      transport: {
        target: 'pino-pretty',
        options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' },
      },
    });
  }
  return pino(options);
};
