import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  optionalString as optional,
  parseEnv,
  requireRedisTarget,
  reconnectNoticeEnv,
  tokenKeyring,
  workerEnv,
  googleEnv,
  microsoftEnv,
} from '@meetlink/config';

const ServiceAccount = z.object({ client_email: z.email(), private_key: z.string().min(1) });

/** GOOGLE_SERVICE_ACCOUNT_JSON holds the key file's JSON, or a path to it. */
const serviceAccount = optional.transform((value, ctx) => {
  if (!value) return undefined;
  try {
    const json: unknown = JSON.parse(value.trim().startsWith('{') ? value : readFileSync(value, 'utf8'));
    return ServiceAccount.parse(json);
  } catch (error) {
    ctx.addIssue({
      code: 'custom',
      message: `not a service account key (JSON or a path to one): ${(error as Error).message}`,
    });
    return z.NEVER;
  }
});

export const Config = z
  .object({
    ...workerEnv,
    ...reconnectNoticeEnv,
    ...googleEnv,
    ...microsoftEnv,
    GOOGLE_SERVICE_ACCOUNT_JSON: serviceAccount,
    GOOGLE_SEND_UPDATES: z.enum(['all', 'externalOnly', 'none']).default('all'),
    /** Encrypts members' own calendar tokens at rest (same format as the conference worker's). */
    TOKEN_ENCRYPTION_KEY: tokenKeyring,
  })
  .superRefine(requireRedisTarget);
export type Config = z.infer<typeof Config>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): Config =>
  parseEnv(Config, env);
