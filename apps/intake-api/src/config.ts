import { z } from 'zod';
import {
  commonEnv,
  optionalString as optional,
  parseEnv,
  requireRedisTarget,
  positiveInt,
  secretList,
  tokenKeyring,
  zoomEnv,
  googleEnv,
  microsoftEnv,
} from '@meetlink/config';
import { decodeSecret } from '@meetlink/events';
import { DEFAULT_RATE_LIMITS } from './rate-limit';

const webhookSecrets = z
  .string()
  .min(1)
  .transform((value) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .superRefine((secrets, ctx) => {
    secrets.forEach((secret, index) => {
      try {
        decodeSecret(secret);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `secret #${index + 1}: ${(error as Error).message}` });
      }
    });
  });

/** Express's `trust proxy`: false (default), true, a hop count, or addresses/subnets ('loopback, 10.0.0.0/8'). */
const trustProxy = z
  .string()
  .optional()
  .transform((value): boolean | number | string => {
    const v = value?.trim() ?? '';
    if (v === '' || v === 'false') return false;
    if (v === 'true') return true;
    return /^\d+$/.test(v) ? Number(v) : v;
  });

export const IntakeConfig = z
  .object({
    ...commonEnv,
    PORT: positiveInt(3000),
    HOST: z.string().default('0.0.0.0'),
    /** Comma-separated `whsec_…` secrets; every one is accepted, so a secret can be rotated. */
    WEBHOOK_SECRETS: webhookSecrets,
    /** Bearer token for the status and admin endpoints. */
    ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters'),
    /** Optional HTTP Basic credentials for the same surfaces (handy in a browser for /connect). */
    ADMIN_USER: optional,
    ADMIN_PASSWORD: optional.refine(
      (v) => v === undefined || v.length >= 16,
      'must be at least 16 characters',
    ),
    /** Largest accepted request body. */
    MAX_BODY_BYTES: positiveInt(256 * 1024),
    /** Where browsers reach this API (connect links and OAuth redirect URIs); default http://localhost:PORT. */
    PUBLIC_BASE_URL: z.url().optional(),
    /**
     * HMAC key(s) for signed connect links and OAuth state; comma-separated, the first signs. Unset:
     * the /connect flows are off (501), as for an account-level-only deployment.
     */
    CONNECT_LINK_SECRET: secretList(32),
    /** How long a connect link an admin asks for stays good (seconds). */
    CONNECT_LINK_TTL_SECONDS: positiveInt(3600),
    /** `id:base64(32 bytes)[,older…]`: members' tokens are encrypted with it (the workers use the same). */
    TOKEN_ENCRYPTION_KEY: tokenKeyring,
    TRUST_PROXY: trustProxy,
    /** Correctly signed events a minute per signing secret (never per address). */
    RATE_LIMIT_EVENTS_PER_MINUTE: positiveInt(DEFAULT_RATE_LIMITS.events),
    /** Requests to /v1/events a minute that fail verification, per client IP. */
    RATE_LIMIT_UNVERIFIED_PER_MINUTE: positiveInt(DEFAULT_RATE_LIMITS.unverified),
    /** Requests per client IP per minute on /webhooks and /connect. */
    RATE_LIMIT_WEBHOOKS_PER_MINUTE: positiveInt(DEFAULT_RATE_LIMITS.webhooks),
    RATE_LIMIT_CONNECT_PER_MINUTE: positiveInt(DEFAULT_RATE_LIMITS.connect),

    // Zoom: the user-OAuth app members connect (ZOOM_USER_CLIENT_ID, or ZOOM_CLIENT_ID when there is
    // no Server-to-Server account); its webhook secret token.
    /** The app's Secret Token (Event Subscriptions); comma-separated while rotating. */
    ZOOM_WEBHOOK_SECRET_TOKEN: secretList(8),
    ...zoomEnv,
    ...googleEnv,
    ...microsoftEnv,
    GOOGLE_OAUTH_AUTHORIZE_URL: z.url().default('https://accounts.google.com/o/oauth2/v2/auth'),
  })
  .superRefine(requireRedisTarget)
  .superRefine(
    (c, ctx) => {
      const pairs: [string, string | undefined, string, string | undefined][] = [
        ['ADMIN_USER', c.ADMIN_USER, 'ADMIN_PASSWORD', c.ADMIN_PASSWORD],
        ['ZOOM_USER_CLIENT_ID', c.ZOOM_USER_CLIENT_ID, 'ZOOM_USER_CLIENT_SECRET', c.ZOOM_USER_CLIENT_SECRET],
        ['GOOGLE_CLIENT_ID', c.GOOGLE_CLIENT_ID, 'GOOGLE_CLIENT_SECRET', c.GOOGLE_CLIENT_SECRET],
        ['MS_CLIENT_ID', c.MS_CLIENT_ID, 'MS_CLIENT_SECRET', c.MS_CLIENT_SECRET],
      ];
      for (const [a, av, b, bv] of pairs) {
        if ((av === undefined) !== (bv === undefined))
          ctx.addIssue({
            code: 'custom',
            path: [av === undefined ? a : b],
            message: `${a} and ${b} go together`,
          });
      }
      if (c.CONNECT_LINK_SECRET && !c.TOKEN_ENCRYPTION_KEY) {
        ctx.addIssue({
          code: 'custom',
          path: ['TOKEN_ENCRYPTION_KEY'],
          message: "is required with CONNECT_LINK_SECRET: connected members' tokens are stored encrypted",
        });
      }
      // Run even when a field failed on its own, so one start-up lists every problem.
    },
    { when: () => true },
  );
