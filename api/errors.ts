import { STATUS_CODES, type Server } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import multer from 'multer';
import { isDatabaseUnavailable } from '../db/errors';
import type { Logger } from '../lib/logger';
import { ServiceError, type ServiceErrorCode } from '../services/errors';

/** Every code the API answers with; the README and the OpenAPI spec list the same. */
export const ERROR_CODES = [
  'invalid_json',
  'invalid_body',
  'invalid_encoding',
  'invalid_multipart',
  'validation_failed',
  'invalid_base64',
  'unsupported_document_type',
  'unsupported_media_type',
  'unsupported_charset',
  'unsupported_content_encoding',
  'document_too_large',
  'payload_too_large',
  'unauthenticated',
  'forbidden',
  'not_found',
  'route_not_found',
  'idempotency_key_reused',
  'verification_completed',
  'not_awaiting_review',
  'url_not_allowed',
  'endpoint_disabled',
  'no_delivery_target',
  'invalid_idempotency_key',
  'malformed_request',
  'headers_too_large',
  'case_claimed',
  'no_document_image',
  'verification_not_resubmittable',
  'verification_not_reopenable',
  'verification_erased',
  'csrf_failed',
  'temporal_unavailable',
  'database_unavailable',
  'internal_error',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

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

/** body-parser's (and raw-body's) error `type`s; each a client's mistake with its own code. */
const BODY_PARSER_ERRORS: Record<string, () => ApiError> = {
  'entity.parse.failed': () => new ApiError(400, 'invalid_json', 'The request body is not valid JSON'),
  'entity.too.large': () => new ApiError(413, 'payload_too_large', 'The request body is too large'),
  'charset.unsupported': () => new ApiError(415, 'unsupported_charset', 'The request body must be UTF-8 (charset=utf-8, or none)'),
  'encoding.unsupported': () => new ApiError(415, 'unsupported_content_encoding', 'Content-Encoding must be identity, gzip, deflate or br'),
  'request.aborted': () => new ApiError(400, 'invalid_body', 'The request body ended before it was complete'),
  'request.size.invalid': () => new ApiError(400, 'invalid_body', 'The request body does not match its Content-Length'),
};

interface HttpLikeError {
  type?: string;
  status?: number;
  expose?: boolean;
}

/**
 * The request could not be read: a body-parser error, or the router failing to percent-decode a
 * path. Undefined for anything else (a server fault). Errors body-parser marks as ours
 * (`stream.encoding.set`, `stream.not.readable`: status 500) stay server faults.
 */
export function requestError(error: unknown): ApiError | undefined {
  if (error instanceof ApiError) return error;
  const httpError = (error ?? {}) as HttpLikeError;
  const known = httpError.type ? BODY_PARSER_ERRORS[httpError.type] : undefined;
  if (known) return known();
  if (error instanceof URIError && httpError.status === 400) return new ApiError(400, 'invalid_encoding', 'The request path is not percent-encoded UTF-8');
  // Anything else body-parser raises as a client error: a body that does not inflate, a broken stream.
  if (httpError.expose === true && typeof httpError.status === 'number' && httpError.status >= 400 && httpError.status < 500) {
    return new ApiError(400, 'invalid_body', 'The request body could not be read (check Content-Encoding and Content-Length)');
  }
  return undefined;
}

/** A multipart upload that failed: multer's limits by code, anything busboy raised is a malformed body. */
export function multipartError(error: unknown, maxFileBytes: number): ApiError {
  if (error instanceof multer.MulterError) {
    if (error.code === 'LIMIT_FILE_SIZE') return new ApiError(413, 'document_too_large', `${error.field} is larger than ${maxFileBytes} bytes`);
    return new ApiError(400, 'validation_failed', `Multipart upload rejected: ${error.message}`, error.field ? [{ path: error.field, message: error.message }] : undefined);
  }
  // busboy: "Multipart: Boundary not found", "Unexpected end of form", "Malformed part header", a closed request.
  return new ApiError(400, 'invalid_multipart', 'The multipart/form-data body is malformed or incomplete');
}

/** Each use-case refusal (services/errors.ts) as the API answers it: the one place they meet HTTP. */
const SERVICE_ERRORS: Record<ServiceErrorCode, [status: number, code: ErrorCode]> = {
  verification_not_found: [404, 'not_found'],
  endpoint_not_found: [404, 'not_found'],
  client_not_found: [401, 'unauthenticated'],
  verification_completed: [409, 'verification_completed'],
  not_awaiting_review: [409, 'not_awaiting_review'],
  idempotency_key_reused: [409, 'idempotency_key_reused'],
  endpoint_disabled: [409, 'endpoint_disabled'],
  no_delivery_target: [409, 'no_delivery_target'],
  invalid_base64: [400, 'invalid_base64'],
  unsupported_media_type: [415, 'unsupported_media_type'],
  document_too_large: [413, 'document_too_large'],
  case_claimed: [409, 'case_claimed'],
  no_document_image: [404, 'no_document_image'],
  verification_not_resubmittable: [409, 'verification_not_resubmittable'],
  verification_not_reopenable: [409, 'verification_not_reopenable'],
  verification_erased: [410, 'verification_erased'],
  sandbox_needs_test_key: [400, 'validation_failed'],
};

export function fromServiceError(error: ServiceError): ApiError {
  const [status, code] = SERVICE_ERRORS[error.code];
  return new ApiError(status, code, error.message, error.path ? [{ path: error.path, message: error.message }] : undefined);
}

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error, req, res, _next) => {
    let apiError = error instanceof ServiceError ? fromServiceError(error) : requestError(error);
    if (!apiError && isDatabaseUnavailable(error)) {
      // Nothing was stored: the client may send the same request (with its Idempotency-Key) again.
      logger.warn({ err: error, method: req.method, route: req.route?.path }, 'database unavailable');
      apiError = new ApiError(503, 'database_unavailable', 'The service is temporarily unavailable; retry later');
      res.setHeader('Retry-After', '5');
    }
    if (!apiError) {
      // Internal details go to the log, never to the client.
      logger.error({ err: error, method: req.method, route: req.route?.path }, 'unhandled API error');
      apiError = new ApiError(500, 'internal_error', 'Internal server error');
    }
    res.status(apiError.status).json({
      error: { code: apiError.code, message: apiError.message, ...(apiError.details && { details: apiError.details }) },
    });
  };
}

/**
 * A request Node's HTTP parser refuses before the app sees it (a control character in a header,
 * a broken request line, headers beyond the size limit) is answered in the API's error format too,
 * with its own code, instead of Node's bare "400 Bad Request". Call on every server the app serves.
 */
export function answerMalformedRequests(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const [status, code, message] =
      error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'headers_too_large', 'The request headers are too large']
        : [400, 'malformed_request', 'The request is not valid HTTP (a header with a control character, a broken request line)'];
    const body = JSON.stringify({ error: { code, message } });
    socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
}
