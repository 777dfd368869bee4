// Answers errors as Zoom does: its `{code, message}` JSON, or the same in XML while an xml_error fault
// is pending. Anything that is not a Zoom error is a bug in the fake: 500, and it is logged.
import type { ErrorRequestHandler } from 'express';
import { renderVendorErrors } from '../kit/vendor-errors';
import type { FakeZoomState } from './fake-zoom-state';
import { invalidJsonBody, renderErrorXml, ZoomApiError } from './zoom-errors';

/** body-parser's errors carry a `type`: a body Zoom could not read. */
const fromBodyParser = (error: unknown): ZoomApiError | undefined =>
  typeof (error as { type?: unknown }).type === 'string' ? invalidJsonBody() : undefined;

export const renderErrors = (state: FakeZoomState): ErrorRequestHandler =>
  renderVendorErrors({
    vendor: 'Zoom',
    recognize: (error) => (error instanceof ZoomApiError ? error : fromBodyParser(error)),
    internal: () => new ZoomApiError(500, { code: 500, message: 'Internal Error' }),
    send: (error, req, res) => {
      res.status(error.status).set(error.headers);
      if (req.path.startsWith('/v2') && state.faults.take('xml_error', req)) {
        res.type('application/xml').send(renderErrorXml(error.detail));
        return;
      }
      res.json(error.detail);
    },
  });
