import type { Check, CheckCode } from '../domain/checks';
import type { Extraction } from './mrz/extraction';

export interface Applicant {
  firstName?: string | undefined;
  lastName?: string | undefined;
  dateOfBirth?: string | undefined;
  nationality?: string | undefined;
}

export interface CheckContext {
  applicant?: Applicant | null;
  now: Date;
  minimumAge: number;
  /** The document type the client declared. */
  documentType?: string;
  /** The issuing country the client declared (ICAO code), if any. */
  issuingCountry?: string | undefined;
  /** True when the same document number was seen before for a different person. */
  duplicateOfOtherPerson?: boolean;
}

/** Below these, an image is too small or too blurred to trust without a human look. */
export const MIN_IMAGE_WIDTH = 700;
export const MIN_SHARPNESS = 300;

const CHECK_DIGIT_FIELDS = ['documentNumberCheckDigit', 'birthDateCheckDigit', 'expirationDateCheckDigit', 'personalNumberCheckDigit', 'compositeCheckDigit'];

/** Well-known specimen documents (ICAO 9303 examples and national specimens). */
const SPECIMEN_NUMBERS = new Set(['L898902C3', 'D23145890', 'C01X00T47', 'T22000129', 'AB2134<<<', 'X00000000']);
const SPECIMEN_NAMES = ['ERIKSSON ANNA MARIA', 'MUSTERMANN ERIKA', 'SPECIMEN', 'SPECIMAN', 'MUSTERFRAU', 'HAPPY TRAVELLER'];

/** ICAO 9303 transliterations that differ from simply dropping the accent (Ä → AE, Ø → OE, …). */
const ICAO_TRANSLITERATION: Record<string, string> = { Ä: 'AE', Ö: 'OE', Ü: 'UE', Å: 'AA', Æ: 'AE', Ø: 'OE', ß: 'SS', Þ: 'TH', Ĳ: 'IJ', Œ: 'OE' };

function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** Both ways a declared name may appear in an MRZ: accents dropped, or ICAO-transliterated. */
function nameVariants(value: string): string[] {
  const icao = normaliseName([...value.toUpperCase()].map((c) => ICAO_TRANSLITERATION[c] ?? c).join(''));
  return [...new Set([normaliseName(value), icao])];
}

/** Names match if equal up to transliteration, or one edit apart for names of five letters or more (OCR, typos). */
export function namesMatch(declared: string, onDocument: string): boolean {
  const target = normaliseName(onDocument);
  return nameVariants(declared).some((variant) => variant === target || (variant.length >= 5 && levenshtein(variant, target) <= 1));
}

export function normaliseName(value: string): string {
  return value
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/ß/g, 'SS')
    .replace(/Æ/g, 'AE')
    .replace(/Ø/g, 'OE')
    .replace(/[^A-Z]+/g, ' ')
    .trim();
}

function yearsBetween(fromIso: string, to: Date): number {
  const from = new Date(`${fromIso}T00:00:00Z`);
  let years = to.getUTCFullYear() - from.getUTCFullYear();
  const beforeBirthday = to.getUTCMonth() < from.getUTCMonth() || (to.getUTCMonth() === from.getUTCMonth() && to.getUTCDate() < from.getUTCDate());
  if (beforeBirthday) years -= 1;
  return years;
}

const result = (code: CheckCode, failed: boolean, severity: 'fail' | 'consider', detail?: string): Check =>
  failed ? { code, result: severity, ...(detail !== undefined && { detail }) } : { code, result: 'pass' };

