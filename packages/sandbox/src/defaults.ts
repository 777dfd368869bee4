// Sandbox-mode credentials. Documented in the README; for a laptop only, never for production.

/** `whsec_` + base64("dev-only-meetlink-webhook-secret"). */
export const SANDBOX_WEBHOOK_SECRET = 'whsec_ZGV2LW9ubHktbWVldGxpbmstd2ViaG9vay1zZWNyZXQ=';
export const SANDBOX_ADMIN_TOKEN = 'sandbox-admin-token-not-for-production';
/** HTTP Basic for a browser on the sandbox's ops dashboard (/admin/queues), beside the bearer token. */
export const SANDBOX_ADMIN_BASIC = { user: 'ops', password: 'sandbox-ops-password' } as const;
export const SANDBOX_PORT = 3000;

/** `sandbox:` + base64("sandbox-only-token-key-32-bytes!"). */
export const SANDBOX_TOKEN_ENCRYPTION_KEY = 'sandbox:c2FuZGJveC1vbmx5LXRva2VuLWtleS0zMi1ieXRlcyE=';
/** The fake Zoom account's Server-to-Server app. */
export const SANDBOX_ZOOM = {
  accountId: 'sandbox-account',
  clientId: 'sandbox-zoom-client',
  clientSecret: 'sandbox-zoom-secret',
} as const;

/** The fake Microsoft tenant's app registration (client credentials). */
export const SANDBOX_MICROSOFT = {
  tenantId: 'sandbox-tenant',
  clientId: 'sandbox-graph-client',
  clientSecret: 'sandbox-graph-secret',
} as const;

/** Calendar events the sandbox seeds for the demo booking's host. */
export const SANDBOX_CALENDAR_EVENTS = {
  google: { provider: 'google', calendarId: 'ada@example.com', eventId: 'demogoogleevent1' },
  outlook: { provider: 'outlook', userId: 'ada@example.com', eventId: 'demo-outlook-event' },
} as const;

/** The fake Zoom's user-OAuth app: members connect their own Zoom account through it. */
export const SANDBOX_ZOOM_USER_APP = {
  clientId: 'sandbox-zoom-user-app',
  clientSecret: 'sandbox-zoom-user-secret',
} as const;

/** The fake Google's web OAuth client: members connect their own calendar through it. */
export const SANDBOX_GOOGLE_CLIENT = {
  clientId: 'sandbox-google-web-client',
  clientSecret: 'sandbox-google-web-secret',
} as const;

/** Signs connect links and OAuth states in sandbox mode. */
export const SANDBOX_CONNECT_LINK_SECRET = 'sandbox-only-connect-link-secret-0123456789';
/** The fake Zoom app's webhook Secret Token in sandbox mode. */
export const SANDBOX_ZOOM_WEBHOOK_SECRET = 'sandbox-zoom-webhook-secret-token';
