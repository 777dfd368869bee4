// The fake Microsoft Graph's public face: what tests and sandbox mode configure it with and read
// back. Event fields follow Graph v1.0's event resource.
import type {
  FakeApiRequest,
  FakeCalendarControls,
  IssuedUserTokens,
  StartFakeOptions,
} from '../kit/fake-face';
import type { AimedFault, ServerErrorFault } from '../kit/fault-queue';

export interface FakeGraphDateTimeTimeZone {
  dateTime: string;
  timeZone: string;
}

export interface FakeGraphLocation {
  displayName?: string;
  locationUri?: string;
  locationType?: string;
  uniqueId?: string;
  uniqueIdType?: string;
  locationEmailAddress?: string;
  address?: Record<string, unknown>;
  coordinates?: Record<string, unknown>;
}

export interface FakeGraphItemBody {
  contentType: 'text' | 'html';
  content: string;
}

/** An event as GET /users/{id}/events/{id} returns it. */
export interface FakeGraphEvent {
  '@odata.etag': string;
  id: string;
  createdDateTime: string;
  lastModifiedDateTime: string;
  changeKey: string;
  categories: string[];
  iCalUId: string;
  subject: string;
  bodyPreview: string;
  importance: 'low' | 'normal' | 'high';
  sensitivity: 'normal' | 'personal' | 'private' | 'confidential';
  isAllDay: boolean;
  isCancelled: boolean;
  isOrganizer: boolean;
  isReminderOn: boolean;
  reminderMinutesBeforeStart: number;
  responseRequested: boolean;
  showAs: string;
  type: 'singleInstance' | 'occurrence' | 'exception' | 'seriesMaster';
  webLink: string;
  onlineMeetingUrl: string | null;
  isOnlineMeeting: boolean;
  onlineMeetingProvider: 'unknown' | 'teamsForBusiness' | 'skypeForBusiness' | 'skypeForConsumer';
  onlineMeeting: { joinUrl: string } | null;
  body: FakeGraphItemBody;
  start: FakeGraphDateTimeTimeZone;
  end: FakeGraphDateTimeTimeZone;
  location: FakeGraphLocation;
  locations: FakeGraphLocation[];
  attendees: Array<Record<string, unknown>>;
  organizer: { emailAddress: { name: string; address: string } };
}

export type FakeGraphEventInput = Partial<
  Omit<FakeGraphEvent, '@odata.etag' | 'changeKey' | 'createdDateTime' | 'lastModifiedDateTime'>
>;

/** Faults aim at /v1.0 requests unless a `path` is given. */
export type FakeGraphFault =
  | ServerErrorFault
  /**
   * The next `times` Graph requests are throttled: 429 with Retry-After (default 1 s) and
   * `TooManyRequests`, or Outlook's `ApplicationThrottled` "MailboxConcurrency" answer.
   */
  | (AimedFault & {
      kind: 'throttle';
      /** Graph has been seen to throttle without Retry-After. */
      omitRetryAfter?: boolean;
      code?: 'TooManyRequests' | 'ApplicationThrottled';
    })
  /** Someone else saves the event just before each of the next `times` PATCHes with If-Match (a real 412). */
  | { kind: 'concurrent_edit'; times: number };

/**
 * A request as logged: its path without the query (e.g. '/v1.0/users/ada%40example.com/events/AAMk…'
 * or '/tenant/oauth2/v2.0/token'), `principal` 'app:<clientId>' or the user id a delegated token
 * belongs to.
 */
export interface FakeGraphRequest extends FakeApiRequest {
  prefer?: string;
}

/** Mailboxes as owners, and who signs in: a user's object id or user principal name. */
export interface FakeGraph extends FakeCalendarControls<
  FakeGraphFault,
  FakeGraphRequest,
  FakeGraphEvent,
  FakeGraphEventInput
> {
  /** 'http://127.0.0.1:<port>/v1.0': GRAPH_BASE_URL. */
  readonly baseUrl: string;
  /** 'http://127.0.0.1:<port>': MS_AUTHORITY_HOST; tokens at /{tenant}/oauth2/v2.0/token. */
  readonly authorityHost: string;
  /** An app registration with a client secret; with Calendars.ReadWrite as an application permission unless told otherwise. */
  addApp(input: {
    tenantId: string;
    clientId: string;
    clientSecret: string;
    applicationPermissions?: string[];
  }): void;
  /**
   * Registers the app's redirect URIs for the authorization code flow at
   * /{tenant}/oauth2/v2.0/authorize: only those are accepted, exactly; an app without any accepts
   * any http(s) URI.
   */
  addRedirectUris(clientId: string, uris: string[]): void;
  /** A mailbox: its object id and user principal name (either names it in a path). */
  addUser(input: { id: string; userPrincipalName: string; tenantId?: string }): void;
  /** Delegated tokens of one user for an app, as if they had consented. */
  issueUserTokens(input: {
    tenantId: string;
    clientId: string;
    clientSecret: string;
    userId: string;
    scope?: string;
    accessTokenTtlSeconds?: number;
  }): IssuedUserTokens;
  deleteEvent(userId: string, eventId: string): void;
  /** Teams meetings that writes of isOnlineMeeting/onlineMeetingProvider created (never to be undone). */
  teamsMeetingsCreated(): Array<{ userId: string; eventId: string; joinUrl: string }>;
  /** Forget events, requests, faults and tokens; keep apps and users. */
  reset(): void;
}

export interface StartFakeGraphOptions extends StartFakeOptions {
  /**
   * Opt-in, for sandbox mode: for an app token of this tenant, a `/users/{id}` that names an email
   * (as userPrincipalName) no mailbox has is a mailbox of the tenant, created on first use with a new
   * object id. Default off: 404 ErrorInvalidUser.
   */
  autoProvisionUsers?: { tenantId: string };
  /**
   * Opt-in, for sandbox mode: an event id that a GET or PATCH of /users/{id}/events/{id} (or
   * /me/events/{id}) names in a reachable mailbox, and that was never there, is there, as the booking
   * system would have made it (a subject, an HTML body, a start a day ahead, 30 minutes). A deleted
   * event stays 404. Default off: 404 ErrorItemNotFound.
   */
  autoCreateEvents?: boolean;
}
