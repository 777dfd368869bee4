// The fake Google Calendar's public face: what tests and sandbox mode configure it with and read
// back. Event fields follow the Calendar API v3 Event resource.
import type { KeyObject } from 'node:crypto';
import type {
  FakeApiRequest,
  FakeCalendarControls,
  IssuedUserTokens,
  StartFakeOptions,
} from '../kit/fake-face';
import type { AimedFault, ServerErrorFault } from '../kit/fault-queue';

export interface FakeGoogleEventDateTime {
  date?: string;
  dateTime?: string;
  timeZone?: string;
}

export interface FakeGoogleEntryPoint {
  entryPointType?: string;
  uri?: string;
  label?: string;
  pin?: string;
  accessCode?: string;
  meetingCode?: string;
  passcode?: string;
  password?: string;
  regionCode?: string;
  entryPointFeatures?: string[];
}

export interface FakeGoogleConferenceData {
  conferenceId?: string;
  conferenceSolution?: { key?: { type?: string }; name?: string; iconUri?: string };
  entryPoints?: FakeGoogleEntryPoint[];
  notes?: string;
  signature?: string;
  createRequest?: unknown;
  parameters?: unknown;
}

/** An event as events.get returns it. */
export interface FakeGoogleEvent {
  kind: 'calendar#event';
  etag: string;
  id: string;
  status: 'confirmed' | 'tentative' | 'cancelled';
  htmlLink: string;
  created: string;
  updated: string;
  summary?: string;
  description?: string;
  location?: string;
  creator: { email: string; self?: boolean };
  organizer: { email: string; self?: boolean };
  start: FakeGoogleEventDateTime;
  end: FakeGoogleEventDateTime;
  iCalUID: string;
  sequence: number;
  attendees?: Array<{ email: string; displayName?: string; responseStatus?: string; organizer?: boolean }>;
  conferenceData?: FakeGoogleConferenceData;
  reminders: { useDefault: boolean };
  eventType: 'default';
}

/** What a test seeds: any Event field; id, times and the rest are filled in. */
export type FakeGoogleEventInput = Partial<Omit<FakeGoogleEvent, 'kind' | 'etag' | 'created' | 'updated'>>;

/** Faults aim at /calendar/v3 requests unless a `path` is given. */
export type FakeGoogleFault =
  | ServerErrorFault
  /** The next `times` API requests get a rate-limit answer, as Google sends them: 403 or 429. */
  | (AimedFault & {
      kind: 'rate_limit';
      status: 403 | 429;
      reason: 'rateLimitExceeded' | 'userRateLimitExceeded' | 'quotaExceeded';
    })
  /**
   * Someone else edits the event just before each of the next `times` PATCHes that carry If-Match,
   * so they meet a real 412 conditionNotMet.
   */
  | { kind: 'concurrent_edit'; times: number; description?: string };

/**
 * A request as logged: its path without the query (e.g. '/calendar/v3/calendars/primary/events/abc'
 * or '/token'), `principal` the email the access token belongs to.
 */
export interface FakeGoogleRequest extends FakeApiRequest {
  /** Body fields Google ignores (unknown, or read-only like etag), e.g. ['foo', 'etag']. */
  ignoredFields?: string[];
}

export interface FakeGoogleServiceAccountInput {
  /** Default: a generated '<name>@<project>.iam.gserviceaccount.com'. */
  clientEmail?: string;
  /** PEM or KeyObject; default: a key pair is generated and its private key returned. */
  publicKey?: string | KeyObject;
  /** Whether a Workspace admin granted domain-wide delegation. Default true. */
  domainWideDelegation?: boolean;
  /** The scopes delegation was granted for. Default: calendar and calendar.events. */
  delegatedScopes?: string[];
}

/** Calendar ids as owners: an email, or another calendar the token's user may write to. */
export interface FakeGoogleCalendar extends FakeCalendarControls<
  FakeGoogleFault,
  FakeGoogleRequest,
  FakeGoogleEvent,
  FakeGoogleEventInput
> {
  /** 'http://127.0.0.1:<port>/': what GOOGLE_API_ROOT_URL should be; the API is under /calendar/v3. */
  readonly rootUrl: string;
  /** 'http://127.0.0.1:<port>/token': GOOGLE_OAUTH_TOKEN_URL. */
  readonly tokenUrl: string;
  /** 'http://127.0.0.1:<port>/o/oauth2/v2/auth': GOOGLE_OAUTH_AUTHORIZE_URL. */
  readonly authorizeUrl: string;
  /**
   * A web OAuth client (authorization code flow; its refresh tokens work at /token too). With
   * `redirectUris`, only those are accepted, exactly; without, any http(s) URI.
   */
  addOAuthClient(input: { clientId: string; clientSecret: string; redirectUris?: string[] }): void;
  /** A user whose calendar is their email; `calendars` lists further calendar ids they may write to. */
  addUser(input: { email: string; calendars?: string[] }): void;
  /** Registers a service account; answers the key the adapter signs with. */
  addServiceAccount(input?: FakeGoogleServiceAccountInput): { client_email: string; private_key?: string };
  /** A user OAuth client and a token pair for one user, as if they had consented. */
  issueUserTokens(input: {
    clientId: string;
    clientSecret: string;
    email: string;
    scope?: string;
    accessTokenTtlSeconds?: number;
  }): IssuedUserTokens;
  /** Deleted as the UI does it (status 'cancelled', still readable), or purged (404 from then on). */
  deleteEvent(calendarId: string, eventId: string, options?: { purge?: boolean }): void;
  /** Forget events, requests, faults, tokens and who is signed in; keep users, service accounts and OAuth clients. */
  reset(): void;
}

export interface StartFakeGoogleCalendarOptions extends StartFakeOptions {
  /**
   * Accept a third-party (`addOn`) conferenceData, as Google does for a Workspace add-on. Default
   * false: Google refuses it from anything else with 400 "Invalid conference data".
   */
  acceptAddOnConferenceData?: boolean;
  /**
   * Opt-in, for sandbox mode: every email (of `domains`, or any domain when omitted) is a user of the
   * Workspace, created on first use: a service account with domain-wide delegation may impersonate it
   * (`sub`; the JWT is checked as ever) and reaches its calendar, whose id is the email. Default off:
   * an unknown `sub` is 400 invalid_grant "Invalid email or User ID".
   */
  autoProvisionUsers?: { domains?: string[] };
  /**
   * Opt-in, for sandbox mode: an event id that events.get or events.patch names in a calendar the
   * token reaches, and that was never there, is there, as the booking system would have made it
   * (a summary, a description, a start a day ahead, 30 minutes). A purged event stays 404. Default
   * off: 404 notFound.
   */
  autoCreateEvents?: boolean;
}
