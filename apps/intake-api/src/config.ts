import { z } from 'zod';
import { commonEnv, parseEnv, positiveInt } from '@meetlink/config';
import { decodeSecret } from '@meetlink/events';

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

export const IntakeConfig = z.object({
  ...commonEnv,
  PORT: positiveInt(3000),
  HOST: z.string().default('0.0.0.0'),
  /** Comma-separated `whsec_…` secrets; every one is accepted, so a secret can be rotated. */
  WEBHOOK_SECRETS: webhookSecrets,
  /** Bearer token for the status and admin endpoints. */
  ADMIN_TOKEN: z.string().min(16, 'must be at least 16 characters'),
  /** Largest accepted request body. */
  MAX_BODY_BYTES: positiveInt(256 * 1024),
});
export type IntakeConfig = z.infer<typeof IntakeConfig>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): IntakeConfig =>
  parseEnv(IntakeConfig, env);
