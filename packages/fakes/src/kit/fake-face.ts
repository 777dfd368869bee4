// What the fakes' public faces share: the options they start with, the controls every one of them
// has (who is signed in, faults, the request log, reset, close), and those of the two calendar fakes
// (tokens a test revokes or expires, events it seeds, reads and edits as the organizer would).
import type { FakeServerOptions, RunningFakeServer } from './fake-server';
import type { FaultQueue, InjectableFault } from './fault-queue';
import type { ConsentSession } from './oauth/consent';
import type { LoggedRequest } from './request-log';

export interface StartFakeOptions extends FakeServerOptions {
  /** The fake's clock (token expiry, timestamps, request times). Default: the system clock. */
  now?: () => Date;
}

/** A request as the calendar fakes log it. */
export interface FakeApiRequest extends LoggedRequest {
  query: Record<string, string>;
  ifMatch?: string;
  /** The parsed JSON body of a PATCH. */
  body?: unknown;
  /** Whom the access token speaks for. */
  principal?: string;
  /** For a token request: its grant type. */
  grantType?: string;
}

/** A user's token pair, as if they had consented. */
export interface IssuedUserTokens {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
}

export interface FakeControls<F, R> {
  /**
   * Who is signed in at the provider in "the browser": its authorize page consents as them (or, with
   * `deny`, sends `error=access_denied` back). Nobody signed in: the only user, else an account chooser.
   */
  signIn(userId: string | null, options?: { deny?: boolean }): void;
  inject(fault: F): void;
  /** Every request, in arrival order. */
  requests(): R[];
  reset(): void;
  close(): Promise<void>;
}

export const fakeControls = <F extends InjectableFault, R>(parts: {
  state: { faults: FaultQueue<F>; reset(): void };
  consent: ConsentSession;
  server: RunningFakeServer;
  requests(): R[];
}): FakeControls<F, R> => ({
  signIn: (userId, options) => parts.consent.signIn(userId, options),
  inject: (fault) => parts.state.faults.add(fault),
  requests: () => parts.requests(),
  reset: () => {
    parts.state.reset();
    parts.consent.reset();
  },
  close: () => parts.server.close(),
});

/** `E` events of an owner (a calendar, a mailbox), seeded and edited with `I`, and the tokens to reach them. */
export interface CalendarEventControls<E, I> {
  /** The user's grants are revoked: refresh gives invalid_grant, access tokens 401. */
  revokeUserTokens(userId: string): void;
  /** Every access token stops working (401); refresh tokens stay valid. */
  expireAccessTokens(): void;
  seedEvent(owner: string, event?: I): E;
  getEvent(owner: string, eventId: string): E | undefined;
  /** An edit made elsewhere (the organizer in the vendor's UI): fields replaced, its version tag changed. */
  editEvent(owner: string, eventId: string, changes: I): E;
}

export interface FakeCalendarControls<F, R, E, I> extends FakeControls<F, R>, CalendarEventControls<E, I> {}

export const calendarControls = <E, I>(state: {
  revokeUser(userId: string): void;
  tokens: { expireAccess(): void };
  seedEvent(owner: string, event?: I): E;
  /** The live record. */
  findEvent(owner: string, eventId: string): E | undefined;
  editEvent(owner: string, eventId: string, changes: I): E;
}): CalendarEventControls<E, I> => ({
  revokeUserTokens: (userId) => state.revokeUser(userId),
  expireAccessTokens: () => state.tokens.expireAccess(),
  seedEvent: (owner, event) => state.seedEvent(owner, event),
  getEvent: (owner, eventId) => {
    const event = state.findEvent(owner, eventId);
    return event ? structuredClone(event) : undefined;
  },
  editEvent: (owner, eventId, changes) => state.editEvent(owner, eventId, changes),
});
