// Zoom's error answers: `{code, message}` with an HTTP status, `errors: [{field, message}]` for validation
// (developers.zoom.us/docs/api/errors), and the same document in XML when Zoom picks XML.
import { VendorHttpError } from '../kit/vendor-errors';

export interface ZoomFieldError {
  field: string;
  message: string;
}

export interface ZoomErrorBody {
  code: number;
  message: string;
  errors?: ZoomFieldError[];
}

/** Thrown by route handlers; the error renderer answers its `detail` as Zoom would. */
export class ZoomApiError extends VendorHttpError<ZoomErrorBody> {}

export const invalidAccessToken = (): ZoomApiError =>
  new ZoomApiError(401, { code: 124, message: 'Invalid access token.' });

export const expiredAccessToken = (): ZoomApiError =>
  new ZoomApiError(401, { code: 124, message: 'Access token is expired.' });

export const userNotFound = (userId: string): ZoomApiError =>
  new ZoomApiError(404, { code: 1001, message: `User does not exist: ${userId}.` });

export const meetingNotFound = (meetingId: string): ZoomApiError =>
  new ZoomApiError(404, { code: 3001, message: `Meeting does not exist: ${meetingId}.` });

export const invalidJsonBody = (): ZoomApiError =>
  new ZoomApiError(400, { code: 300, message: 'Request Body should be a valid JSON object.' });

export const validationFailed = (errors: ZoomFieldError[]): ZoomApiError =>
  new ZoomApiError(400, { code: 300, message: 'Validation Failed.', errors });

export const routeNotFound = (): ZoomApiError => new ZoomApiError(404, { code: 404, message: 'Not Found' });

const escapeXml = (text: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/**
 * The XML Zoom has been seen to answer instead of JSON, e.g. for a bad passcode:
 * `<?xml …?><result><code>300</code><message>Validation Failed.</message><errors><field>password</field>…`
 */
export const renderErrorXml = (body: ZoomErrorBody): string => {
  const errors = (body.errors ?? [])
    .map(
      (e) =>
        `<errors><field>${escapeXml(e.field)}</field><message>${escapeXml(e.message)}</message></errors>`,
    )
    .join('');
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
    `<result><code>${body.code}</code><message>${escapeXml(body.message)}</message>${errors}</result>`
  );
};
