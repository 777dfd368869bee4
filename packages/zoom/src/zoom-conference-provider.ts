// What the conference worker calls: one Zoom meeting per booking, created with a passcode that
// meets the host's rules, updated in place (the join link stays), and findable again by the
// booking's marker, which rides at the top of the agenda.
import type {
  MeetingsCreateMeetingRequestBody,
  MeetingsUpdateMeetingRequestBody,
} from '@zoom/rivet/meetings';
import { PermanentError } from '@meetlink/errors';
import { MeetingDetails, TimeZone } from '@meetlink/events';
import type { DialInNumber } from '@meetlink/events';
import type {
  AccessToken,
  AccessTokenSource,
  ConferenceProvider,
  HostRef,
  MeetingSpec,
} from '@meetlink/ports';
import { generatePasscode } from './passcode-policy';
import type { RandomInt } from './passcode-policy';
import type { ZoomClient, ZoomCredentials, ZoomListedMeeting, ZoomMeeting } from './zoom-client';

/** Kept for readers who look for the Zoom name; the port is @meetlink/ports' ConferenceProvider. */
export type ZoomConferenceProvider = ConferenceProvider;

/**
 * The credentials the client needs for one host during one operation (a few requests): the token
 * in hand is reused until Zoom rejects it, then a fresh one is asked for.
 */
export const credentialsFor = (
  tokens: AccessTokenSource,
  host: HostRef,
  first?: AccessToken,
): ZoomCredentials => {
  let current = first?.token;
  return {
    getAccessToken: async () => {
      current ??= (await tokens.getAccessToken(host)).token;
      return current;
    },
    invalidate: async (rejectedToken) => {
      if (current === rejectedToken) current = undefined;
      await tokens.invalidate(host, rejectedToken);
    },
  };
};

export interface ZoomConferenceProviderDeps {
  client: ZoomClient;
  /** The host's bearer token (from @meetlink/connections). */
  tokens: AccessTokenSource;
  /** Passcode randomness; node:crypto's randomInt by default. */
  random?: RandomInt;
  /** Meeting settings sent on create (merged over the defaults). */
  meetingSettings?: MeetingsCreateMeetingRequestBody['settings'];
}

export const TOPIC_MAX_LENGTH = 200;
export const AGENDA_MAX_LENGTH = 2000;
/** Zoom's List meetings cuts agendas to 250 characters: the marker line must fit well inside. */
export const MARKER_MAX_LENGTH = 200;

const DEFAULT_SETTINGS: NonNullable<MeetingsCreateMeetingRequestBody['settings']> = {
  join_before_host: false,
  // 2 = no registration: invitees join with the link and passcode.
  approval_type: 2,
};

/** Cuts `text` to at most `max` UTF-16 units without splitting a character. */
const truncate = (text: string, max: number): string => {
  if (text.length <= max) return text;
  let out = '';
  for (const char of text) {
    if (out.length + char.length > max) break;
    out += char;
  }
  return out;
};

const invalidSpec = (message: string): PermanentError => new PermanentError('invalid_meeting_spec', message);

/** The marker goes first: List meetings only shows an agenda's first 250 characters. */
export const composeAgenda = (marker: string, agenda: string): string => {
  const body = agenda.trim();
  return body ? truncate(`${marker}\n\n${body}`, AGENDA_MAX_LENGTH) : marker;
};

/** The agenda Zoom gets for a spec. */
const markedAgenda = (spec: MeetingSpec): string => composeAgenda(spec.marker.trim(), spec.agenda);

/**
 * A Zoom agenda as the booking's instructions: without its first line (the marker) and the blank
 * line after it, line breaks as '\n' (whatever Zoom stores), trimmed.
 */
const agendaBodyOf = (agenda: string): string => {
  const text = agenda.replace(/\r\n?/g, '\n');
  const endOfMarker = text.indexOf('\n');
  return endOfMarker === -1 ? '' : text.slice(endOfMarker + 1).trim();
};

