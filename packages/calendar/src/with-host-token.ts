// The host's bearer token for the calls of one calendar operation (a read and its write, the
// re-reads after a 412): asked of the token source once, not once a call, since with members'
// connections each ask is a Redis read and a decryption. When the vendor rejects the token (401),
// the token source drops it and the call is tried once more with a fresh one, which the calls
// after it then use.
import type { AccessTokenSource, HostRef } from '@meetlink/ports';

/** Runs one vendor call with the operation's token; an operation's calls run one after another. */
export type WithToken = <T>(call: (token: string) => Promise<T>) => Promise<T>;

/** A fresh WithToken for each operation on behalf of `host`. */
export type HostTokens = (host: HostRef) => WithToken;

/** `readFailure` reads the status of what a call threw. */
export const createHostTokens =
  (tokens: AccessTokenSource, readFailure: (error: unknown) => { status: number | undefined }): HostTokens =>
  (host) => {
    let held: string | undefined;
    return async (call) => {
      for (let attempt = 0; ; attempt += 1) {
        const token = held ?? (await tokens.getAccessToken(host)).token;
        held = token;
        try {
          return await call(token);
        } catch (error) {
          if (attempt === 0 && readFailure(error).status === 401) {
            held = undefined;
            await tokens.invalidate(host, token);
            continue;
          }
          throw error;
        }
      }
    };
  };
