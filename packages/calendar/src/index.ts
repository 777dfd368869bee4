// @meetlink/calendar: the CalendarProvider port and its Google and Outlook adapters.
export type { ApplyResult, CalendarProvider, HostRef, JoinDetails, RemoveResult } from './calendar-provider';
export {
  JOIN_BLOCK_END,
  JOIN_BLOCK_START,
  escapeHtml,
  findJoinUrlInBlock,
  formatWhen,
  hasCurrentJoinBlock,
  hasJoinBlock,
  looksLikeHtml,
  removeJoinBlock,
  renderJoinBlock,
  upsertJoinBlock,
} from './join-block';
export type { BlockFormat } from './join-block';
export {
  DEFAULT_GOOGLE_API_ROOT_URL,
  DEFAULT_GOOGLE_OAUTH_TOKEN_URL,
  buildConferenceData,
  createGoogleCalendarProvider,
} from './google-calendar-provider';
export type { GoogleCalendarProviderOptions } from './google-calendar-provider';
export type { GoogleServiceAccount } from './google-auth';
export { GOOGLE_CALENDAR_SCOPE } from './google-auth';
export { DEFAULT_MS_AUTHORITY_HOST, createOutlookCalendarProvider } from './outlook-calendar-provider';
export type { OutlookCalendarProviderOptions } from './outlook-calendar-provider';
export { DEFAULT_GRAPH_BASE_URL } from './graph-client';
export { mapGoogleError } from './google-errors';
export { mapGraphError } from './graph-errors';
export type { AccessTokenSource } from './access-tokens';
/** Re-exported for callers that used it from here; it lives with the meeting contract. */
export { formatMeetingId } from '@meetlink/events';
