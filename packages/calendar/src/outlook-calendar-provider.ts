// CalendarProvider for Outlook through Microsoft Graph: GET then PATCH /users/{id}/events/{id} with
// If-Match, writing location (displayName, locationUri) and the join block in the HTML body. Never
// isOnlineMeeting/onlineMeetingProvider: they create a Teams meeting that cannot be undone.
import type { AccessTokenSource, CalendarProvider } from '@meetlink/ports';
import { createEventEditor } from './event-editor';
import type { CalendarRefOf, WriteOutcome } from './event-editor';
import { createGraphClient, DEFAULT_GRAPH_BASE_URL } from './graph-client';
import { isEventNotFound, mapGraphError, readGraphFailure } from './graph-errors';
import {
  findJoinUrlInBlock,
  hasCurrentJoinBlock,
  removeJoinBlock,
  renderJoinBlock,
  upsertJoinBlock,
} from './join-block';
import { createHostTokens } from './with-host-token';
import type { WithToken } from './with-host-token';

export interface OutlookCalendarProviderOptions {
  /** GRAPH_BASE_URL, version included. */
  graphBaseUrl?: string;
  /** A 429/503 whose Retry-After is at most this long is waited out in place; longer goes back to the queue. Default 10 s. */
  maxRetryDelayMs?: number;
  /** In-place retries of throttled calls. Default 2. */
  maxRetries?: number;
  /** Re-reads after a 412 before giving up with a retryable `calendar_edit_conflict`. Default 3. */
  maxConflictRetries?: number;
  timeoutMs?: number;
  now?: () => Date;
  /** Graph's HTTP calls go through it (an instrumented fetch); default the global one. */
  fetch?: typeof fetch;
  /** Hosts' bearer tokens: @meetlink/connections' createMicrosoftTokenSource (app, members' own). */
  tokens: AccessTokenSource;
}

interface GraphLocation {
  displayName?: string | null;
  locationUri?: string | null;
}

interface GraphEvent {
  id?: string;
  '@odata.etag'?: string;
  isCancelled?: boolean;
  body?: { contentType?: string; content?: string } | null;
  location?: GraphLocation | null;
}

const EVENT_FIELDS = ['id', 'subject', 'body', 'location', 'isCancelled'].join(',');

export const createOutlookCalendarProvider = (options: OutlookCalendarProviderOptions): CalendarProvider => {
  const now = options.now ?? (() => new Date());
  const maxConflictRetries = options.maxConflictRetries ?? 3;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 10_000;
  const maxRetries = options.maxRetries ?? 2;
  const graph = createGraphClient({
    graphBaseUrl: options.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL,
    maxRetryDelayMs,
    maxRetries,
    // Covers the in-place waits for Retry-After too.
    timeoutMs: (options.timeoutMs ?? 15_000) + maxRetries * maxRetryDelayMs,
    now,
    fetch: options.fetch ?? ((input, init) => fetch(input, init)),
  });

  const eventPath = (ref: CalendarRefOf<'outlook'>): string =>
    `/users/${encodeURIComponent(ref.userId)}/events/${encodeURIComponent(ref.eventId)}`;

  const getEvent = async (
    ref: CalendarRefOf<'outlook'>,
    withToken: WithToken,
  ): Promise<GraphEvent | null> => {
    try {
      return (await withToken((token) =>
        graph.request(token, {
          method: 'GET',
          path: `${eventPath(ref)}?$select=${EVENT_FIELDS}`,
          // The body as HTML whatever it was saved as: the block is written in HTML.
          headers: { prefer: 'outlook.body-content-type="html"' },
        }),
      )) as GraphEvent;
    } catch (error) {
      if (isEventNotFound(readGraphFailure(error))) return null;
      throw mapGraphError('GET event', error, now());
    }
  };

  const patchEvent = async (
    ref: CalendarRefOf<'outlook'>,
    withToken: WithToken,
    event: GraphEvent,
    body: Record<string, unknown>,
  ): Promise<WriteOutcome> => {
    const etag = event['@odata.etag'];
    try {
      await withToken((token) =>
        graph.request(token, {
          method: 'PATCH',
          path: eventPath(ref),
          ...(etag ? { headers: { 'if-match': etag } } : {}),
          body,
        }),
      );
      return 'patched';
    } catch (error) {
      const failure = readGraphFailure(error);
      if (failure.status === 412) return 'conflict';
      if (isEventNotFound(failure)) return 'gone';
      throw mapGraphError('PATCH event', error, now());
    }
  };

  const locationIs = (location: GraphLocation | null | undefined, url: string): boolean =>
    (location?.displayName ?? '').trim() === url || (location?.locationUri ?? '').trim() === url;

  return createEventEditor({
    vendor: 'Outlook',
    provider: 'outlook',
    maxConflictRetries,
    tokens: createHostTokens(options.tokens, readGraphFailure),
    read: getEvent,
    isCancelled: (event) => event.isCancelled === true,
    describeAbsent: (ref, cancelled) =>
      `Outlook event ${ref.eventId} of ${ref.userId} ${cancelled ? 'was cancelled' : 'does not exist'}`,
    planApply: (event, details): Record<string, unknown> | null => {
      const block = renderJoinBlock(details, 'html');
      const current = event.body?.content ?? '';
      const locationCurrent =
        (event.location?.displayName ?? '') === details.joinUrl &&
        (event.location?.locationUri ?? '') === details.joinUrl;
      // Exchange rewrites the HTML it stores, so "the same block" is judged by its text.
      if (locationCurrent && hasCurrentJoinBlock(current, block)) return null;
      return {
        body: { contentType: 'html', content: upsertJoinBlock(current, block, 'html') },
        location: { displayName: details.joinUrl, locationUri: details.joinUrl },
      };
    },
    planRemove: (event, joinUrl): Record<string, unknown> | null => {
      const current = event.body?.content ?? '';
      const ours = joinUrl ?? findJoinUrlInBlock(current);
      const content = removeJoinBlock(current, 'html');
      const locationIsOurs = ours !== null && locationIs(event.location, ours);
      if (content === current && !locationIsOurs) return null;
      return {
        ...(content !== current ? { body: { contentType: 'html', content } } : {}),
        ...(locationIsOurs ? { location: { displayName: '', locationUri: '' } } : {}),
      };
    },
    write: patchEvent,
  });
};
