// Answers errors as Zoom does: its `{code, message}` JSON, or the same in XML while an xml_error fault
// is pending. Anything that is not a Zoom error is a bug in the fake: 500, and it is logged.
import type { ErrorRequestHandler } from 'express';
import type { FakeZoomState } from './fake-zoom-state';
import { renderErrorXml, ZoomApiError } from './zoom-errors';

const fromBodyParser = (error: unknown): ZoomApiError | undefined => {
  const type = (error as { type?: unknown }).type;
  if (typeof type !== 'string') return undefined;
  return new ZoomApiError(400, { code: 300, message: 'Request Body should be a valid JSON object.' });
};

export const renderErrors =
  (state: FakeZoomState): ErrorRequestHandler =>
  (error: unknown, req, res, _next) => {
    let zoomError = error instanceof ZoomApiError ? error : fromBodyParser(error);
    if (!zoomError) {
      console.error('fake Zoom: unexpected error', error);
      zoomError = new ZoomApiError(500, { code: 500, message: 'Internal Error' });
    }
    if (res.headersSent) return;
    res.status(zoomError.status).set(zoomError.headers);
    if (req.path.startsWith('/v2') && state.faults.take('xml_error', req.path)) {
      res.type('application/xml').send(renderErrorXml(zoomError.body));
      return;
    }
    res.json(zoomError.body);
  };
