// Graph's error answers: `{error: {code, message, innerError: {date, request-id, client-request-id}}}`
// (https://learn.microsoft.com/graph/errors), and the Microsoft identity platform's token endpoint
// errors: `{error, error_description: "AADSTS…", error_codes, timestamp, trace_id, correlation_id}`.
import { randomUUID } from 'node:crypto';
import { retryAfterHeader, VendorHttpError } from '../kit/vendor-errors';

export class GraphApiError extends VendorHttpError {
  constructor(
    status: number,
    readonly code: string,
    message: string,
    headers: Record<string, string> = {},
  ) {
    super(status, { message }, headers);
  }

  bodyFor(requestId: string, clientRequestId: string, at: Date): { error: Record<string, unknown> } {
    return {
      error: {
        code: this.code,
        message: this.message,
        innerError: {
          date: at.toISOString().replace(/\.\d{3}Z$/, ''),
          'request-id': requestId,
          'client-request-id': clientRequestId,
        },
      },
    };
  }
}

export const itemNotFound = (): GraphApiError =>
  new GraphApiError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');

export const invalidUser = (id: string): GraphApiError =>
  new GraphApiError(404, 'ErrorInvalidUser', `The requested user '${id}' is invalid.`);

export const tokenMissing = (): GraphApiError =>
  new GraphApiError(401, 'InvalidAuthenticationToken', 'Access token is empty.');

export const tokenInvalid = (): GraphApiError =>
  new GraphApiError(401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.');

export const tokenExpired = (): GraphApiError =>
  new GraphApiError(401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.');

export const accessDenied = (): GraphApiError =>
  new GraphApiError(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');

export const requestBodyRead = (message: string): GraphApiError =>
  new GraphApiError(400, 'RequestBodyRead', message);

export const unknownProperty = (name: string, type = 'Event'): GraphApiError =>
  requestBodyRead(
    `The property '${name}' does not exist on type 'Microsoft.OutlookServices.${type}'. Make sure to only use property names that are defined by the type or mark the type as open type.`,
  );

/** Writing a read-only property (onlineMeeting, onlineMeetingUrl, id, changeKey…). */
export const readOnlyProperty = (): GraphApiError =>
  new GraphApiError(400, 'ErrorInvalidPropertySet', 'Set action is invalid for property.');

export const badJson = (): GraphApiError =>
  new GraphApiError(
    400,
    'BadRequest',
    'Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format.',
  );

export const changeKeyMismatch = (): GraphApiError =>
  new GraphApiError(
    412,
    'ErrorIrresolvableConflict',
    'The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item.',
  );

export const segmentNotFound = (segment: string): GraphApiError =>
  new GraphApiError(400, 'BadRequest', `Resource not found for the segment '${segment}'.`);

export const throttled = (
  code: 'TooManyRequests' | 'ApplicationThrottled',
  retryAfterSeconds?: number,
): GraphApiError =>
  new GraphApiError(
    429,
    code,
    code === 'ApplicationThrottled'
      ? 'Application is over its MailboxConcurrency limit.'
      : 'Please retry again later.',
    retryAfterHeader(retryAfterSeconds),
  );

export const serverError = (status: 500 | 502 | 503 | 504, retryAfterSeconds?: number): GraphApiError =>
  new GraphApiError(
    status,
    status === 503 ? 'serviceNotAvailable' : 'UnknownError',
    status === 503 ? 'The service is not available. Try the request again after a delay.' : '',
    retryAfterHeader(retryAfterSeconds),
  );

export class AadError extends VendorHttpError {
  constructor(
    status: number,
    readonly error: string,
    readonly aadsts: number,
    readonly description: string,
  ) {
    super(status, { message: `${error}: AADSTS${aadsts}` });
  }

  bodyFor(at: Date): Record<string, unknown> {
    const traceId = randomUUID();
    const correlationId = randomUUID();
    const timestamp = at
      .toISOString()
      .replace('T', ' ')
      .replace(/\.\d{3}Z$/, 'Z');
    return {
      error: this.error,
      error_description: `AADSTS${this.aadsts}: ${this.description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${correlationId}\r\nTimestamp: ${timestamp}`,
      error_codes: [this.aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${this.aadsts}`,
    };
  }
}
