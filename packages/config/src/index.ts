// Env parsing for every app: one zod schema per app, parsed once at start-up, every problem listed.
import { z } from 'zod';
import { parseTokenKeyring } from './token-keyring';

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses `env` with `schema`; throws one ConfigError naming every missing or bad variable. */
export const parseEnv = <S extends z.ZodType>(
  schema: S,
  env: Record<string, string | undefined>,
): z.infer<S> => {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`),
  );
};

/** For an app's main.ts: a bad configuration ends the process with the list of problems, no stack. */
export const loadOrExit = <T>(load: () => T): T => {
  try {
    return load();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return process.exit(1);
  }
};

/** An optional variable: unset, empty and blank all read as undefined; a value is trimmed. */
export const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

/** Shared fragments; apps compose their own schema from these. */
export const redisUrl = z
  .string()
  .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
  .describe('Redis connection URL');

/**
 * `host:port,host:port,…`: some nodes of a Redis Cluster (the client finds the rest). Set instead of
 * REDIS_URL to run on a cluster.
 */
export const redisClusterNodes = optionalString.transform((value, ctx) => {
  if (value === undefined) return undefined;
  const nodes: { host: string; port: number }[] = [];
  for (const item of value.split(',').map((part) => part.trim())) {
    const match = /^(.+):(\d{1,5})$/.exec(item);
    const port = match ? Number(match[2]) : NaN;
    if (!match || port < 1 || port > 65_535) {
      ctx.addIssue({ code: 'custom', message: `"${item}" is not host:port` });
      return z.NEVER;
    }
    nodes.push({ host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port });
  }
  return nodes;
});

/** Every app needs one of REDIS_URL and REDIS_CLUSTER_NODES: add to an app's schema with superRefine. */
export const requireRedisTarget = (
  config: { REDIS_URL?: string | undefined; REDIS_CLUSTER_NODES?: readonly unknown[] | undefined },
  ctx: z.RefinementCtx,
): void => {
  if (config.REDIS_URL !== undefined && config.REDIS_CLUSTER_NODES !== undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['REDIS_CLUSTER_NODES'],
      message: 'set REDIS_URL (one Redis) or REDIS_CLUSTER_NODES (a Redis Cluster), not both',
    });
  if (config.REDIS_URL === undefined && config.REDIS_CLUSTER_NODES === undefined)
    ctx.addIssue({
      code: 'custom',
      path: ['REDIS_URL'],
      message: 'required (a redis:// URL), unless REDIS_CLUSTER_NODES names a Redis Cluster',
    });
};

export const logLevel = z
  .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  .default('info');
export const logFormat = z.enum(['json', 'pretty']).optional();

/** Prefix for every Redis key the pipeline writes (BullMQ queues and booking state). */
export const keyPrefix = z
  .string()
  .regex(/^[A-Za-z0-9_{}-]+$/, 'letters, digits, "_", "-" and braces only')
  .default('meetlink');

export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** Every Redis key of a booking expires this many days after the booking ends (every app writes them). */
export const bookingRetentionDays = z.coerce.number().positive().default(30);

export const commonEnv = {
  /** One Redis; or REDIS_CLUSTER_NODES for a cluster (each app's schema requires one: requireRedisTarget). */
  REDIS_URL: redisUrl.optional(),
  REDIS_CLUSTER_NODES: redisClusterNodes,
  REDIS_PREFIX: keyPrefix,
  LOG_LEVEL: logLevel,
  LOG_FORMAT: logFormat,
  SHUTDOWN_TIMEOUT_MS: positiveInt(25_000),
  /** OTLP/HTTP collector (`http://collector:4318`); traces go to its /v1/traces. Unset: tracing off. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  BOOKING_RETENTION_DAYS: bookingRetentionDays,
};

