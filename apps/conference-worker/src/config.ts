import { z } from 'zod';
import {
  optionalString as optional,
  parseEnv,
  reconnectNoticeEnv,
  tokenKeyring,
  workerEnv,
} from '@meetlink/config';

export const Config = z
  .object({
    ...workerEnv,
    ...reconnectNoticeEnv,
    ZOOM_API_BASE_URL: z.url().default('https://api.zoom.us/v2'),
    ZOOM_OAUTH_BASE_URL: z.url().default('https://zoom.us'),
    /** Server-to-Server OAuth app: the admin connects the whole account once. */
    ZOOM_ACCOUNT_ID: optional,
    ZOOM_CLIENT_ID: optional,
    ZOOM_CLIENT_SECRET: optional,
    /** The user-OAuth app whose tokens members' own connections hold, when it is not the app above. */
    ZOOM_USER_CLIENT_ID: optional,
    ZOOM_USER_CLIENT_SECRET: optional,
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
  });
export type Config = z.infer<typeof Config>;

export const loadConfig = (env: Record<string, string | undefined> = process.env): Config =>
  parseEnv(Config, env);
