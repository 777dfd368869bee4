// CalendarProvider for Outlook through Microsoft Graph: GET then PATCH /users/{id}/events/{id} with
// If-Match, writing location (displayName, locationUri) and the join block in the HTML body. Never
// isOnlineMeeting/onlineMeetingProvider: they create a Teams meeting that cannot be undone.
import { PermanentError, RetryableError } from '@meetlink/errors';
import type { CalendarRef } from '@meetlink/events';
import type {
  AccessTokenSource,
  ApplyResult,
  CalendarProvider,
  HostRef,
  JoinDetails,
  RemoveResult,
} from '@meetlink/ports';
import { createGraphClientFactory, DEFAULT_GRAPH_BASE_URL } from './graph-client';
import type { GraphClientFactory } from './graph-client';
import { isEventNotFound, mapGraphError, readGraphFailure } from './graph-errors';
import {
  findJoinUrlInBlock,
  hasCurrentJoinBlock,
  removeJoinBlock,
  renderJoinBlock,
  upsertJoinBlock,
} from './join-block';
import { withHostToken } from './with-host-token';
import { eventGoneWhileWriting } from './transient-errors';

export interface OutlookCalendarProviderOptions {
  /** GRAPH_BASE_URL, version included. */
  graphBaseUrl?: string;
  /** A 429/503 whose Retry-After is at most this long is waited out in place; longer goes back to the queue. Default 10 s. */
  maxRetryDelayMs?: number;
  /** In-place retries of throttled calls. Default 2 (Graph's client allows at most 10). */
  maxRetries?: number;
  /** Re-reads after a 412 before giving up with a retryable `calendar_edit_conflict`. Default 3. */
  maxConflictRetries?: number;
  timeoutMs?: number;
  now?: () => Date;
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

const EVENT_FIELDS = ['id', 'subject', 'body', 'location', 'isCancelled'];

export const createOutlookCalendarProvider = (options: OutlookCalendarProviderOptions): CalendarProvider => {
  const now = options.now ?? (() => new Date());
  const maxConflictRetries = options.maxConflictRetries ?? 3;
  const { tokens } = options;
  const maxRetryDelayMs = options.maxRetryDelayMs ?? 10_000;
  const maxRetries = options.maxRetries ?? 2;
  const clientFor: GraphClientFactory = createGraphClientFactory({
    graphBaseUrl: options.graphBaseUrl ?? DEFAULT_GRAPH_BASE_URL,
    maxRetryDelayMs,
    maxRetries,
    now,
  });
  // Covers the in-place waits for Retry-After too.
  const timeoutMs = (options.timeoutMs ?? 15_000) + maxRetries * maxRetryDelayMs;

  const eventPath = (ref: Extract<CalendarRef, { provider: 'outlook' }>): string =>
    `/users/${encodeURIComponent(ref.userId)}/events/${encodeURIComponent(ref.eventId)}`;

  /** One Graph call with the host's token; a 401 drops the token and tries once more with a new one. */
  const withHostAuth = <T>(
    host: HostRef,
    call: (client: ReturnType<GraphClientFactory>) => Promise<T>,
  ): Promise<T> =>
    withHostToken(
      tokens,
      host,
      (token) => call(clientFor(token)),
      (error) => readGraphFailure(error).status === 401,
    );

  const getEvent = async (
    ref: Extract<CalendarRef, { provider: 'outlook' }>,
    host: HostRef,
  ): Promise<GraphEvent | null> => {
    try {
      return (await withHostAuth(host, (client) =>
        client
          .api(eventPath(ref))
          // The body as HTML whatever it was saved as: the block is written in HTML.
          .header('Prefer', 'outlook.body-content-type="html"')
          .select(EVENT_FIELDS)
          .option('signal', AbortSignal.timeout(timeoutMs))
          .get(),
      )) as GraphEvent;
    } catch (error) {
      if (isEventNotFound(readGraphFailure(error))) return null;
      throw mapGraphError('GET event', error, now());
    }
  };

  type PatchOutcome = 'patched' | 'conflict' | 'gone';

  const patchEvent = async (
    ref: Extract<CalendarRef, { provider: 'outlook' }>,
    host: HostRef,
    etag: string | undefined,
    body: Record<string, unknown>,
  ): Promise<PatchOutcome> => {
    try {
      await withHostAuth(host, (client) => {
        let request = client.api(eventPath(ref)).option('signal', AbortSignal.timeout(timeoutMs));
        if (etag) request = request.header('If-Match', etag);
        return request.patch(body) as Promise<unknown>;
      });
      return 'patched';
    } catch (error) {
      const failure = readGraphFailure(error);
      if (failure.status === 412) return 'conflict';
      if (isEventNotFound(failure)) return 'gone';
      throw mapGraphError('PATCH event', error, now());
    }
  };

  const asOutlook = (ref: CalendarRef): Extract<CalendarRef, { provider: 'outlook' }> => {
    if (ref.provider !== 'outlook') {
      throw new PermanentError(
        'calendar_provider_mismatch',
        `a ${ref.provider} event was handed to the Outlook adapter`,
      );
    }
    return ref;
  };

  const conflictError = (ref: CalendarRef): RetryableError =>
    new RetryableError(
      'calendar_edit_conflict',
      `Outlook event ${ref.eventId} kept changing under us (412 ${maxConflictRetries + 1} times)`,
      { retryAfterMs: 1_000 },
    );

  const locationIs = (location: GraphLocation | null | undefined, url: string): boolean =>
    (location?.displayName ?? '').trim() === url || (location?.locationUri ?? '').trim() === url;

  return {
    applyJoinBlock: async (anyRef, host, details: JoinDetails): Promise<ApplyResult> => {
      const ref = asOutlook(anyRef);
      const block = renderJoinBlock(details, 'html');
      for (let attempt = 0; attempt <= maxConflictRetries; attempt += 1) {
        const event = await getEvent(ref, host);
        if (!event || event.isCancelled) {
          throw new PermanentError(
            event ? 'calendar_event_gone' : 'calendar_event_not_found',
            `Outlook event ${ref.eventId} of ${ref.userId} ${event ? 'was cancelled' : 'does not exist'}`,
          );
        }
        const current = event.body?.content ?? '';
        const locationCurrent =
          (event.location?.displayName ?? '') === details.joinUrl &&
          (event.location?.locationUri ?? '') === details.joinUrl;
        // Exchange rewrites the HTML it stores, so "the same block" is judged by its text.
        if (locationCurrent && hasCurrentJoinBlock(current, block)) return 'unchanged';
        const outcome = await patchEvent(ref, host, event['@odata.etag'], {
          body: { contentType: 'html', content: upsertJoinBlock(current, block, 'html') },
          location: { displayName: details.joinUrl, locationUri: details.joinUrl },
        });
        if (outcome === 'patched') return 'patched';
        if (outcome === 'gone') throw eventGoneWhileWriting('Outlook', ref.eventId);
      }
      throw conflictError(anyRef);
    },

    removeJoinBlock: async (anyRef, host, joinUrl): Promise<RemoveResult> => {
      const ref = asOutlook(anyRef);
      for (let attempt = 0; attempt <= maxConflictRetries; attempt += 1) {
        const event = await getEvent(ref, host);
        if (!event || event.isCancelled) return 'event_gone';
        const current = event.body?.content ?? '';
        const ours = joinUrl ?? findJoinUrlInBlock(current);
        const content = removeJoinBlock(current, 'html');
        const locationIsOurs = ours !== null && locationIs(event.location, ours);
        if (content === current && !locationIsOurs) return 'unchanged';
        const outcome = await patchEvent(ref, host, event['@odata.etag'], {
          ...(content !== current ? { body: { contentType: 'html', content } } : {}),
          ...(locationIsOurs ? { location: { displayName: '', locationUri: '' } } : {}),
        });
        if (outcome === 'patched') return 'removed';
        if (outcome === 'gone') return 'event_gone';
      }
      throw conflictError(anyRef);
    },
  };
};
