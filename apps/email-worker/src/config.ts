import { z } from 'zod';
import { parseEnv, workerEnv } from '@meetlink/config';

export const Config = z.object({ ...workerEnv });
export type Config = z.infer<typeof Config>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): Config =>
  parseEnv(Config, env);
