// The fake Zoom's public face: what tests and sandbox mode configure it with and read back from it.
// Field names follow Zoom's (and @zoom/rivet's) snake_case wherever a value mirrors the wire.
import type { MeetingsGetMeetingResponse } from '@zoom/rivet/meetings';
import type { UsersGetUserSettingsResponse } from '@zoom/rivet/users';
import type { FakeControls, IssuedUserTokens, StartFakeOptions } from '../kit/fake-face';
import type { LoggedRequest } from '../kit/request-log';

/** A Zoom webhook as Zoom posts it. */
export interface ZoomWebhookEvent {
  event: string;
  event_ts: number;
  payload: Record<string, unknown>;
}

/** What a host changes when editing a meeting in Zoom. */
export interface HostMeetingChanges {
  topic?: string;
  /** ISO 8601 with an offset, or wall-clock time in the meeting's time zone (as Zoom reads it). */
  start_time?: string;
  duration?: number;
  timezone?: string;
  password?: string;
}

/** The account's passcode rules (`schedule_meeting.meeting_password_requirement` in user settings). */
export interface MeetingPasswordRequirement {
  /** Minimum length; 0 = no minimum beyond Zoom's own (1–10 characters). */
  length: number;
  have_letter: boolean;
  have_number: boolean;
  have_special_character: boolean;
  only_allow_numeric: boolean;
  have_upper_and_lower_characters: boolean;
  /** n (4–8) forbids n identical or sequential characters in a row; 0 = off. */
  consecutive_characters_length: 0 | 4 | 5 | 6 | 7 | 8;
  weak_enhance_detection: boolean;
}

export interface FakeZoomUserInput {
  /** Zoom user id, e.g. 'zu_ada'. */
  id: string;
  email: string;
  accountId: string;
  /** The account's passcode rules for this user; default: none beyond Zoom's own (≤10 of [a-zA-Z0-9@-_*]). */
  passwordRequirement?: Partial<MeetingPasswordRequirement>;
  /** The user's own time zone: what a meeting gets when the request names none. Default 'UTC'. */
  timezone?: string;
  /**
   * "Require a passcode when scheduling new meetings": a create without `password` gets a generated one.
   * Default true, as on most accounts.
   */
  requirePasscode?: boolean;
}

export type FakeZoomFault =
  /** Every matching request waits `ms` first (the next `times` ones, or all of them until reset). */
  | { kind: 'latency'; ms: number; times?: number }
  /** The next `times` /v2 requests (or those whose path matches) fail with a gateway-style 5xx. */
  | { kind: 'status'; status: 500 | 502 | 503 | 504; times: number; path?: RegExp }
  /** The next `times` /v2 requests (or those whose path matches) get a 429. */
  | {
      kind: 'rate_limit';
      type: 'QPS' | 'daily';
      times: number;
      /** QPS only: the Retry-After in seconds (default 1). A daily limit always resets at 00:00 UTC. */
      retryAfterSeconds?: number;
      /** Zoom has been seen answering 429 without Retry-After. */
      omitRetryAfter?: boolean;
      /** Zoom has been seen answering 429 without X-RateLimit-Type: the body is all there is. */
      omitRateLimitType?: boolean;
      path?: RegExp;
    }
  /** The next `times` creates make the meeting, then destroy the socket without answering. */
  | { kind: 'drop_after_create'; times: number }
  /** The next `times` /v2 error answers come as XML (`<result><code>…`), as Zoom has been seen to send. */
  | { kind: 'xml_error'; times: number };

/** A meeting as GET /meetings/{id} returns it, plus the id of the user who hosts it. */
export interface FakeZoomMeeting {
  uuid: string;
  id: number;
  host_id: string;
  host_email: string;
  topic: string;
  type: 1 | 2 | 3 | 8 | 10;
  status: 'waiting' | 'started';
  /** UTC, 'YYYY-MM-DDTHH:mm:ssZ'. */
  start_time: string;
  duration: number;
  timezone: string;
  agenda: string;
  created_at: string;
  start_url: string;
  join_url: string;
  password: string;
  h323_password: string;
  pstn_password: string;
  encrypted_password: string;
  settings: FakeZoomMeetingSettings;
  pre_schedule: boolean;
  creation_source: 'open_api';
  hostUserId: string;
}

export type FakeZoomMeetingSettings = NonNullable<MeetingsGetMeetingResponse['settings']> & {
  host_video: boolean;
  participant_video: boolean;
  join_before_host: boolean;
  waiting_room: boolean;
  meeting_authentication: boolean;
  global_dial_in_numbers: Array<{
    country: string;
    country_name: string;
    city: string;
    number: string;
    type: 'toll' | 'tollfree';
  }>;
};

