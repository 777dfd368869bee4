// A token endpoint (RFC 6749 §3.2): a form POST whose grant_type picks the handler. Handlers answer
// the token response or throw the vendor's token error, which `answerError` renders in the vendor's
// shape; the request log learns the grant type and whom the token speaks for.
import express from 'express';
import type { Request, Response, Router } from 'express';
import { formField } from './client-auth';

export interface TokenAnswer {
  body: Record<string, unknown>;
  /** Whom the token speaks for, as the request log names it. */
  principal?: string;
}

/** A field of the form: a non-empty string, else undefined. */
export type FormField = (name: string) => string | undefined;

/** A grant's handler: it reads the form's fields and the request (its path, its Authorization). */
export type TokenGrant = (field: FormField, req: Request) => TokenAnswer;

export interface TokenEndpointSpec {
  /** Express path, e.g. '/oauth/token' or '/:tenant/oauth2/v2.0/token'. */
  path: string;
  grants: Partial<Record<string, TokenGrant>>;
  /** Throws the vendor's answer to a grant type it does not serve, or to none. */
  unsupported(grantType: string | undefined, req: Request): never;
  /** Answers a vendor token error; false for anything else, which is then a bug (rethrown). */
  answerError(error: unknown, res: Response): boolean;
  /** Tells the request log the grant type asked for, then (on success) whom the token is for. */
  note?(res: Response, fields: { grantType?: string; principal?: string }): void;
  /** Headers of a successful answer. */
  headers?: Record<string, string>;
  /** The form body's size limit (body-parser's; default 100kb). */
  bodyLimit?: string;
}

export const tokenEndpoint = (spec: TokenEndpointSpec): Router => {
  const router = express.Router();
  const form = express.urlencoded({ extended: false, ...(spec.bodyLimit ? { limit: spec.bodyLimit } : {}) });
  router.post(spec.path, form, (req, res) => {
    const field: FormField = (name) => formField(req.body, name);
    const grantType = field('grant_type');
    if (grantType) spec.note?.(res, { grantType });
    try {
      const grant = grantType && Object.hasOwn(spec.grants, grantType) ? spec.grants[grantType] : undefined;
      const answer = grant ? grant(field, req) : spec.unsupported(grantType, req);
      if (answer.principal !== undefined) spec.note?.(res, { principal: answer.principal });
      res.set(spec.headers ?? {}).json(answer.body);
    } catch (error) {
      if (!spec.answerError(error, res)) throw error;
    }
  });
  return router;
};
