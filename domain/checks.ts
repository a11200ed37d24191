/**
 * The authenticity check catalogue: each check is named by the reason code it raises, and says
 * `pass`, `consider` (a weak signal: an analyst decides) or `fail` (a forgery or a hard rule).
 */
export const CHECK_CODES = [
  'document_unreadable',
  'mrz_check_digit_invalid',
  'mrz_format_invalid',
  'document_expired',
  'validity_period_implausible',
  'underage',
  'birth_date_implausible',
  'applicant_mismatch',
  'issuing_country_mismatch',
  'specimen_document',
  'duplicate_document',
  'image_quality_low',
  'image_edited',
  'viz_mrz_mismatch',
] as const;
export type CheckCode = (typeof CHECK_CODES)[number];

export type CheckResult = 'pass' | 'consider' | 'fail';

export interface Check {
  code: CheckCode;
  result: CheckResult;
  /** Short and free of personal data: says what was wrong, never the values. */
  detail?: string;
}

/**
 * Whether a rejection for this reason may be retried with a new submission (a better photo, a valid
 * document). Tampering signals and hard rules are final.
 */
export const RETRYABLE: Record<CheckCode, boolean> = {
  document_unreadable: true,
  mrz_check_digit_invalid: false,
  mrz_format_invalid: false,
  document_expired: true,
  validity_period_implausible: false,
  underage: false,
  birth_date_implausible: false,
  applicant_mismatch: true,
  issuing_country_mismatch: true,
  specimen_document: false,
  duplicate_document: false,
  image_quality_low: true,
  image_edited: false,
  viz_mrz_mismatch: false,
};