/**
 * A request as logged: its path without the query (e.g. '/v2/users/zu_ada/meetings' or
 * '/oauth/token'); status 0 when the fake destroyed the socket instead of answering; before a
 * Retry-After the fake had given: for QPS, any /v2 call; for the daily limit, that user's create/update.
 */
export interface FakeZoomRequest extends LoggedRequest {
  /** The Zoom user the request acted on, once resolved. */
  userId?: string;
  /** Body fields Zoom would silently ignore (unknown to its API), e.g. ['settings.foo']. */
  ignoredFields?: string[];
}

export interface FakeZoomRetryAfter {
  type: 'QPS' | 'Daily-limit';
  /** When the 429 was given (ms since the epoch). */
  givenAt: number;
  /** When the client may call again (ms since the epoch). */
  until: number;
  /** The header as sent: seconds for QPS, an ISO date-time ('2024-05-31T00:00:00Z') for the daily limit. */
  header: string;
  path: string;
  userId?: string;
}

export interface FakeZoom extends FakeControls<FakeZoomFault, FakeZoomRequest> {
  /** 'http://127.0.0.1:<port>/v2' */
  readonly apiBaseUrl: string;
  /** 'http://127.0.0.1:<port>' (token endpoint at /oauth/token) */
  readonly oauthBaseUrl: string;
  /** 'http://127.0.0.1:<port>/oauth/authorize': where the user-OAuth flow sends the browser. */
  readonly authorizeUrl: string;
  /**
   * A user-OAuth app (authorization code flow). With `redirectUris`, /oauth/authorize accepts only
   * those, exactly, as Zoom's allow list does; without, any http(s) URI.
   */
  addUserApp(input: { clientId: string; clientSecret: string; redirectUris?: string[] }): void;
  /** The Server-to-Server OAuth app of an account. */
  addAccount(input: { accountId: string; clientId: string; clientSecret: string }): void;
  addUser(input: FakeZoomUserInput): void;
  /** A user-OAuth app and a token pair for one user, as if the user had authorized it. */
  issueUserTokens(input: {
    clientId: string;
    clientSecret: string;
    userId: string;
    accessTokenTtlSeconds?: number;
  }): IssuedUserTokens;
  /** A one-time authorization code, as the redirect after a user's consent carries it. */
  issueAuthorizationCode(input: {
    clientId: string;
    clientSecret: string;
    userId: string;
    redirectUri: string;
  }): string;
  /** Every token of that user stops working (124 on the API, invalid_grant at the token endpoint). */
  revokeUserTokens(userId: string): void;
  /**
   * The user removes the app in Zoom: their tokens die (as revokeUserTokens) and the answer is the
   * `app_deauthorized` event Zoom then sends (sign it with signZoomWebhook).
   */
  deauthorize(userId: string, clientId: string): ZoomWebhookEvent;
  /** The host deletes the meeting in Zoom; answers the `meeting.deleted` event. */
  hostDeletesMeeting(meetingId: number | string): ZoomWebhookEvent;
  /** The host edits the meeting in Zoom; answers the `meeting.updated` event (changed fields only). */
  hostUpdatesMeeting(meetingId: number | string, changes: HostMeetingChanges): ZoomWebhookEvent;
  /** Every access token stops working with 124; refresh tokens stay valid. */
  expireAccessTokens(): void;
  /** Live meetings, as GET returns them, plus hostUserId. */
  meetings(): FakeZoomMeeting[];
  deletedMeetings(): FakeZoomMeeting[];
  /** The last Retry-After the fake gave, if any. */
  lastRetryAfter(): FakeZoomRetryAfter | undefined;
  /** What GET /users/{id}/settings answers for that user. */
  userSettings(userId: string): UsersGetUserSettingsResponse;
  /** Forget meetings, requests, faults, tokens, rate-limit counters and who is signed in; keep accounts, apps and users. */
  reset(): void;
}

/** `now` is the clock for token expiry, created_at, the daily limit's UTC day and request timestamps. */
export interface StartFakeZoomOptions extends StartFakeOptions {
  /** Creates + updates per host user per UTC day. Default 100, as Zoom. */
  dailyCreateUpdateLimit?: number;
  /**
   * Opt-in, for sandbox mode: an email-shaped `{userId}` in `/users/{userId}/…` (or `schedule_for`)
   * that no user has is, for this account's Server-to-Server token, a user of the account, created on
   * first use with the
   * defaults `addUser` gives (passcode required, no extra passcode rules, time zone UTC), as if every
   * host a booking names had a Zoom account there. Default off: such a path is 404 code 1001.
   */
  autoProvisionUsers?: { accountId: string };
}
