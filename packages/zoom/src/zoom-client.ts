// Zoom's REST API over global fetch, with configurable base URLs (so the fake stands in for Zoom).
// Every Zoom error is mapped here, once; a rejected token (401) is refreshed and the call retried once.
import type {
  MeetingsCreateMeetingRequestBody,
  MeetingsListMeetingsQueryParams,
  MeetingsUpdateMeetingRequestBody,
} from '@zoom/rivet/meetings';
import type { UsersGetUserSettingsQueryParams } from '@zoom/rivet/users';
import { PermanentError, RetryableError } from '@meetlink/errors';
import { z } from 'zod';
import type { MeetingPasswordRequirement } from './passcode-policy';
import { createPasscodeRulesCache } from './passcode-rules-cache';
import { mapNetworkError, mapZoomError, parseZoomErrorBody } from './zoom-errors';

export const DEFAULT_API_BASE_URL = 'https://api.zoom.us/v2';

/** How the client gets a bearer token for one host, and says when Zoom rejected it. */
export interface ZoomCredentials {
  getAccessToken(): Promise<string>;
  /** Zoom answered 401 to `rejectedToken`: the next getAccessToken must not hand it out again. */
  invalidate(rejectedToken: string): Promise<void>;
}

/** The fields of Zoom's meeting answers we read; the rest passes through unread. */
export const ZoomMeeting = z.object({
  id: z.union([z.number(), z.string()]).transform(String),
  uuid: z.string().optional(),
  host_id: z.string().optional(),
  host_email: z.string().optional(),
  topic: z.string().optional(),
  type: z.number().optional(),
  start_time: z.string().optional(),
  duration: z.number().optional(),
  timezone: z.string().optional(),
  agenda: z.string().optional(),
  created_at: z.string().optional(),
  join_url: z.string(),
  password: z.string().optional(),
  h323_password: z.string().optional(),
  pstn_password: z.string().optional(),
  settings: z
    .object({
      global_dial_in_numbers: z
        .array(
          z.object({
            country: z.string().optional(),
            country_name: z.string().optional(),
            city: z.string().optional(),
            number: z.string().optional(),
            type: z.string().optional(),
          }),
        )
        .optional(),
    })
    .optional(),
});
export type ZoomMeeting = z.infer<typeof ZoomMeeting>;

/** A meeting as List meetings returns it: fewer fields, its agenda cut to 250 characters by Zoom, maybe no join URL. */
export const ZoomListedMeeting = ZoomMeeting.pick({
  id: true,
  uuid: true,
  topic: true,
  agenda: true,
  start_time: true,
  created_at: true,
  join_url: true,
}).partial({ join_url: true });
export type ZoomListedMeeting = z.infer<typeof ZoomListedMeeting>;

const ListMeetingsPage = z.object({
  next_page_token: z.string().optional(),
  meetings: z.array(ZoomListedMeeting).optional(),
});

const RequirementFields = z
  .object({
    length: z.number(),
    have_letter: z.boolean(),
    have_number: z.boolean(),
    have_special_character: z.boolean(),
    only_allow_numeric: z.boolean(),
    have_upper_and_lower_characters: z.boolean(),
    consecutive_characters_length: z.number(),
    weak_enhance_detection: z.boolean(),
  })
  .partial();

const UserSettings = z.object({
  schedule_meeting: z.object({ meeting_password_requirement: RequirementFields.optional() }).optional(),
  meeting_security: z.object({ meeting_password_requirement: RequirementFields.optional() }).optional(),
});

/** The stricter of two rule sets: every rule either sets, at its strictest. */
export const mergeRequirements = (
  a: MeetingPasswordRequirement,
  b: MeetingPasswordRequirement,
): MeetingPasswordRequirement => {
  const merged: MeetingPasswordRequirement = { ...a, ...b };
  if (a.length !== undefined || b.length !== undefined)
    merged.length = Math.max(a.length ?? 0, b.length ?? 0);
  for (const flag of [
    'have_letter',
    'have_number',
    'have_special_character',
    'only_allow_numeric',
    'have_upper_and_lower_characters',
    'weak_enhance_detection',
  ] as const) {
    if (a[flag] !== undefined || b[flag] !== undefined) merged[flag] = a[flag] === true || b[flag] === true;
  }
  const runs = [a.consecutive_characters_length, b.consecutive_characters_length].filter(
    (n): n is number => n !== undefined && n !== 0,
  );
  if (runs.length > 0) merged.consecutive_characters_length = Math.min(...runs);
  return merged;
};

