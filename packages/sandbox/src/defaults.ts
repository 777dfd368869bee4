// Sandbox-mode credentials. Documented in the README; for a laptop only, never for production.

/** `whsec_` + base64("dev-only-meetlink-webhook-secret"). */
export const SANDBOX_WEBHOOK_SECRET = 'whsec_ZGV2LW9ubHktbWVldGxpbmstd2ViaG9vay1zZWNyZXQ=';
export const SANDBOX_ADMIN_TOKEN = 'sandbox-admin-token-not-for-production';
export const SANDBOX_PORT = 3000;
