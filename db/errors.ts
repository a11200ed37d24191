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
