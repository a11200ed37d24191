/**
 * What PostgreSQL errors (from pg or PGlite) carry, by shape: both drivers raise an Error with a
 * five-character SQLSTATE `code` and a `severity`, plus `detail`, `where`, `hint`… which may quote
 * the row's values.
 */
export interface DatabaseErrorFields {
  code: string;
  severity: string;
  constraint?: string;
  table?: string;
}

export function isDatabaseError(error: unknown): error is Error & DatabaseErrorFields {
  if (!(error instanceof Error)) return false;
  const { code, severity } = error as Partial<DatabaseErrorFields>;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) && typeof severity === 'string';
}

/** A unique violation (23505) of the named constraint. */
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  return isDatabaseError(error) && error.code === '23505' && error.constraint === constraint;
}

/** Node's socket errors for a database that cannot be reached. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'EAI_AGAIN']);

/**
 * The database is down or unreachable (not a bad query): a refused or lost connection, a pool that
 * timed out connecting, SQLSTATE class 08 (connection exception) or 57P01–57P03 (shutting down,
 * cannot connect now). A client may retry such a request later.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  // By shape, not `instanceof`: socket errors come from Node's own realm (jest runs another).
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, errors } = error as { code?: unknown; message?: unknown; errors?: unknown };
  if (typeof code === 'string' && (UNREACHABLE.has(code) || /^08/.test(code) || /^57P0[123]$/.test(code))) return true;
  if (Array.isArray(errors)) return errors.some(isDatabaseUnavailable);
  return typeof message === 'string' && /^(Connection terminated|timeout exceeded when trying to connect)/.test(message);
}