/**
 * What `MeetingDetails.agenda` reads back for a meeting made or updated from `spec`: the spec's
 * agenda after the cut `composeAgenda` makes, without the marker. Equal to the `agenda` of a
 * meeting in step with the spec, so a caller can compare the two with `===`.
 */
export const agendaBodyFor = (spec: MeetingSpec): string => agendaBodyOf(markedAgenda(spec));

/** Whether an agenda (whole, or as List meetings cut it) carries exactly this marker. */
export const hasMarker = (agenda: string | undefined, marker: string): boolean =>
  (agenda ?? '').split(/\r?\n/, 1)[0]?.trim() === marker;

/** The fields Zoom gets for a spec: start_time in UTC, the time zone for display, the marked agenda. */
export const toZoomMeetingFields = (spec: MeetingSpec) => {
  const marker = spec.marker.trim();
  if (!marker || marker.length > MARKER_MAX_LENGTH || /[\r\n]/.test(marker)) {
    throw invalidSpec(`marker must be one line of 1–${MARKER_MAX_LENGTH} characters`);
  }
  const start = Date.parse(spec.startTime);
  if (Number.isNaN(start)) throw invalidSpec(`startTime "${spec.startTime}" is not an ISO 8601 date-time`);
  if (!TimeZone.safeParse(spec.timezone).success)
    throw invalidSpec(`timezone "${spec.timezone}" is not an IANA time zone`);
  if (!Number.isInteger(spec.durationMinutes) || spec.durationMinutes < 1) {
    throw invalidSpec(`durationMinutes must be a positive whole number, got ${spec.durationMinutes}`);
  }
  return {
    topic: truncate(spec.topic.trim() || 'Meeting', TOPIC_MAX_LENGTH),
    // UTC with 'Z': Zoom reads it as an instant; `timezone` only says how to show it.
    start_time: new Date(start).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    timezone: spec.timezone,
    duration: spec.durationMinutes,
    agenda: markedAgenda(spec),
  } satisfies MeetingsUpdateMeetingRequestBody;
};

const toDialIn = (meeting: ZoomMeeting): DialInNumber[] =>
  (meeting.settings?.global_dial_in_numbers ?? []).flatMap((entry) => {
    if (!entry.number || !entry.country) return [];
    return [
      {
        country: entry.country,
        ...(entry.country_name ? { countryName: entry.country_name } : {}),
        ...(entry.city ? { city: entry.city } : {}),
        number: entry.number,
        ...(entry.type === 'toll' || entry.type === 'tollfree' ? { type: entry.type } : {}),
      },
    ];
  });

/** Zoom's answer as our contract; the passcode is what Zoom says it kept, not what we asked for. */
export const toMeetingDetails = (host: HostRef, hostUserId: string, meeting: ZoomMeeting): MeetingDetails => {
  const parsed = MeetingDetails.safeParse({
    provider: 'zoom',
    id: meeting.id,
    ...(meeting.uuid ? { uuid: meeting.uuid } : {}),
    hostMemberId: host.memberId,
    hostUserId: hostUserId === 'me' ? (meeting.host_id ?? hostUserId) : hostUserId,
    topic: meeting.topic ?? '',
    startTime: meeting.start_time ?? '',
    durationMinutes: meeting.duration ?? 0,
    timezone: meeting.timezone ?? 'UTC',
    joinUrl: meeting.join_url,
    passcode: meeting.password ? meeting.password : null,
    ...(meeting.h323_password ? { h323Passcode: meeting.h323_password } : {}),
    ...(meeting.pstn_password ? { pstnPasscode: meeting.pstn_password } : {}),
    dialIn: toDialIn(meeting),
    agenda: agendaBodyOf(meeting.agenda ?? ''),
  });
  if (!parsed.success) {
    throw new PermanentError(
      'zoom_unexpected_response',
      `Zoom meeting ${meeting.id} does not fit MeetingDetails`,
      {
        providerResponse: parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
      },
    );
  }
  return parsed.data;
};

