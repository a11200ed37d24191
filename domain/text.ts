/**
 * The one input rule for text that kycflow stores. PostgreSQL refuses U+0000 in `text` and `jsonb`,
 * and refuses an unpaired surrogate in `jsonb` (in `text` the driver silently turns it into U+FFFD).
 * U+FFFD itself is what every decoder on the way in (JSON bodies, multipart fields, query strings)
 * puts where bytes were not UTF-8: the original text is already lost, so it is refused as well.
 * Pure: the API's schemas and the workflow's review validator share it.
 */
const NUL = '\u0000';
const REPLACEMENT_CHARACTER = '\uFFFD';
/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const TEXT_PROBLEMS = {
  nul: 'must not contain NUL (U+0000)',
  encoding: 'must be valid UTF-8 text (no unpaired surrogates, no U+FFFD from undecodable bytes)',
} as const;

/** Why a string cannot be stored as text, or null when it can. */
export function textProblem(value: string): string | null {
  if (value.includes(NUL)) return TEXT_PROBLEMS.nul;
  if (value.includes(REPLACEMENT_CHARACTER) || UNPAIRED_SURROGATE.test(value)) return TEXT_PROBLEMS.encoding;
  return null;
}
