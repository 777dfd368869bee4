// JSON as the vendors read it: any body, whatever its content type, and the objects in it.
import express from 'express';
import type { RequestHandler } from 'express';

/** Any body as JSON (whatever its content type, any JSON value); one that does not parse is `invalid()`. */
export const jsonBody =
  (limit: string, invalid: () => Error): RequestHandler =>
  (req, res, next) => {
    express.json({ type: () => true, strict: false, limit })(req, res, (error?: unknown) => {
      next(error ? invalid() : undefined);
    });
  };

export const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
