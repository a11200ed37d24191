import { parse } from 'mrz';
import { SPECIAL_STATE_CODES } from './state-codes';
import { isVisa, type MrzFormatName } from './layout';
import type { VisualZone } from '../visual-zone';


export interface ExtractedFields {
  documentCode: string | null;
  documentNumber: string | null;
  issuingState: string | null;
  nationality: string | null;
  lastName: string | null;
  firstName: string | null;
  /** ISO dates (YYYY-MM-DD) */
  birthDate: string | null;
  expirationDate: string | null;
  sex: 'male' | 'female' | 'unspecified' | null;
  personalNumber: string | null;
}

export interface Extraction {
  source: 'ocr' | 'mrz_text';
  format: MrzFormatName | null;
  fields: ExtractedFields;
  /** Per-field validity as read from the MRZ, including every check digit. */
  fieldValidity: Record<string, boolean>;
  /** 0..1: share of MRZ fields that read as valid. */
  confidence: number;
  mrzLines: string[];
  /** A check digit (or checked date) was read from an ambiguous letter: valid digits are then not proof. */
  checkDigitsGuessed?: boolean;
  /** The printed page (visual zone) against the MRZ, when the page's text could be read (documents/visual-zone.ts). */
  visualZone?: VisualZone;
  /** Measured on the first image (absent for MRZ text alone). */
  image?: { width: number; height: number; sharpness: number | null; editingSoftware: string | null };
}

export { SPECIAL_STATE_CODES };

export class UnreadableDocumentError extends Error {
  override name = 'UnreadableDocumentError';
}

export function normaliseMrzLines(text: string): string[] {
  return text
    .toUpperCase()
    .split(/\r?\n/)
    .map((line) => line.replace(/\s+/g, ''))
    .filter((line) => line.length > 0);
}

/** YYMMDD → YYYY-MM-DD. Birth dates are never in the future; expiry dates lie within 50 years from now. */
export function mrzDateToIso(value: string | null | undefined, kind: 'birth' | 'expiry', now = new Date()): string | null {
  if (!value || !/^\d{6}$/.test(value)) return null;
  const yy = Number(value.slice(0, 2));
  const currentYear = now.getUTCFullYear();
  let year = 2000 + yy;
  if (kind === 'birth' && year > currentYear) year -= 100;
  if (kind === 'expiry' && year > currentYear + 50) year -= 100;
  const iso = `${year}-${value.slice(2, 4)}-${value.slice(4, 6)}`;
  const date = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== iso ? null : iso;
}

/** What a visa's line 2 does not hold, though a passport's or TD2's does (`extractFromMrz`). */
const VISA_ABSENT = new Set(['personalNumber', 'personalNumberCheckDigit', 'compositeCheckDigit']);

/** Parses MRZ text (TD1, TD2, TD3; visas of TD3's and TD2's size) into fields with per-field validity. */
export function extractFromMrz(text: string, source: Extraction['source'] = 'mrz_text', now = new Date()): Extraction {
  const lines = normaliseMrzLines(text);
  let result: ReturnType<typeof parse>;
  try {
    result = parse(lines);
  } catch {
    throw new UnreadableDocumentError('no machine-readable zone could be read');
  }
  const raw = (name: string): string | null => {
    const detail = result.details.find((d) => d.field === name);
    const range = detail?.ranges?.[0];
    const value = detail?.value ?? (range ? (lines[range.line] ?? '').slice(range.start, range.end).replace(/<+$/, '') : null);
    return value === null || value === '' ? null : value;
  };
  // A visa (MRV-A, MRV-B) has a passport's or TD2's lines, which the `mrz` package parses as such:
  // its V code is then invalid, and the optional data after its expiry date is taken for a personal
  // number with a check digit and a composite one that a visa does not have (ICAO 9303 part 7).
  const visa = isVisa(result.format as MrzFormatName, lines);
  const fieldValidity: Record<string, boolean> = {};
  for (const detail of result.details) {
    if (!detail.field || (visa && VISA_ABSENT.has(detail.field))) continue;
    const special = (detail.field === 'issuingState' || detail.field === 'nationality') && SPECIAL_STATE_CODES.has(raw(detail.field) ?? '');
    // V and a letter, or V< (read as V, its filler dropped).
    const visaCode = visa && detail.field === 'documentCode' && /^V[A-Z]?$/.test(raw('documentCode') ?? '');
    fieldValidity[detail.field] = detail.valid || special || visaCode;
  }
  const validCount = Object.values(fieldValidity).filter(Boolean).length;
  const sex = raw('sex');
  return {
    source,
    format: result.format as MrzFormatName,
    fields: {
      documentCode: raw('documentCode'),
      documentNumber: raw('documentNumber'),
      issuingState: raw('issuingState'),
      nationality: raw('nationality'),
      lastName: raw('lastName'),
      firstName: raw('firstName'),
      birthDate: mrzDateToIso(raw('birthDate'), 'birth', now),
      expirationDate: mrzDateToIso(raw('expirationDate'), 'expiry', now),
      sex: sex === 'male' || sex === 'female' ? sex : sex === null ? null : 'unspecified',
      personalNumber: visa ? null : raw('personalNumber'),
    },
    fieldValidity,
    confidence: Object.keys(fieldValidity).length === 0 ? 0 : Number((validCount / Object.keys(fieldValidity).length).toFixed(3)),
    mrzLines: lines,
  };
}
