import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../lib/logger';

export type ErrorCode =
  | 'invalid_json'
  | 'validation_failed'
  | 'invalid_base64'
  | 'unsupported_document_type'
  | 'unsupported_media_type'
  | 'document_too_large'
  | 'payload_too_large'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'route_not_found'
  | 'idempotency_key_reused'
  | 'verification_completed'
  | 'not_awaiting_review'
  | 'url_not_allowed'
  | 'endpoint_disabled'
  | 'no_delivery_target'
  | 'invalid_idempotency_key'
  | 'temporal_unavailable'
  | 'internal_error';

export interface ErrorDetail {
  path: string;
  message: string;
}

/** The one API error: an HTTP status, a stable snake_case code, a human message, optional details. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorDetail[],
  ) {
    super(message);
  }
}

export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);

export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'route_not_found', `No route for ${req.method} ${req.path}`));
};

interface BodyParserError {
  type?: string;
  status?: number;
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    let apiError: ApiError;
    const parserError = error as BodyParserError;
    if (error instanceof ApiError) apiError = error;
    else if (parserError.type === 'entity.parse.failed') apiError = new ApiError(400, 'invalid_json', 'The request body is not valid JSON');
    else if (parserError.type === 'entity.too.large') apiError = new ApiError(413, 'payload_too_large', 'The request body is too large');
    else {
      // Internal details go to the log, never to the client.
      logger.error({ err: error, method: req.method, route: req.route?.path }, 'unhandled API error');
      apiError = new ApiError(500, 'internal_error', 'Internal server error');
    }
    res.status(apiError.status).json({
      error: { code: apiError.code, message: apiError.message, ...(apiError.details && { details: apiError.details }) },
    });
  };
}
