// Test helper for the Zoom adapter's own tests and the apps' (conference-worker, intake-api): the
// adapter wired as apps/conference-worker/src/main.ts wires it. It lives here, not in the test kit
// (packages/fakes), because connections and zoom list the kit among their devDependencies.
import type { RedisClient } from '@meetlink/redis';
import { parseTokenKeyring } from '@meetlink/config';
import { createRedisMemberConnectionStore, createZoomTokenSource } from '@meetlink/connections';
import type { MemberConnectionStore, ZoomTokenSettings } from '@meetlink/connections';
import { createZoomAdapter } from '@meetlink/zoom';
import type { ZoomAdapter, ZoomAdapterDeps } from '@meetlink/zoom';

/**
 * The Zoom adapter as a composition root builds it: the connection store (with a key), the token
 * source from @meetlink/connections, and the adapter that takes it.
 */
export const zoomAdapterFor = (
  settings: ZoomTokenSettings & { apiBaseUrl?: string; tokenEncryptionKey?: string },
  deps: Omit<ZoomAdapterDeps, 'tokens'> & { redis: RedisClient; keyPrefix: string },
): ZoomAdapter & { connections: MemberConnectionStore | null } => {
  const { redis, keyPrefix, ...adapterDeps } = deps;
  const connections = settings.tokenEncryptionKey
    ? createRedisMemberConnectionStore({
        redis,
        prefix: keyPrefix,
        keyring: parseTokenKeyring(settings.tokenEncryptionKey),
        ...(deps.now ? { now: deps.now } : {}),
      })
    : null;
  const tokens = createZoomTokenSource(settings, {
    connections,
    redis,
    lockPrefix: keyPrefix,
    ...(deps.now ? { now: deps.now } : {}),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  return {
    ...createZoomAdapter({ apiBaseUrl: settings.apiBaseUrl }, { ...adapterDeps, tokens }),
    connections,
  };
};
