// @meetlink/connections: members' connections and OAuth for Zoom, Google and Microsoft, in one place.
export * from './member-connections';
export * from './member-tokens';
export * from './redis-lock';
export * from './connect-link';
export * from './oauth-state';
export * from './provider-user-index';
export * from './reconnect-notice';
export * from './token-endpoint';
export * from './token-sources';
export * from './zoom-tokens';
export * from './google-tokens';
export * from './microsoft-tokens';
export type { Identity, OAuthProvider } from './oauth-provider';
export * from './zoom-oauth';
export * from './google-oauth';
export * from './microsoft-oauth';
export * from './member-access';
export * from './worker-connections';
