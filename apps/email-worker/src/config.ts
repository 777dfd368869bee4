import { z } from 'zod';
import { parseEnv, requireRedisTarget, positiveInt, workerEnv } from '@meetlink/config';

export const Config = z
  .object({
    ...workerEnv,
    /** smtp://user:pass@host:587 or smtps://…; sandbox mode points it at its own sink. */
    SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL'),
    MAIL_FROM: z.string().min(3).default('Meetlink <no-reply@meetlink.local>'),
    /** Reuse SMTP connections (up to WORKER_CONCURRENCY of them); `false`: one connection per message. */
    SMTP_POOL: z
      .enum(['true', 'false'])
      .default('true')
      .transform((v) => v === 'true'),
    /** Messages one pooled connection carries before it is replaced. */
    SMTP_POOL_MAX_MESSAGES: positiveInt(100),
  })
  .superRefine(requireRedisTarget);
export type Config = z.infer<typeof Config>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): Config =>
  parseEnv(Config, env);
