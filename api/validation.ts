import type { RequestParamHandler } from 'express';
import type { z } from 'zod';
import { textProblem } from '../domain/text';
import { ApiError, type ErrorCode } from './errors';

/** Validates with a zod schema; failures become 400 `validation_failed` with one detail per problem. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, specificCodes: Record<string, ErrorCode> = {}): z.output<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({ path: issue.path.join('.') || '(body)', message: issue.message }));
  const first = result.error.issues[0];
  // A specific code names a present-but-unsupported value (e.g. an unknown document type), not a missing one.
  const field = String(first?.path[0]);
  const present = typeof body === 'object' && body !== null && (body as Record<string, unknown>)[field] !== undefined;
  const specific = present && first?.code === 'invalid_value' ? specificCodes[field] : undefined;
  if (specific && result.error.issues.length === 1) throw new ApiError(400, specific, `${details[0]!.path}: ${details[0]!.message}`, details);
  throw new ApiError(400, 'validation_failed', 'The request is not valid', details);
}

/** `router.param` handler: a path id under the text rule (a NUL would otherwise reach PostgreSQL). */
export const storableParam: RequestParamHandler = (_req, _res, next, value: unknown, name: string) => {
  const problem = typeof value === 'string' ? textProblem(value) : null;
  next(problem ? new ApiError(400, 'validation_failed', 'The request is not valid', [{ path: name, message: problem }]) : undefined);
};

/**
 * express.json's `verify` hook: the raw bytes of a UTF-8 body must be UTF-8. Decoding would
 * otherwise turn bad bytes into U+FFFD silently. (Other charsets body-parser accepts, UTF-16/32,
 * are decoded by it; the text rule then catches what did not decode.)
 */
export function refuseNonUtf8Body(_req: unknown, _res: unknown, body: Buffer, encoding: string | null): void {
  if (encoding !== null && encoding.toLowerCase().replace('-', '') !== 'utf8') return;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(body);
  } catch {
    throw new ApiError(400, 'invalid_encoding', 'The request body is not valid UTF-8');
  }
}