/** Zoom refused the passcode we sent (zoom-errors maps that answer to this code). */
const isPasscodeRejection = (error: unknown): error is PermanentError =>
  error instanceof PermanentError && error.code === 'zoom_passcode_rejected';

const byCreation = (a: ZoomListedMeeting, b: ZoomListedMeeting): number =>
  (a.created_at ?? '').localeCompare(b.created_at ?? '') || a.id.localeCompare(b.id);

export const createZoomConferenceProvider = ({
  client,
  tokens,
  random,
  meetingSettings,
}: ZoomConferenceProviderDeps): ZoomConferenceProvider => {
  const session = async (host: HostRef): Promise<{ auth: ZoomCredentials; userId: string }> => {
    const first = await tokens.getAccessToken(host);
    // Whom to name in /users/{userId}/… paths: the member's email (S2S) or Zoom user id ('me' if unknown).
    return { auth: credentialsFor(tokens, host, first), userId: first.userId ?? 'me' };
  };

  const getMeeting = async (host: HostRef, meetingId: string): Promise<MeetingDetails | null> => {
    const { auth, userId } = await session(host);
    const meeting = await client.getMeeting(auth, meetingId);
    return meeting ? toMeetingDetails(host, userId, meeting) : null;
  };

  return {
    createMeeting: async (host, spec) => {
      const fields = toZoomMeetingFields(spec);
      const { auth, userId } = await session(host);
      const create = async (afresh: boolean): Promise<MeetingDetails> => {
        const requirement = await client.getPasswordRequirement(auth, userId, { afresh });
        const body: MeetingsCreateMeetingRequestBody = {
          ...fields,
          type: 2,
          password: generatePasscode(requirement, random),
          default_password: false,
          settings: { ...DEFAULT_SETTINGS, ...meetingSettings },
        };
        return toMeetingDetails(host, userId, await client.createMeeting(auth, userId, body));
      };
      try {
        return await create(false);
      } catch (error) {
        if (!isPasscodeRejection(error)) throw error;
      }
      // The rules are cached, and shared by the account's hosts: a host in a group with stricter
      // rules, or an admin who tightened them since, makes Zoom refuse a passcode made for them. A
      // refused create makes no meeting, so read the host's own rules and try once more.
      try {
        return await create(true);
      } catch (error) {
        if (!isPasscodeRejection(error)) throw error;
        throw new PermanentError(
          'passcode_policy_unsatisfiable',
          `Zoom refused a passcode made for the host's passcode rules twice, the second time with rules read afresh: ${error.message}`,
          { providerResponse: error.details.providerResponse, cause: error },
        );
      }
    },

    updateMeeting: async (host, meetingId, spec) => {
      const fields = toZoomMeetingFields(spec);
      const { auth, userId } = await session(host);
      // No password here: the passcode (and the join link that embeds it) stays as created.
      return toMeetingDetails(host, userId, await client.updateMeeting(auth, meetingId, fields));
    },

    getMeeting,

    deleteMeeting: async (host, meetingId) => {
      const { auth } = await session(host);
      await client.deleteMeeting(auth, meetingId);
    },

    findMeetingByMarker: async (host, marker) => {
      const { auth, userId } = await session(host);
      const matches = (await client.listScheduledMeetings(auth, userId))
        .filter((meeting) => hasMarker(meeting.agenda, marker.trim()))
        .sort(byCreation);
      for (const match of matches) {
        // The list lacks passcodes and dial-in numbers: read the whole meeting.
        const meeting = await client.getMeeting(auth, match.id);
        if (meeting && hasMarker(meeting.agenda, marker.trim()))
          return toMeetingDetails(host, userId, meeting);
      }
      return null;
    },
  };
};
