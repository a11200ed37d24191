import pino, { type DestinationStream, type Logger } from 'pino';
import { isDatabaseError } from '../db/errors';

export type { Logger };

/**
 * Structured logs with constant messages and variables in a context object. Anything that could
 * carry a secret or personal data is redacted even if a caller passes it by mistake.
 */
export const REDACT_PATHS = [
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'req.headers.authorization',
  'headers.authorization',
  'applicant',
  '*.applicant',
  'mrz',
  '*.mrz',
  'document',
  '*.document',
  'fields',
  '*.fields',
  'body',
  '*.body',
];

/**
 * The one serializer of errors in logs (`err`, and `error` as the Temporal SDK names it). A
 * PostgreSQL error is reduced to its code, constraint and table: its message, `detail`, `where`
 * and `hint` can quote the row (names, metadata, review notes, Idempotency-Keys). Other errors keep
 * type, message, code and stack; a cause is serialized by the same rule.
 */
export function serializeError(error: unknown): unknown {
  if (isDatabaseError(error)) {
    return { type: 'DatabaseError', code: error.code, ...(error.constraint && { constraint: error.constraint }), ...(error.table && { table: error.table }) };
  }
  if (!(error instanceof Error)) return error;
  const { code } = error as { code?: unknown };
  return {
    type: error.constructor.name,
    message: error.message,
    ...(typeof code === 'string' && { code }),
    stack: error.stack,
    ...(error.cause !== undefined && { cause: serializeError(error.cause) }),
  };
}

/** JSON lines by default; readable lines when a person watches a terminal in development. */
export function createLogger(
  level: string,
  name = 'kycflow',
  pretty = process.stdout.isTTY && process.env.NODE_ENV !== 'production',
  destination?: DestinationStream,
): Logger {
  const options = { name, level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, serializers: { err: serializeError, error: serializeError } };
  if (destination) return pino(options, destination);
  if (!pretty) return pino(options);
  return pino({ ...options, transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname', translateTime: 'HH:MM:ss' } } });
}
