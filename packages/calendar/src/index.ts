// @meetlink/calendar: the Google and Outlook adapters of @meetlink/ports' CalendarProvider.
// The join block's own API (render, upsert, remove, find) is public: its README documents it.
export * from './join-block';
export {
  DEFAULT_GOOGLE_API_ROOT_URL,
  buildConferenceData,
  createGoogleCalendarProvider,
} from './google-calendar-provider';
export type { GoogleCalendarProviderOptions } from './google-calendar-provider';
export { createOutlookCalendarProvider } from './outlook-calendar-provider';
export type { OutlookCalendarProviderOptions } from './outlook-calendar-provider';
export { DEFAULT_GRAPH_BASE_URL } from './graph-client';
export { googleCalendarOperationOf, graphOperationOf } from './calendar-operations';
export { mapGoogleError } from './google-errors';
export { mapGraphError } from './graph-errors';