export interface ZoomClient {
  /** POST /users/{userId}/meetings. */
  createMeeting(
    auth: ZoomCredentials,
    userId: string,
    body: MeetingsCreateMeetingRequestBody,
  ): Promise<ZoomMeeting>;
  /** PATCH /meetings/{id} (Zoom answers 204, no body), then GET to read what Zoom kept. */
  updateMeeting(
    auth: ZoomCredentials,
    meetingId: string,
    body: MeetingsUpdateMeetingRequestBody,
  ): Promise<ZoomMeeting>;
  /** GET /meetings/{id}; null when the meeting is gone (404, code 3001). */
  getMeeting(auth: ZoomCredentials, meetingId: string): Promise<ZoomMeeting | null>;
  /** DELETE /meetings/{id}; a meeting that is already gone is fine. */
  deleteMeeting(auth: ZoomCredentials, meetingId: string): Promise<void>;
  /**
   * The passcode rules to make `userId`'s passcode with, from GET /users/{userId}/settings, cached
   * for a while: the rules read through this token (one read for all of an account's hosts), or the
   * host's own once Zoom refused a passcode for them. `afresh`: Zoom just refused a passcode made for
   * the cached rules, so read `userId`'s own now.
   */
  getPasswordRequirement(
    auth: ZoomCredentials,
    userId: string,
    options?: { afresh?: boolean },
  ): Promise<MeetingPasswordRequirement>;
  /**
   * Every page of GET /users/{userId}/meetings?type=scheduled: upcoming, live and past but
   * unexpired meetings, so a meeting whose start time has passed is still there. Past
   * `maxListPages` pages throws RetryableError('zoom_meeting_list_too_long'): never a silent cut.
   */
  listScheduledMeetings(auth: ZoomCredentials, userId: string): Promise<ZoomListedMeeting[]>;
}

export interface ZoomClientOptions {
  /** Default 'https://api.zoom.us/v2'. */
  apiBaseUrl?: string;
  /** Per request. Default 15 s. */
  timeoutMs?: number;
  /** How long passcode rules are reused before they are read again. Default 10 min. */
  settingsCacheMs?: number;
  /** Default 300, Zoom's maximum. */
  listPageSize?: number;
  /** A stop for runaway pagination; past it the list fails (retryable), never cut short. Default 100 pages. */
  maxListPages?: number;
  now?: () => Date;
  fetch?: typeof fetch;
}

interface CallOptions {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  isMeetingWrite?: boolean;
  /** Zoom error codes that mean "not there" for this call: answered as null instead of thrown. */
  notFoundCodes?: readonly number[];
}

const MEETING_GONE = [3001] as const;

/** List meetings' `page_size` maximum. */
export const ZOOM_MAX_PAGE_SIZE = 300;
/** 100 pages of 300: 30,000 meetings on one host before a listing gives up (loudly). */
export const DEFAULT_MAX_LIST_PAGES = 100;

/** `scheduled`, not `upcoming`: upcoming leaves out a meeting whose start time has passed. */
const LIST_TYPE: NonNullable<MeetingsListMeetingsQueryParams['type']> = 'scheduled';

const meetingPath = (meetingId: string): string => {
  if (!/^\d+$/.test(meetingId)) {
    throw new PermanentError('invalid_meeting_id', `"${meetingId}" is not a Zoom meeting id`);
  }
  return `/meetings/${meetingId}`;
};

const userPath = (userId: string, rest = ''): string => `/users/${encodeURIComponent(userId)}${rest}`;

const parseAnswer = <T>(schema: z.ZodType<T>, text: string, operation: string): T => {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PermanentError(
      'zoom_unexpected_response',
      `Zoom ${operation} answered something that is not JSON`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new PermanentError('zoom_unexpected_response', `Zoom ${operation} answered an unexpected shape`, {
      providerResponse: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    });
  }
  return parsed.data;
};

