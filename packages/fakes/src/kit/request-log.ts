// Every request a fake served, in arrival order, with its outcome filled in when the answer is sent
// (or the socket is destroyed: status 0), and the Retry-Afters the fake handed out, so a test can ask
// whether a client came back too early.
import type { Request, RequestHandler, Response } from 'express';

/** What every fake logs of a request. */
export interface LoggedRequest {
  method: string;
  /** Path without the query. */
  path: string;
  /** 0 when the socket closed before an answer. */
  status: number;
  /** When it arrived, by the fake's clock (ms since the epoch). */
  at: number;
  /** It came before a Retry-After the fake had given ran out. */
  beforeRetryAfter: boolean;
}

/** A Retry-After as the fake remembers it: until when the client should have waited. */
export interface GivenRetryAfter {
  until: number;
}

interface Given<G> {
  /** The arrival number of the request it was given to. */
  seq: number;
  retryAfter: G;
}

export class RequestLog<R extends LoggedRequest, G extends GivenRetryAfter = GivenRetryAfter> {
  private records: R[] = [];
  private readonly seqs = new WeakMap<R, number>();
  private given: Array<Given<G>> = [];

  constructor(private readonly now: () => Date) {}

  /** Logs a request as it arrives: status 0 and not before a Retry-After until told otherwise. */
  open(fields: Omit<R, 'status' | 'at' | 'beforeRetryAfter'>): R {
    const record = { ...fields, status: 0, at: this.now().getTime(), beforeRetryAfter: false } as R;
    this.seqs.set(record, this.records.length);
    this.records.push(record);
    return record;
  }

  giveRetryAfter(record: R, retryAfter: G): void {
    this.given.push({ seq: this.seqOf(record), retryAfter });
  }

  /**
   * Whether `record` arrived while a Retry-After given to an earlier request still ran; `applies` says
   * which Retry-Afters speak to this request (default: all).
   */
  isBeforeRetryAfter(record: R, applies: (retryAfter: G) => boolean = () => true): boolean {
    const seq = this.seqOf(record);
    return this.given.some(
      (given) => given.seq < seq && record.at < given.retryAfter.until && applies(given.retryAfter),
    );
  }

  lastRetryAfter(): G | undefined {
    return this.given.at(-1)?.retryAfter;
  }

  /** Every request in arrival order, each as `view` shows it (a copy). */
  list<V>(view: (record: R) => V): V[] {
    return this.records.map(view);
  }

  clear(): void {
    this.records = [];
    this.given = [];
  }

  private seqOf(record: R): number {
    return this.seqs.get(record) ?? this.records.length;
  }
}

/** The logged record of the request `res` answers (set by logRequests). */
export const loggedRecord = <R extends LoggedRequest>(res: Response): R => res.locals['record'] as R;

/** The query's string parameters, as a log keeps them. */
export const stringQuery = (req: Request): Record<string, string> => {
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(req.query)) if (typeof value === 'string') query[key] = value;
  return query;
};

/**
 * Logs every request (`open` makes its record) and settles it once, when the answer is sent or the
 * socket is destroyed: its status, then whatever `settle` adds.
 */
export const logRequests =
  <R extends LoggedRequest>(
    open: (req: Request) => R,
    settle?: (record: R, res: Response) => void,
  ): RequestHandler =>
  (req, res, next) => {
    const record = open(req);
    res.locals['record'] = record;
    let settled = false;
    const finish = (answered: boolean): void => {
      if (settled) return;
      settled = true;
      record.status = answered ? res.statusCode : 0;
      settle?.(record, res);
    };
    res.on('finish', () => finish(true));
    res.on('close', () => finish(res.writableFinished));
    next();
  };

/**
 * Logs each request with its query, judged on arrival against the Retry-Afters given so far (the
 * calendar fakes give theirs before any route runs).
 */
export const logRequestsWithQuery = <R extends LoggedRequest & { query: Record<string, string> }>(
  log: RequestLog<R>,
): RequestHandler =>
  logRequests((req) => {
    // Every other field of R is optional: filled in by the routes.
    const fields = { method: req.method, path: req.path, query: stringQuery(req) };
    const record = log.open(fields as Omit<R, 'status' | 'at' | 'beforeRetryAfter'>);
    record.beforeRetryAfter = log.isBeforeRetryAfter(record);
    return record;
  });
