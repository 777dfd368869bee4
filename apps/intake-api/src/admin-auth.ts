// Bearer-token authentication for admin surfaces, compared in constant time.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { ApiError } from './api-error';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

export const requireAdmin = (adminToken: string): RequestHandler => {
  const expected = digest(adminToken);
  return (req, res, next) => {
    const match = /^Bearer (.+)$/i.exec(req.get('authorization') ?? '');
    if (!match?.[1] || !timingSafeEqual(digest(match[1]), expected)) {
      res.set('WWW-Authenticate', 'Bearer realm="meetlink-admin"');
      next(new ApiError(401, 'unauthorized', 'a valid admin bearer token is required'));
      return;
    }
    next();
  };
};
