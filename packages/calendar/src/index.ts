// @meetlink/calendar: the Google and Outlook adapters of @meetlink/ports' CalendarProvider.
export {
  JOIN_BLOCK_END,
  JOIN_BLOCK_START,
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
  buildConferenceData,
  createGoogleCalendarProvider,
} from './google-calendar-provider';
export type { GoogleCalendarProviderOptions } from './google-calendar-provider';
export { createOutlookCalendarProvider } from './outlook-calendar-provider';
export type { OutlookCalendarProviderOptions } from './outlook-calendar-provider';
export { DEFAULT_GRAPH_BASE_URL } from './graph-client';
export { mapGoogleError } from './google-errors';
export { mapGraphError } from './graph-errors';
/** Re-exported for callers that used it from here; it lives with the meeting contract. */
export { formatMeetingId } from '@meetlink/events';
