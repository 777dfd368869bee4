// What an adapter asks for a host's bearer token, and tells when the vendor rejected it. The
// implementations (app credentials, members' own connections) live in @meetlink/connections.
import type { HostRef } from './host-ref';

export interface AccessToken {
  token: string;
  /**
   * Whom the token acts for, as the vendor names users in its paths: the host's email for app
   * credentials, the vendor's user id for a member's own connection; null when unknown.
   */
  userId: string | null;
}

export interface AccessTokenSource {
  getAccessToken(host: HostRef): Promise<AccessToken>;
  /** The vendor answered 401 to `rejectedToken`: the next getAccessToken must not hand it out again. */
  invalidate(host: HostRef, rejectedToken: string): Promise<void>;
}
