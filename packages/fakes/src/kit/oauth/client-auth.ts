// How a client proves who it is: at a token endpoint, its id and secret as HTTP Basic or as form
// fields (RFC 6749 §2.3.1); at an API, `Authorization: Bearer <access token>` (RFC 6750).
import type { Request, RequestHandler, Response } from 'express';
import type { AccessCheck } from './tokens';

export interface ClientCredentials {
  clientId?: string;
  clientSecret?: string;
}

/** A non-empty string field of a parsed form or query, else undefined. */
export const formField = (body: unknown, name: string): string | undefined => {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

const basicCredentials = (header: string | undefined): ClientCredentials | undefined => {
  const encoded = /^Basic\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (!encoded) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  const clientId = decoded.slice(0, colon);
  return { ...(clientId ? { clientId } : {}), clientSecret: decoded.slice(colon + 1) };
};

/** HTTP Basic when the request carries it, else `client_id` and `client_secret` of the form body. */
export const readClientCredentials = (req: Request): ClientCredentials => {
  const basic = basicCredentials(req.get('authorization'));
  if (basic) return basic;
  const clientId = formField(req.body, 'client_id');
  const clientSecret = formField(req.body, 'client_secret');
  return { ...(clientId ? { clientId } : {}), ...(clientSecret ? { clientSecret } : {}) };
};

export type ClientCheck<A> =
  | { ok: true; client: A }
  /** `client` is there when only the secret was wrong. */
  | { ok: false; reason: 'missing' | 'unknown' | 'secret'; client?: A };

/** Whether the credentials name a registered client (`find`) and carry its secret. */
export const checkClient = <A extends { clientSecret: string }>(
  credentials: ClientCredentials,
  find: (clientId: string) => A | undefined,
): ClientCheck<A> => {
  if (!credentials.clientId) return { ok: false, reason: 'missing' };
  const client = find(credentials.clientId);
  if (!client) return { ok: false, reason: 'unknown' };
  if (client.clientSecret !== credentials.clientSecret) return { ok: false, reason: 'secret', client };
  return { ok: true, client };
};

/** Who the bearer token of the request `res` answers speaks for (set by requireBearer); else `missing()`. */
export const bearerPrincipal = <P>(res: Response, missing: () => Error): P => {
  const principal = res.locals['principal'] as P | undefined;
  if (principal === undefined) throw missing();
  return principal;
};

/**
 * Every request needs a live bearer token: `check` looks it up, `reject` is the vendor's 401 for a
 * missing, unknown or expired one, and `accept` may still refuse it (a scope) or note who it is.
 */
export const requireBearer =
  <P>(spec: {
    check(token: string): AccessCheck<P>;
    reject(reason: 'missing' | 'invalid' | 'expired'): Error;
    accept?(principal: P, res: Response): Error | undefined;
  }): RequestHandler =>
  (req, res, next) => {
    const token = /^Bearer\s+(\S+)\s*$/i.exec(req.get('authorization') ?? '')?.[1];
    const check = token ? spec.check(token) : ({ ok: false, reason: 'missing' } as const);
    if (!check.ok) {
      next(spec.reject(check.reason));
      return;
    }
    const refused = spec.accept?.(check.principal, res);
    if (refused) {
      next(refused);
      return;
    }
    res.locals['principal'] = check.principal;
    next();
  };
