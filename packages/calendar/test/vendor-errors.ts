// What each calendar client throws for a vendor's answer, as the vendor sends it: for the unit tests
// of google-errors.ts, graph-errors.ts and the mapping they share (transient-errors.ts).
import { CalendarHttpError } from '../src/calendar-http';

/** Google's answer: its status, its error body (`{error: {code, message, errors: [...]}}`) and headers. */
export const googleError = (
  status: number,
  reason: string,
  message: string,
  headers: Record<string, string> = {},
): CalendarHttpError =>
  new CalendarHttpError(
    status,
    { error: { code: status, message, errors: [{ domain: 'global', reason, message }] } },
    new Headers(headers),
    message,
  );

/** Graph's answer: its status, its error body (`{error: {code, message, innerError}}`) and headers. */
export const graphError = (
  statusCode: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): CalendarHttpError =>
  new CalendarHttpError(
    statusCode,
    { error: { code, message, innerError: { 'request-id': 'r-1', date: '2030-01-01T00:00:00' } } },
    new Headers(headers),
    message,
  );
