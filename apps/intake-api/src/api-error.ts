// Every error the API answers with: `{error: {code, message, details?}}` and its HTTP status.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '@meetlink/observability';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const redisUnavailable = (cause?: unknown): ApiError =>
  Object.assign(new ApiError(503, 'redis_unavailable', 'the queue store cannot be reached; retry later'), {
    cause,
  });

/** body-parser's errors carry `type`; map the ones a client can cause to what they mean. */
const fromBodyParser = (error: { type?: unknown; limit?: unknown }): ApiError | undefined => {
  switch (error.type) {
    case 'entity.too.large':
      return new ApiError(
        413,
        'payload_too_large',
        `request body is larger than ${String(error.limit)} bytes`,
      );
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ApiError(415, 'unsupported_encoding', 'request body encoding is not supported');
    case 'request.aborted':
      return new ApiError(400, 'request_aborted', 'the client aborted the request');
    case 'request.size.invalid':
      return new ApiError(400, 'invalid_content_length', 'request body does not match its Content-Length');
    default:
      return undefined;
  }
};

/** What an error answers as: an ApiError as it is, a body-parser error by its meaning, else a 500. */
export const toApiError = (error: unknown): ApiError =>
  error instanceof ApiError
    ? error
    : (fromBodyParser(error as { type?: unknown }) ??
      new ApiError(500, 'internal_error', 'internal error; it has been logged'));

export const notFound: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'not_found', `no route for ${req.method} ${req.path}`));
};

export const errorHandler =
  (logger: Logger): ErrorRequestHandler =>
  (error: unknown, req, res, _next) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) {
      logger.error({ err: error, method: req.method, path: req.path, code: apiError.code }, 'request failed');
    }
    if (res.headersSent) return;
    const body: { code: string; message: string; details?: unknown } = {
      code: apiError.code,
      message: apiError.message,
    };
    if (apiError.details !== undefined) body.details = apiError.details;
    res.status(apiError.status).json({ error: body });
  };