export const workerEnv = {
  ...commonEnv,
  /** Jobs one worker process runs at once. */
  WORKER_CONCURRENCY: positiveInt(5),
  /** How long transient failures of a step are retried (default: the catalog's, a day); drills scale it down. */
  RETRY_HORIZON_MS: z.coerce.number().int().positive().optional(),
  /** The longest wait between two tries (default: the catalog's, 5 minutes). */
  RETRY_MAX_BACKOFF_MS: z.coerce.number().int().positive().optional(),
  /** /healthz, /readyz and /metrics on this port (0: any free one, logged); unset: none. */
  OPS_PORT: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce.number().int().min(0).max(65_535).optional(),
  ),
  /** The ops port's address (default all interfaces, for the orchestrator's probes). */
  OPS_HOST: z.string().min(1).default('0.0.0.0'),
  /**
   * At most this many jobs start per WORKER_RATE_LIMIT_DURATION_MS on each queue this worker
   * consumes, over all its replicas (BullMQ's limiter lives in Redis): e.g. the Zoom account's
   * per-second limit for the conference worker. Unset: no cap of ours; vendors' 429s pace the queue.
   */
  WORKER_RATE_LIMIT_MAX: z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? undefined : v),
    z.coerce.number().int().positive().optional(),
  ),
  WORKER_RATE_LIMIT_DURATION_MS: positiveInt(1_000),
  /**
   * How long a job's lock lives unrenewed, and how often stalled jobs are looked for: a replica that
   * dies mid-job has its jobs taken over after one to two of these.
   */
  WORKER_LOCK_DURATION_MS: positiveInt(30_000),
};

/**
 * What a worker needs to email a host a reconnect link when their connection is missing or dead
 * (all optional: without them the failure is only in the booking status).
 */
export const reconnectNoticeEnv = {
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Meetlink <no-reply@meetlink.local>'),
  /** Where the intake API (and its /connect routes) is reachable from a browser. */
  PUBLIC_BASE_URL: z.url().optional(),
  /** Comma-separated HMAC secrets of connect links; the first signs. */
  CONNECT_LINK_SECRET: z.string().min(32).optional(),
};

/** Splits a comma-separated secret list; the first one signs. */
export const parseSecretList = (value: string): string[] =>
  value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** Comma-separated secrets, each long enough to be a key; the first one signs. Undefined when unset. */
export const secretList = (minLength: number) =>
  optionalString.transform((value, ctx) => {
    if (value === undefined) return undefined;
    const secrets = parseSecretList(value);
    secrets.forEach((secret, index) => {
      if (secret.length < minLength)
        ctx.addIssue({
          code: 'custom',
          message: `secret #${index + 1} must be at least ${minLength} characters`,
        });
    });
    return secrets.length ? secrets : undefined;
  });

/**
 * TOKEN_ENCRYPTION_KEY, `id:base64(32 bytes)[,older…]`, checked as a key ring at start-up (a bad key
 * is a listed configuration error); the value stays the string, parse it with parseTokenKeyring.
 */
export const tokenKeyring = optionalString.superRefine((value, ctx) => {
  if (value === undefined) return;
  try {
    parseTokenKeyring(value);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message });
  }
});

export type { TokenKey, TokenKeyring } from './token-keyring';
export { parseTokenKeyring } from './token-keyring';

/** Zoom's API and OAuth hosts and the two apps (Server-to-Server, user OAuth): intake and conference. */
export const zoomEnv = {
  ZOOM_API_BASE_URL: z.url().default('https://api.zoom.us/v2'),
  ZOOM_OAUTH_BASE_URL: z.url().default('https://zoom.us'),
  /** Server-to-Server OAuth app: the admin connects the whole account once. */
  ZOOM_ACCOUNT_ID: optionalString,
  ZOOM_CLIENT_ID: optionalString,
  ZOOM_CLIENT_SECRET: optionalString,
  /** The user-OAuth app whose tokens members' own connections hold, when it is not the app above. */
  ZOOM_USER_CLIENT_ID: optionalString,
  ZOOM_USER_CLIENT_SECRET: optionalString,
};

/** Google Calendar's hosts and the OAuth client of members' own Google connections. */
export const googleEnv = {
  GOOGLE_API_ROOT_URL: z.url().default('https://www.googleapis.com/'),
  GOOGLE_OAUTH_TOKEN_URL: z.url().default('https://oauth2.googleapis.com/token'),
  GOOGLE_CLIENT_ID: optionalString,
  GOOGLE_CLIENT_SECRET: optionalString,
};

/** Microsoft Graph's hosts and the Microsoft app (client credentials and members' connections). */
export const microsoftEnv = {
  GRAPH_BASE_URL: z.url().default('https://graph.microsoft.com/v1.0'),
  MS_AUTHORITY_HOST: z.url().default('https://login.microsoftonline.com'),
  MS_TENANT_ID: optionalString,
  MS_CLIENT_ID: optionalString,
  MS_CLIENT_SECRET: optionalString,
};
