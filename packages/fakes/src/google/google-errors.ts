// Google's error answers, as https://developers.google.com/workspace/calendar/api/guides/errors
// shows them: `{error: {errors: [{domain, reason, message, locationType?, location?}], code, message}}`.
// The token endpoint answers RFC 6749 `{error, error_description}` instead.
import { retryAfterHeader, VendorHttpError } from '../kit/vendor-errors';

export interface GoogleErrorItem {
  domain: string;
  reason: string;
  message: string;
  locationType?: string;
  location?: string;
}

export class GoogleApiError extends VendorHttpError<GoogleErrorItem> {
  get body(): { error: { errors: GoogleErrorItem[]; code: number; message: string } } {
    return { error: { errors: [this.detail], code: this.status, message: this.detail.message } };
  }
}

export class TokenEndpointError extends VendorHttpError {
  constructor(
    status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(status, { message: `${error}: ${description}` });
  }
}

export const authError = (): GoogleApiError =>
  new GoogleApiError(401, {
    domain: 'global',
    reason: 'authError',
    message: 'Invalid Credentials',
    locationType: 'header',
    location: 'Authorization',
  });

export const insufficientScopes = (): GoogleApiError =>
  new GoogleApiError(403, {
    domain: 'global',
    reason: 'insufficientPermissions',
    message: 'Request had insufficient authentication scopes.',
  });

export const notFound = (): GoogleApiError =>
  new GoogleApiError(404, { domain: 'global', reason: 'notFound', message: 'Not Found' });

export const deleted = (): GoogleApiError =>
  new GoogleApiError(410, { domain: 'global', reason: 'deleted', message: 'Resource has been deleted' });

export const conditionNotMet = (): GoogleApiError =>
  new GoogleApiError(412, {
    domain: 'global',
    reason: 'conditionNotMet',
    message: 'Precondition Failed',
    locationType: 'header',
    location: 'If-Match',
  });

export const parseError = (): GoogleApiError =>
  new GoogleApiError(400, { domain: 'global', reason: 'parseError', message: 'Parse Error' });

export const invalidValue = (message: string): GoogleApiError =>
  new GoogleApiError(400, { domain: 'global', reason: 'invalid', message });

export const invalidParameter = (name: string, message: string): GoogleApiError =>
  new GoogleApiError(400, {
    domain: 'global',
    reason: 'invalidParameter',
    message,
    locationType: 'parameter',
    location: name,
  });

export const backendError = (status: 500 | 502 | 503 | 504, retryAfterSeconds?: number): GoogleApiError =>
  new GoogleApiError(
    status,
    { domain: 'global', reason: 'backendError', message: 'Backend Error' },
    retryAfterHeader(retryAfterSeconds),
  );

const RATE_LIMIT_MESSAGES = {
  rateLimitExceeded: 'Rate Limit Exceeded',
  userRateLimitExceeded: 'User Rate Limit Exceeded',
  quotaExceeded: 'Calendar usage limits exceeded.',
} as const;

export const rateLimited = (
  status: 403 | 429,
  reason: keyof typeof RATE_LIMIT_MESSAGES,
  retryAfterSeconds?: number,
): GoogleApiError =>
  new GoogleApiError(
    status,
    { domain: 'usageLimits', reason, message: RATE_LIMIT_MESSAGES[reason] },
    retryAfterHeader(retryAfterSeconds),
  );
