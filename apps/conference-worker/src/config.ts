import { z } from 'zod';
import {
  parseEnv,
  requireRedisTarget,
  reconnectNoticeEnv,
  tokenKeyring,
  workerEnv,
  zoomEnv,
} from '@meetlink/config';

export const Config = z
  .object({
    ...workerEnv,
    ...reconnectNoticeEnv,
    ...zoomEnv,
    /**
     * How long calendar and email wait for a late meeting after the event was accepted before they go
     * ahead without it (the customer is told the link follows).
     */
    MEETING_WAIT_MS: z.coerce.number().int().min(0).default(120_000),
    /** `id:base64key[,older…]`: encrypts members' tokens at rest; the first key is current. */
    TOKEN_ENCRYPTION_KEY: tokenKeyring,
  })
  .refine((c) => [c.ZOOM_ACCOUNT_ID, c.ZOOM_CLIENT_ID, c.ZOOM_CLIENT_SECRET].filter(Boolean).length !== 2, {
    message: 'ZOOM_ACCOUNT_ID needs ZOOM_CLIENT_ID and ZOOM_CLIENT_SECRET (set all three or none)',
    path: ['ZOOM_ACCOUNT_ID'],
  })
  .superRefine(requireRedisTarget);
export type Config = z.infer<typeof Config>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): Config =>
  parseEnv(Config, env);