export const createZoomClient = ({
  apiBaseUrl = DEFAULT_API_BASE_URL,
  timeoutMs = 15_000,
  settingsCacheMs = 10 * 60_000,
  listPageSize = ZOOM_MAX_PAGE_SIZE,
  maxListPages = DEFAULT_MAX_LIST_PAGES,
  now = () => new Date(),
  fetch: fetchImpl = (input, init) => fetch(input, init),
}: ZoomClientOptions = {}): ZoomClient => {
  const base = apiBaseUrl.replace(/\/+$/, '');
  const pageSize = Math.min(Math.max(1, Math.trunc(listPageSize)), ZOOM_MAX_PAGE_SIZE);
  const passcodeRules = createPasscodeRulesCache({ ttlMs: settingsCacheMs, now: () => now().getTime() });

  /** One call; answers the body text, or null for a "not there" code. */
  const call = async (
    auth: ZoomCredentials,
    operation: string,
    { method, path, query, body, isMeetingWrite, notFoundCodes = [] }: CallOptions,
  ): Promise<{ status: number; text: string } | null> => {
    const url = new URL(base + path);
    for (const [name, value] of Object.entries(query ?? {})) {
      if (value !== undefined && value !== '') url.searchParams.set(name, String(value));
    }
    const json = body === undefined ? undefined : JSON.stringify(body);
    let token = await auth.getAccessToken();
    for (let attempt = 1; ; attempt += 1) {
      let status: number;
      let headers: Headers;
      let text: string;
      // One timer a request, cleared once the answer is read: AbortSignal.timeout costs about twice
      // as much CPU a call (a transferable signal, and a timer left to run out).
      const controller = new AbortController();
      const timer = setTimeout(() => {
        controller.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError'));
      }, timeoutMs);
      try {
        const response = await fetchImpl(url, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: json,
          signal: controller.signal,
        });
        status = response.status;
        headers = response.headers;
        text = await response.text();
      } catch (cause) {
        throw mapNetworkError(operation, cause);
      } finally {
        clearTimeout(timer);
      }
      if (status >= 200 && status < 300) return { status, text };
      // Zoom rejected the token (124 invalid/expired, or revoked): get a fresh one and try once more.
      if (status === 401 && attempt === 1) {
        await auth.invalidate(token);
        token = await auth.getAccessToken();
        continue;
      }
      const errorBody = parseZoomErrorBody(text);
      if (errorBody.code !== undefined && notFoundCodes.includes(errorBody.code)) return null;
      throw mapZoomError({ operation, status, headers, body: errorBody, now: now(), isMeetingWrite });
    }
  };

  const getMeeting = async (auth: ZoomCredentials, meetingId: string): Promise<ZoomMeeting | null> => {
    const answer = await call(auth, 'getMeeting', {
      method: 'GET',
      path: meetingPath(meetingId),
      notFoundCodes: MEETING_GONE,
    });
    return answer === null ? null : parseAnswer(ZoomMeeting, answer.text, 'getMeeting');
  };

  const readRequirement = async (
    auth: ZoomCredentials,
    userId: string,
    option?: UsersGetUserSettingsQueryParams['option'],
  ): Promise<MeetingPasswordRequirement | undefined> => {
    const answer = await call(auth, 'getUserSettings', {
      method: 'GET',
      path: userPath(userId, '/settings'),
      query: { option },
    });
    if (answer === null) return undefined;
    const settings = parseAnswer(UserSettings, answer.text, 'getUserSettings');
    const fromSchedule = settings.schedule_meeting?.meeting_password_requirement;
    const fromSecurity = settings.meeting_security?.meeting_password_requirement;
    if (!fromSchedule && !fromSecurity) return undefined;
    return mergeRequirements(fromSchedule ?? {}, fromSecurity ?? {});
  };

  return {
    createMeeting: async (auth, userId, body) => {
      const answer = await call(auth, 'createMeeting', {
        method: 'POST',
        path: userPath(userId, '/meetings'),
        body,
        isMeetingWrite: true,
      });
      return parseAnswer(ZoomMeeting, answer?.text ?? '', 'createMeeting');
    },

    updateMeeting: async (auth, meetingId, body) => {
      await call(auth, 'updateMeeting', {
        method: 'PATCH',
        path: meetingPath(meetingId),
        body,
        isMeetingWrite: true,
      });
      const meeting = await getMeeting(auth, meetingId);
      if (!meeting) {
        throw new PermanentError(
          'zoom_meeting_not_found',
          `Zoom meeting ${meetingId} vanished right after its update`,
        );
      }
      return meeting;
    },

    getMeeting,

    deleteMeeting: async (auth, meetingId) => {
      await call(auth, 'deleteMeeting', {
        method: 'DELETE',
        path: meetingPath(meetingId),
        notFoundCodes: MEETING_GONE,
      });
    },

    getPasswordRequirement: async (auth, userId, { afresh } = {}) =>
      passcodeRules.rulesFor(
        { grant: await auth.getAccessToken(), userId, afresh },
        // The rules live under schedule_meeting; accounts on newer settings keep them under
        // meeting_security, which Zoom only returns with ?option=meeting_security.
        async () =>
          (await readRequirement(auth, userId)) ??
          (await readRequirement(auth, userId, 'meeting_security')) ??
          {},
      ),

    listScheduledMeetings: async (auth, userId) => {
      const meetings: ZoomListedMeeting[] = [];
      let pageToken: string | undefined;
      for (let page = 0; page < maxListPages; page += 1) {
        const answer = await call(auth, 'listMeetings', {
          method: 'GET',
          path: userPath(userId, '/meetings'),
          query: { type: LIST_TYPE, page_size: pageSize, next_page_token: pageToken },
        });
        const parsed = parseAnswer(ListMeetingsPage, answer?.text ?? '', 'listMeetings');
        meetings.push(...(parsed.meetings ?? []));
        pageToken = parsed.next_page_token;
        if (!pageToken) return meetings;
      }
      // A cut list would read as "not there" and make the caller create a second meeting.
      throw new RetryableError(
        'zoom_meeting_list_too_long',
        `Zoom lists more than ${maxListPages} pages of ${pageSize} meetings for this host; stopped without an answer`,
        { providerResponse: { pages: maxListPages, pageSize, meetingsRead: meetings.length } },
      );
    },
  };
};
