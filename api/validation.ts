import type { z } from 'zod';
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
