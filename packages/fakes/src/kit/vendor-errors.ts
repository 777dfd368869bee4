// What the fakes' error answers share: an error with an HTTP status and headers that a route throws,
// and a renderer that answers it in the vendor's own shape (anything else is a bug in the fake:
// logged, and answered as the vendor's 500).
import type { ErrorRequestHandler, Request, Response } from 'express';

/** Thrown by a fake's routes: an HTTP status, what the vendor says (`detail`) and its headers. */
export class VendorHttpError<D extends { message: string } = { message: string }> extends Error {
  constructor(
    readonly status: number,
    readonly detail: D,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail.message);
    this.name = new.target.name;
  }
}

/** A `retry-after` header in seconds, when there is one. */
export const retryAfterHeader = (seconds: number | undefined): Record<string, string> =>
  seconds !== undefined ? { 'retry-after': String(seconds) } : {};

export const renderVendorErrors =
  <E extends VendorHttpError>(spec: {
    vendor: string;
    /** The vendor error `error` is, or stands for; undefined for a bug. */
    recognize(error: unknown): E | undefined;
    /** The vendor's own 500. */
    internal(): E;
    send(error: E, req: Request, res: Response): void;
  }): ErrorRequestHandler =>
  (error: unknown, req, res, _next) => {
    let known = spec.recognize(error);
    if (!known) {
      console.error(`fake ${spec.vendor}: unexpected error`, error);
      known = spec.internal();
    }
    if (res.headersSent) return;
    spec.send(known, req, res);
  };
