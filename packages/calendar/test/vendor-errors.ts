// What each calendar vendor's client throws, reduced to the parts our mappings read: for the unit
// tests of google-errors.ts, graph-errors.ts and the mapping they share (transient-errors.ts).
import { GraphError } from '@microsoft/microsoft-graph-client';

/** What gaxios throws for a Google answer: its status, Google's error body and the headers. */
export const gaxiosError = (
  status: number,
  reason: string,
  message: string,
  headers: Record<string, string> = {},
) =>
  Object.assign(new Error(message), {
    status,
    response: {
      status,
      headers: new Headers(headers),
      data: { error: { code: status, message, errors: [{ domain: 'global', reason, message }] } },
    },
  });

/** What @microsoft/microsoft-graph-client throws for a Graph answer. */
export const graphError = (
  statusCode: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): GraphError => Object.assign(new GraphError(statusCode, message), { code, headers: new Headers(headers) });
