// Plays the injected latency, 5xx and 429 faults before a request reaches auth or a route, as a
// gateway in front of Zoom would.
import type { RequestHandler } from 'express';
import { faultGate } from '../kit/fault-gate';
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

export const playFaults = (state: FakeZoomState, pendingTimers: Set<NodeJS.Timeout>): RequestHandler =>
  faultGate(
    (req, res) => {
      const latency = state.faults.take('latency', req);
      if (!latency) return undefined;
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          pendingTimers.delete(timer);
          resolve(res.destroyed ? 'answered' : undefined);
        }, latency.ms);
        pendingTimers.add(timer);
      });
    },
    (req, res) => {
      const fault = state.faults.take('status', req);
      if (!fault) return undefined;
      const { type, body } = statusBody(fault.status);
      res.status(fault.status).type(type).send(body);
      return 'answered';
    },
    (req, res) => {
      const limit = state.faults.take('rate_limit', req);
      if (!limit) return undefined;
      const category = rateLimitCategory(req.path);
      const answer =
        limit.type === 'QPS'
          ? qpsLimited(category, state.now(), limit)
          : dailyLimited(category, state.now(), limit);
      if (answer.retryAfter) state.recordRetryAfter(zoomLocals(res).record, answer.retryAfter);
      return answer.error;
    },
  );
