// CalendarProvider for Google Calendar through Calendar API v3: events.get, then events.patch with
// If-Match, writing location = join URL, the join block in the description and, where Google takes
// it, conferenceData for the Zoom meeting.
import { PermanentError } from '@meetlink/errors';
import type { AccessTokenSource, CalendarProvider, JoinDetails } from '@meetlink/ports';
import { createEventEditor } from './event-editor';
import type { CalendarRefOf, WriteOutcome } from './event-editor';
import { createGoogleCalendarClient } from './google-calendar-client';
import type { GoogleConferenceData as ConferenceData, GoogleEvent } from './google-calendar-client';
import { isConferenceDataRefusal, mapGoogleError, readGoogleFailure } from './google-errors';
import {
  findJoinUrlInBlock,
  hasCurrentJoinBlock,
  looksLikeHtml,
  removeJoinBlock,
  renderJoinBlock,
  upsertJoinBlock,
} from './join-block';
import { createHostTokens } from './with-host-token';
import type { WithToken } from './with-host-token';

export const DEFAULT_GOOGLE_API_ROOT_URL = 'https://www.googleapis.com/';

export interface GoogleCalendarProviderOptions {
  /** GOOGLE_API_ROOT_URL; only its origin counts, the API is under /calendar/v3/…. */
  rootUrl?: string;
  /** Who Google emails about the change. Default 'all'. */
  sendUpdates?: 'all' | 'externalOnly' | 'none';
  /**
   * 'attempt' (default): also write conferenceData for the Zoom meeting, and fall back to location
   * and description when Google refuses it. 'never': location and description only.
   */
  conferenceData?: 'attempt' | 'never';
  /** Re-reads after a 412 before giving up with a retryable `calendar_edit_conflict`. Default 3. */
  maxConflictRetries?: number;
  timeoutMs?: number;
  now?: () => Date;
  fetch?: typeof fetch;
  /** Hosts' bearer tokens: @meetlink/connections' createGoogleTokenSource (delegation, members' own). */
  tokens: AccessTokenSource;
}

const ZOOM_ICON_URI = 'https://st1.zoom.us/zoom.ico';

/** After Google refused our conferenceData (and never took it), changes skip it for this long. */
export const CONFERENCE_REFUSAL_MEMORY_MS = 60 * 60_000;

/** conferenceData for the Zoom meeting: a third-party (`addOn`) solution with video and phone entry points. */
export const buildConferenceData = (details: JoinDetails): ConferenceData => ({
  conferenceId: details.meetingId,
  conferenceSolution: { key: { type: 'addOn' }, name: 'Zoom Meeting', iconUri: ZOOM_ICON_URI },
  entryPoints: [
    {
      entryPointType: 'video',
      uri: details.joinUrl,
      label: details.joinUrl.replace(/^https?:\/\//, '').slice(0, 512),
      meetingCode: details.meetingId,
      ...(details.passcode ? { passcode: details.passcode.slice(0, 128) } : {}),
    },
    ...details.dialIn
      .map((number) => ({ number, digits: number.number.replace(/[^\d+]/g, '') }))
      .filter(({ digits }) => digits.length > 3)
      .map(({ number, digits }) => ({
        entryPointType: 'phone',
        uri: `tel:${digits}`,
        label: number.number,
        meetingCode: details.meetingId,
        ...(number.type === 'tollfree'
          ? { entryPointFeatures: ['tollFree'] }
          : { entryPointFeatures: ['toll'] }),
        ...(/^[A-Z]{2}$/.test(number.country) ? { regionCode: number.country } : {}),
      })),
  ],
  ...(details.instructions?.trim() ? { notes: escapeNotes(details.instructions.trim()).slice(0, 2048) } : {}),
});

/** conferenceData.notes "can contain HTML": ours is text, so it is escaped. */
const escapeNotes = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\n/g, '<br>');

const videoUri = (data: ConferenceData | undefined): string | undefined =>
  data?.entryPoints?.find((entry) => entry.entryPointType === 'video')?.uri ?? undefined;

/** A conference we wrote: a third-party solution for this join URL (or meeting id). */
const isOurConference = (
  data: ConferenceData | undefined,
  joinUrl: string | null,
  meetingId?: string,
): boolean => {
  if (!data || data.conferenceSolution?.key?.type !== 'addOn') return false;
  return (
    (joinUrl !== null && videoUri(data) === joinUrl) ||
    (meetingId !== undefined && data.conferenceId === meetingId)
  );
};

const conferenceIsCurrent = (data: ConferenceData | undefined, wanted: ConferenceData): boolean =>
  data?.conferenceId === wanted.conferenceId &&
  videoUri(data) === videoUri(wanted) &&
  JSON.stringify(data?.entryPoints ?? []) === JSON.stringify(wanted.entryPoints ?? []);

/** What to write; `withoutConference`, what to write instead when Google refuses our conferenceData. */
interface GoogleChange {
  body: GoogleEvent;
  withoutConference?: GoogleEvent;
}