/** Runs the check catalogue on an extraction. Pure: the same input gives the same checks. */
export function runChecks(extraction: Extraction, context: CheckContext): Check[] {
  const { fields, fieldValidity } = extraction;
  const today = context.now.toISOString().slice(0, 10);

  const badDigits = CHECK_DIGIT_FIELDS.filter((name) => fieldValidity[name] === false);
  const badFormat = Object.keys(fieldValidity).filter((name) => !CHECK_DIGIT_FIELDS.includes(name) && fieldValidity[name] === false);
  // Dates must be real calendar dates (a 31st of February reads as digits but is no date).
  for (const date of ['birthDate', 'expirationDate'] as const) if (fields[date] === null && !badFormat.includes(date)) badFormat.push(date);

  const expired = fields.expirationDate !== null && fields.expirationDate < today;
  const age = fields.birthDate ? yearsBetween(fields.birthDate, context.now) : null;
  const birthImplausible = fields.birthDate === null || fields.birthDate > today || (age !== null && age > 120);
  const validityYears = fields.expirationDate ? yearsBetween(today, new Date(`${fields.expirationDate}T00:00:00Z`)) : null;

  const fullName = normaliseName(`${fields.lastName ?? ''} ${fields.firstName ?? ''}`);
  const specimen = (fields.documentNumber !== null && SPECIMEN_NUMBERS.has(fields.documentNumber)) || SPECIMEN_NAMES.some((name) => fullName.includes(name));

  // A blurred or small image can be misread: what its MRZ fails is then for an analyst to judge
  // against the image, not proof of a forgery (and the holder may simply send a better photo).
  const image = extraction.image;
  const small = image !== undefined && image.width > 0 && image.width < MIN_IMAGE_WIDTH;
  const blurred = image !== undefined && image.width > 0 && image.sharpness !== null && image.sharpness < MIN_SHARPNESS;
  const readUnsure = extraction.source === 'ocr' && (small || blurred);
  const mrzSeverity = readUnsure ? 'consider' : 'fail';
  const unsure = readUnsure ? '; the image is too blurred or small to tell a misread from a forgery' : '';

  const checks: Check[] = [
    badDigits.length === 0 && extraction.checkDigitsGuessed
      ? { code: 'mrz_check_digit_invalid', result: 'consider', detail: 'a check digit could only be read with a guess; an analyst should compare it with the image' }
      : result('mrz_check_digit_invalid', badDigits.length > 0, mrzSeverity, `invalid check digits: ${badDigits.join(', ')}${unsure}`),
    result('mrz_format_invalid', badFormat.length > 0, mrzSeverity, `invalid fields: ${badFormat.join(', ')}${unsure}`),
    result('document_expired', expired, 'fail', 'the document is past its expiry date'),
    result('validity_period_implausible', validityYears !== null && validityYears > 15, 'fail', 'the document is valid for more than 15 more years'),
    result('birth_date_implausible', birthImplausible, 'fail', 'the birth date is missing, in the future or more than 120 years ago'),
    result('underage', !birthImplausible && age !== null && age < context.minimumAge, 'fail', `the holder is younger than ${context.minimumAge}`),
    result('specimen_document', specimen, 'fail', 'the document is a known specimen'),
  ];
  if (context.applicant) checks.push(applicantCheck(extraction, context.applicant));
  if (context.issuingCountry) {
    checks.push(result('issuing_country_mismatch', context.issuingCountry !== fields.issuingState, 'consider', 'the issuing country differs from the one declared'));
  }
  checks.push(result('duplicate_document', context.duplicateOfOtherPerson === true, 'fail', 'the document number was used by a different person'));
  if (image && image.width > 0) {
    checks.push(result('image_quality_low', small || blurred, 'consider', small ? 'the image resolution is low' : 'the image is blurred'));
  }
  if (image) checks.push(result('image_edited', image.editingSoftware !== null, 'consider', 'the image metadata names editing software'));
  // The printed page against the MRZ: absent when the page's text could not be read.
  const page = extraction.visualZone;
  if (page) checks.push(result('viz_mrz_mismatch', page.disagreeing.length > 0, 'consider', `the page prints a different ${page.disagreeing.join(', ')} than the MRZ`));
  return checks;
}

function applicantCheck(extraction: Extraction, applicant: Applicant): Check {
  const { fields } = extraction;
  const mismatched: string[] = [];
  if (applicant.lastName && !namesMatch(applicant.lastName, fields.lastName ?? '')) mismatched.push('lastName');
  if (applicant.firstName) {
    const onDocument = normaliseName(fields.firstName ?? '').split(' ');
    const declared = normaliseName(applicant.firstName).split(' ');
    if (!declared.every((part) => onDocument.some((token) => namesMatch(part, token)))) mismatched.push('firstName');
  }
  if (applicant.dateOfBirth && applicant.dateOfBirth !== fields.birthDate) mismatched.push('dateOfBirth');
  if (applicant.nationality && applicant.nationality !== fields.nationality) mismatched.push('nationality');
  return result('applicant_mismatch', mismatched.length > 0, 'consider', `declared data differs: ${mismatched.join(', ')}`);
}
