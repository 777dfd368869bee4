// Authentication for every admin surface: `Authorization: Bearer <ADMIN_TOKEN>`, or HTTP Basic with
// ADMIN_USER / ADMIN_PASSWORD when those are set (not on requests another site started). Values are
// compared as SHA-256 digests with timingSafeEqual, so neither content nor length leaks through timing.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { ApiError } from './api-error';

export interface AdminCredentials {
  token: string;
  basic?: { user: string; password: string } | undefined;
}

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();
const same = (given: string, expected: Buffer): boolean => timingSafeEqual(digest(given), expected);

export interface AdminCheck {
  /** Whether the request carries valid admin credentials. */
  isAdmin(req: Request): boolean;
  /** Sets the challenge headers a 401 carries; `realm` names the surface in a browser's login prompt. */
  challenge(res: Response, realm?: string): void;
}

export const createAdminCheck = ({ token, basic }: AdminCredentials): AdminCheck => {
  const expectedToken = digest(token);
  const expectedUser = basic ? digest(basic.user) : undefined;
  const expectedPassword = basic ? digest(basic.password) : undefined;
  return {
    isAdmin: (req) => {
      const header = req.get('authorization') ?? '';
      const bearer = /^Bearer +(\S+) *$/i.exec(header)?.[1];
      if (bearer) return same(bearer, expectedToken);
      const encoded = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header)?.[1];
      if (!encoded || !expectedUser || !expectedPassword) return false;
      // Browsers resend cached Basic credentials on any request, a cross-site one too: a page elsewhere
      // could start a connect flow (connecting the admin's own account to a member of its choosing)
      // or call the API. Requests another site started are refused (Fetch Metadata); bearer tokens are
      // never sent by a browser on its own.
      const site = req.get('sec-fetch-site');
      if (site === 'cross-site' || site === 'same-site') return false;
      const decoded = Buffer.from(encoded, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon < 0) return false;
      // Both are compared every time: a right user name must not answer faster than a wrong one.
      const isUser = same(decoded.slice(0, colon), expectedUser);
      const isPassword = same(decoded.slice(colon + 1), expectedPassword);
      return isUser && isPassword;
    },
    challenge: (res, realm = 'meetlink-admin') => {
      res.append('WWW-Authenticate', `Bearer realm="${realm}"`);
      if (basic) res.append('WWW-Authenticate', `Basic realm="${realm}", charset="UTF-8"`);
    },
  };
};

export const unauthorized = (): ApiError =>
  new ApiError(401, 'unauthorized', 'valid admin credentials (bearer token or basic auth) are required');

export const requireAdmin = (check: AdminCheck, realm?: string): RequestHandler => {
  return (req, res, next) => {
    if (!check.isAdmin(req)) {
      check.challenge(res, realm);
      next(unauthorized());
      return;
    }
    next();
  };
};
