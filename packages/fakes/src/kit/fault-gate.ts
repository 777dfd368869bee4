// Plays injected faults in front of the routes, before auth, as a vendor's gateway would: each step
// takes its fault from the queue and answers instead of the route (an error for the vendor's error
// renderer, or an answer of its own), or lets the request on.
import type { Request, RequestHandler, Response } from 'express';
import type { FaultQueue, InjectableFault } from './fault-queue';
import type { LoggedRequest, RequestLog } from './request-log';
import { loggedRecord } from './request-log';
import type { VendorHttpError } from './vendor-errors';

/** An error to answer with; 'answered' when the step answered (or dropped) the request itself. */
export type FaultOutcome = Error | 'answered' | undefined;

export type FaultStep = (req: Request, res: Response) => FaultOutcome | Promise<FaultOutcome>;

export const faultGate =
  (...steps: FaultStep[]): RequestHandler =>
  async (req, res, next) => {
    for (const step of steps) {
      const played = step(req, res);
      // Only a step that waits (latency) makes the request wait; the others decide at once.
      const outcome = played instanceof Promise ? await played : played;
      if (outcome === 'answered') return;
      if (outcome) {
        next(outcome);
        return;
      }
    }
    next();
  };

/**
 * A step that fails the request with the vendor error `toError` makes of a pending fault of `kind`;
 * the Retry-After that error's header tells the client goes on the log.
 */
export const failOn =
  <F extends InjectableFault, K extends F['kind'], R extends LoggedRequest>(
    state: { faults: FaultQueue<F>; log: RequestLog<R> },
    kind: K,
    toError: (fault: Extract<F, { kind: K }>) => VendorHttpError,
  ): FaultStep =>
  (req, res) => {
    const fault = state.faults.take(kind, req);
    if (!fault) return undefined;
    const error = toError(fault);
    const retryAfter = error.headers['retry-after'];
    if (retryAfter !== undefined) {
      const record = loggedRecord<R>(res);
      state.log.giveRetryAfter(record, { until: record.at + Number(retryAfter) * 1000 });
    }
    return error;
  };
