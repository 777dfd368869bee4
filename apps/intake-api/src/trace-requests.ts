// A server span per request while tracing is on (see @meetlink/observability's traceHttpRequest),
// named by the route template that answered (`POST /v1/events`, `GET /v1/bookings/:bookingId`), never
// by the raw path, which carries booking ids.
import type { Request, RequestHandler } from 'express';
import { traceHttpRequest } from '@meetlink/observability';

/** The template of the route that handled `req`, under its router's mount path; none for a 404. */
export const routeTemplateOf = (req: Request): string | undefined => {
  const path = (req as { route?: { path?: unknown } }).route?.path;
  return typeof path === 'string' ? `${req.baseUrl}${path}` : undefined;
};

/** Probes and scrapes come every few seconds and say nothing about a booking: no spans for them. */
const UNTRACED = new Set(['/healthz', '/readyz', '/metrics']);

export const traceRequests =
  (): RequestHandler =>
  (req, res, next): void => {
    if (UNTRACED.has(req.path)) {
      next();
      return;
    }
    traceHttpRequest(req, res, next, () => routeTemplateOf(req));
  };
