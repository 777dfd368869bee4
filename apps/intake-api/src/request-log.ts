// One `request` line per answer: method, path, status, time. An answer whose route has already logged
// what became of it (an event accepted, a stale version ignored) gets it at debug only: that is every
// event on the hot path, where the second line cost the intake about a tenth of its CPU.
import type { RequestHandler, Response } from 'express';
import type { Logger } from '@meetlink/observability';

const OUTCOME_LOGGED = 'isOutcomeLogged';

/** Says that the route logged this answer's outcome at info, so the request line may stay at debug. */
export const markOutcomeLogged = (res: Response): void => {
  res.locals[OUTCOME_LOGGED] = true;
};

export const requestLog =
  (logger: Logger): RequestHandler =>
  (req, res, next) => {
    const startedAt = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - startedAt) / 1e6;
      // The path only: query strings carry OAuth codes, states and link signatures.
      const line = { method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms) };
      if (res.locals[OUTCOME_LOGGED] === true) logger.debug(line, 'request');
      else logger.info(line, 'request');
    });
    next();
  };