export const createGoogleCalendarProvider = (options: GoogleCalendarProviderOptions): CalendarProvider => {
  const rootUrl = options.rootUrl ?? DEFAULT_GOOGLE_API_ROOT_URL;
  const sendUpdates = options.sendUpdates ?? 'all';
  const maxConflictRetries = options.maxConflictRetries ?? 3;
  const now = options.now ?? (() => new Date());
  const timeoutMs = options.timeoutMs ?? 15_000;

  const api = createGoogleCalendarClient({
    rootUrl,
    timeoutMs,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
  });

  // Whether Google takes a third-party conference is the calling project's matter (a Workspace
  // add-on or not), not the event's or the host's: a project it refused is not asked again for a
  // while, since each try costs a whole refused request per booking. Once Google took ours, a later
  // refusal is about that event's data, so every change keeps trying.
  let conferenceAccepted = false;
  let conferenceRefusedAt: number | undefined;
  const skipsConference = (): boolean =>
    !conferenceAccepted &&
    conferenceRefusedAt !== undefined &&
    now().getTime() - conferenceRefusedAt < CONFERENCE_REFUSAL_MEMORY_MS;

  const getEvent = async (
    ref: CalendarRefOf<'google'>,
    withToken: WithToken,
  ): Promise<GoogleEvent | null> => {
    try {
      return await withToken((token) => api.getEvent(token, ref.calendarId, ref.eventId));
    } catch (error) {
      const status = readGoogleFailure(error).status;
      if (status === 404 || status === 410) return null;
      throw mapGoogleError('events.get', error, now());
    }
  };

  const patchEvent = async (
    ref: CalendarRefOf<'google'>,
    withToken: WithToken,
    etag: string | null | undefined,
    requestBody: GoogleEvent,
  ): Promise<WriteOutcome | 'conference_refused'> => {
    const withConference = requestBody.conferenceData !== undefined;
    try {
      await withToken((token) =>
        api.patchEvent(token, ref.calendarId, ref.eventId, requestBody, {
          sendUpdates,
          ...(withConference ? { conferenceDataVersion: 1 } : {}),
          // Concurrent edits (the host, the booking system): write only over the version we read.
          ifMatch: etag ?? undefined,
        }),
      );
      return 'patched';
    } catch (error) {
      const failure = readGoogleFailure(error);
      if (failure.status === 412) return 'conflict';
      if (failure.status === 404 || failure.status === 410) return 'gone';
      if (withConference && isConferenceDataRefusal(failure)) return 'conference_refused';
      throw mapGoogleError('events.patch', error, now());
    }
  };

  const writeChange = async (
    ref: CalendarRefOf<'google'>,
    withToken: WithToken,
    event: GoogleEvent,
    { body, withoutConference }: GoogleChange,
  ): Promise<WriteOutcome> => {
    if (withoutConference && skipsConference()) {
      return writeChange(ref, withToken, event, { body: withoutConference });
    }
    const outcome = await patchEvent(ref, withToken, event.etag, body);
    if (outcome === 'patched' && body.conferenceData) conferenceAccepted = true;
    if (outcome !== 'conference_refused') return outcome;
    // Google refuses a third-party conference from anything but a Workspace add-on: location and
    // description carry the join details alone.
    conferenceRefusedAt = now().getTime();
    if (withoutConference) return writeChange(ref, withToken, event, { body: withoutConference });
    throw new PermanentError(
      'calendar_request_invalid',
      `Google refused to clear the conference of event ${ref.eventId}`,
    );
  };

  const planApply = (event: GoogleEvent, details: JoinDetails): GoogleChange | null => {
    const current = event.description ?? '';
    const format = looksLikeHtml(current) ? 'html' : 'text';
    const block = renderJoinBlock(details, format);
    const blockIsCurrent = hasCurrentJoinBlock(current, block);
    const description = blockIsCurrent ? current : upsertJoinBlock(current, block, format);
    const wanted = buildConferenceData(details);
    const existingConference = event.conferenceData ?? undefined;
    // Someone else's conference (a Google Meet the host added) is left alone; ours is the one for
    // this meeting, or for the meeting the block showed before (a new host, a new meeting).
    const conferenceIsOursOrNone =
      !existingConference ||
      isOurConference(existingConference, details.joinUrl, details.meetingId) ||
      isOurConference(existingConference, findJoinUrlInBlock(current));
    const textChanged = !blockIsCurrent || (event.location ?? '') !== details.joinUrl;
    const conferenceStale =
      existingConference !== undefined &&
      conferenceIsOursOrNone &&
      !conferenceIsCurrent(existingConference, wanted);
    if (!textChanged && !conferenceStale) return null;

    const base: GoogleEvent = { description, location: details.joinUrl };
    return options.conferenceData !== 'never' && conferenceIsOursOrNone
      ? { body: { ...base, conferenceData: wanted }, withoutConference: base }
      : { body: base };
  };

  const planRemove = (event: GoogleEvent, joinUrl: string | null): GoogleChange | null => {
    const current = event.description ?? '';
    const ours = joinUrl ?? findJoinUrlInBlock(current);
    const description = removeJoinBlock(current, looksLikeHtml(current) ? 'html' : 'text');
    const locationIsOurs = ours !== null && (event.location ?? '').trim() === ours;
    const conferenceIsOurs = isOurConference(event.conferenceData ?? undefined, ours);
    if (description === current && !locationIsOurs && !conferenceIsOurs) return null;
    return {
      body: {
        ...(description !== current ? { description } : {}),
        ...(locationIsOurs ? { location: '' } : {}),
        // Patch semantics: a field sent as null is cleared.
        ...(conferenceIsOurs ? { conferenceData: null } : {}),
      },
    };
  };

  return createEventEditor({
    vendor: 'Google',
    provider: 'google',
    maxConflictRetries,
    tokens: createHostTokens(options.tokens, readGoogleFailure),
    read: getEvent,
    isCancelled: (event) => event.status === 'cancelled',
    describeAbsent: (ref, cancelled) =>
      `Google event ${ref.eventId} in calendar ${ref.calendarId} ${cancelled ? 'was deleted' : 'does not exist or cannot be seen by this host'}`,
    planApply,
    planRemove,
    write: writeChange,
  });
};
