// The two Calendar API v3 calls the Google adapter makes, events.get and events.patch, over plain
// fetch (https://developers.google.com/calendar/api/v3/reference/events). The googleapis client
// made the same requests through gaxios and an OAuth2Client per call, which about doubled the CPU
// of each. Nothing here retries: 412 is retried by the adapter, the rest by the queue.
import { exchangeJson, failureOf, isSuccess, withTimeout } from './calendar-http';

/** An event resource's fields the adapter reads or writes; the rest passes through unread. */
export interface GoogleEvent {
  id?: string;
  etag?: string;
  /** 'confirmed', 'tentative' or 'cancelled' (a deleted event still readable by id). */
  status?: string;
  description?: string | null;
  location?: string | null;
  /** Patch semantics: null clears it. */
  conferenceData?: GoogleConferenceData | null;
}

export interface GoogleEntryPoint {
  entryPointType?: string;
  uri?: string;
  label?: string;
  meetingCode?: string;
  passcode?: string;
  entryPointFeatures?: string[];
  regionCode?: string;
}

export interface GoogleConferenceData {
  conferenceId?: string;
  conferenceSolution?: { key?: { type?: string }; name?: string; iconUri?: string };
  entryPoints?: GoogleEntryPoint[];
  notes?: string;
}

export interface GooglePatchOptions {
  sendUpdates: 'all' | 'externalOnly' | 'none';
  /** 1 when the body carries conferenceData: with 0 (the default) Google ignores it. */
  conferenceDataVersion?: 0 | 1;
  /** The ETag read: Google answers 412 if the event changed since. */
  ifMatch?: string | undefined;
}

export interface GoogleCalendarClient {
  getEvent(token: string, calendarId: string, eventId: string): Promise<GoogleEvent>;
  patchEvent(
    token: string,
    calendarId: string,
    eventId: string,
    body: GoogleEvent,
    options: GooglePatchOptions,
  ): Promise<GoogleEvent>;
}

export interface GoogleCalendarClientOptions {
  /** GOOGLE_API_ROOT_URL: only its origin counts, the API is under /calendar/v3 (as googleapis had it). */
  rootUrl: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

export const createGoogleCalendarClient = ({
  rootUrl,
  timeoutMs,
  fetch: fetchImpl,
}: GoogleCalendarClientOptions): GoogleCalendarClient => {
  const apiRoot = `${new URL(rootUrl).origin}/calendar/v3`;
  const eventUrl = (calendarId: string, eventId: string): string =>
    `${apiRoot}/calendars/${encodeURIComponent(calendarId)}/events/${encodeURIComponent(eventId)}`;

  const send = async (
    token: string,
    method: 'GET' | 'PATCH',
    url: string,
    extra: { headers?: Record<string, string>; body?: GoogleEvent } = {},
  ): Promise<GoogleEvent> => {
    const answer = await withTimeout(timeoutMs, (signal) =>
      exchangeJson(fetchImpl, { method, url, token, ...extra, signal }),
    );
    if (!isSuccess(answer.status)) throw failureOf('Google Calendar', answer);
    // Google answers a 2xx with the event resource, every field of which is read as optional.
    return answer.body ?? {};
  };

  return {
    getEvent: (token, calendarId, eventId) => send(token, 'GET', eventUrl(calendarId, eventId)),
    patchEvent: (token, calendarId, eventId, body, { sendUpdates, conferenceDataVersion, ifMatch }) => {
      const query = new URLSearchParams({ sendUpdates });
      if (conferenceDataVersion !== undefined)
        query.set('conferenceDataVersion', String(conferenceDataVersion));
      return send(token, 'PATCH', `${eventUrl(calendarId, eventId)}?${query.toString()}`, {
        body,
        ...(ifMatch ? { headers: { 'if-match': ifMatch } } : {}),
      });
    },
  };
};
