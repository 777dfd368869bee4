// Plays the injected latency, 5xx and 429 faults before a request reaches auth or a route, as a
// gateway in front of Zoom would.
import type { RequestHandler } from 'express';
import type { FakeZoomState } from './fake-zoom-state';
import { dailyLimited, qpsLimited, rateLimitCategory } from './rate-limits';
import { zoomLocals } from './request-log';

/** What a gateway answers for each status; Zoom's own 500 is its JSON error shape. */
const statusBody = (status: 500 | 502 | 503 | 504): { type: string; body: string } => {
  if (status === 500)
    return { type: 'application/json', body: JSON.stringify({ code: 500, message: 'Internal Error' }) };
  const titles = { 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' };
  const title = `${status} ${titles[status]}`;
  return {
    type: 'text/html',
    body: `<html><head><title>${title}</title></head><body><h1>${title}</h1></body></html>`,
  };
};

export const playFaults =
  (state: FakeZoomState, pendingTimers: Set<NodeJS.Timeout>): RequestHandler =>
  async (req, res, next) => {
    const latency = state.faults.take('latency', req.path);
    if (latency) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          pendingTimers.delete(timer);
          resolve();
        }, latency.ms);
        pendingTimers.add(timer);
      });
      if (res.destroyed) return;
    }
    const status = state.faults.take('status', req.path);
    if (status) {
      const { type, body } = statusBody(status.status);
      res.status(status.status).type(type).send(body);
      return;
    }
    const limit = state.faults.take('rate_limit', req.path);
    if (limit) {
      const category = rateLimitCategory(req.path);
      const answer =
        limit.type === 'QPS'
          ? qpsLimited(category, state.now(), limit)
          : dailyLimited(category, state.now(), limit);
      if (answer.retryAfter) state.recordRetryAfter(zoomLocals(res).record, answer.retryAfter);
      next(answer.error);
      return;
    }
    next();
  };
