// Runs one calendar call with the host's bearer token; when the vendor rejects that token (401), the
// token source drops it and the call is tried once more with a fresh one.
import type { AccessTokenSource, HostRef } from '@meetlink/ports';

export type WithHostToken<Client> = <T>(host: HostRef, call: (client: Client) => Promise<T>) => Promise<T>;

/** `clientFor` makes the vendor's client for one token; `readFailure` reads the status of what it threw. */
export const createWithHostToken =
  <Client>(
    tokens: AccessTokenSource,
    clientFor: (token: string) => Client,
    readFailure: (error: unknown) => { status: number | undefined },
  ): WithHostToken<Client> =>
  async (host, call) => {
    for (let attempt = 0; ; attempt += 1) {
      const { token } = await tokens.getAccessToken(host);
      try {
        return await call(clientFor(token));
      } catch (error) {
        if (attempt === 0 && readFailure(error).status === 401) {
          await tokens.invalidate(host, token);
          continue;
        }
        throw error;
      }
    }
  };
