// Runs one calendar call with the host's bearer token; when the vendor rejects that token (401), the
// token source drops it and the call is tried once more with a fresh one.
import type { AccessTokenSource, HostRef } from '@meetlink/ports';

export const withHostToken = async <T>(
  tokens: AccessTokenSource,
  host: HostRef,
  call: (token: string) => Promise<T>,
  isTokenRejected: (error: unknown) => boolean,
): Promise<T> => {
  for (let attempt = 0; ; attempt += 1) {
    const { token } = await tokens.getAccessToken(host);
    try {
      return await call(token);
    } catch (error) {
      if (attempt === 0 && isTokenRejected(error)) {
        await tokens.invalidate(host, token);
        continue;
      }
      throw error;
    }
  }
};