export type IntakeConfig = z.infer<typeof IntakeConfig>;

export interface OAuthApp {
  provider: 'zoom' | 'google' | 'microsoft';
  clientId: string;
  clientSecret: string;
}

/**
 * The OAuth apps members connect through. Zoom's is ZOOM_USER_CLIENT_ID, or ZOOM_CLIENT_ID when no
 * ZOOM_ACCOUNT_ID makes that one a Server-to-Server app (account-level mode needs no member flow).
 */
export const oauthApps = (c: {
  ZOOM_ACCOUNT_ID?: string | undefined;
  ZOOM_CLIENT_ID?: string | undefined;
  ZOOM_CLIENT_SECRET?: string | undefined;
  ZOOM_USER_CLIENT_ID?: string | undefined;
  ZOOM_USER_CLIENT_SECRET?: string | undefined;
  GOOGLE_CLIENT_ID?: string | undefined;
  GOOGLE_CLIENT_SECRET?: string | undefined;
  MS_CLIENT_ID?: string | undefined;
  MS_CLIENT_SECRET?: string | undefined;
}): OAuthApp[] => {
  const apps: OAuthApp[] = [];
  if (c.ZOOM_USER_CLIENT_ID && c.ZOOM_USER_CLIENT_SECRET)
    apps.push({ provider: 'zoom', clientId: c.ZOOM_USER_CLIENT_ID, clientSecret: c.ZOOM_USER_CLIENT_SECRET });
  else if (!c.ZOOM_ACCOUNT_ID && c.ZOOM_CLIENT_ID && c.ZOOM_CLIENT_SECRET)
    apps.push({ provider: 'zoom', clientId: c.ZOOM_CLIENT_ID, clientSecret: c.ZOOM_CLIENT_SECRET });
  if (c.GOOGLE_CLIENT_ID && c.GOOGLE_CLIENT_SECRET)
    apps.push({ provider: 'google', clientId: c.GOOGLE_CLIENT_ID, clientSecret: c.GOOGLE_CLIENT_SECRET });
  if (c.MS_CLIENT_ID && c.MS_CLIENT_SECRET)
    apps.push({ provider: 'microsoft', clientId: c.MS_CLIENT_ID, clientSecret: c.MS_CLIENT_SECRET });
  return apps;
};

export const loadConfig = (env: Record<string, string | undefined> = process.env): IntakeConfig =>
  parseEnv(IntakeConfig, env);
