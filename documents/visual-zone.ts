import type { ExtractedFields } from './mrz/extraction';
import type { VizLine } from './readers/viz-reader';
import { normaliseName } from './checks';

/**
 * The visual zone (the printed page) against the MRZ. Labels differ by country and language, so
 * fields are not found by label: the page's lines are searched for what the MRZ says (a name, a
 * number, a date), and dates are ordered — on every ICAO document the birth date is the earliest
 * date printed and the expiry date the latest. A field agrees when the page prints the MRZ's
 * value; it disagrees only when the page clearly prints another (see `compareVisualZone`).
 */
export type VizField = 'documentNumber' | 'lastName' | 'firstName' | 'birthDate' | 'expirationDate';

export interface VisualZone {
  /** What the page prints for each field, as read (dates as YYYY-MM-DD); null when not found. */
  fields: Record<VizField, string | null>;
  /** Fields the page prints as the MRZ has them. */
  agreeing: VizField[];
  /** Fields the page clearly prints differently from the MRZ. */
  disagreeing: VizField[];
}

/** A line is used only when read this surely (mean character probability): a misread is no evidence. */
export const CLEAR_LINE = 0.85;
/** Dates are ordered only when at least this many different ones were read (birth, issue, expiry). */
const DATES_TO_ORDER = 3;

const MONTHS: Record<string, number> = {};
[
  ['JAN', 'GEN', 'ENE', 'JANV', 'STY', 'SAU', 'TAM'],
  ['FEB', 'FEV', 'FÉV', 'LUT', 'VAS'],
  ['MAR', 'MARS', 'MÄR', 'MRZ', 'MRT', 'KOV'],
  ['APR', 'AVR', 'ABR', 'KWI', 'BAL'],
  ['MAY', 'MAI', 'MAG', 'MEI', 'MAJ', 'GEG'],
  ['JUN', 'JUIN', 'GIU', 'CZE', 'BIR'],
  ['JUL', 'JUIL', 'LUG', 'LIP', 'LIE'],
  ['AUG', 'AOU', 'AOÛ', 'AOUT', 'AOÛT', 'AGO', 'SIE', 'RGP'],
  ['SEP', 'SEPT', 'SET', 'WRZ', 'RGS'],
  ['OCT', 'OKT', 'OTT', 'OUT', 'PAZ', 'SPA'],
  ['NOV', 'LIS', 'LAP'],
  ['DEC', 'DÉC', 'DEZ', 'DIC', 'GRU', 'GRD'],
].forEach((names, i) => names.forEach((name) => (MONTHS[name] = i + 1)));

interface PrintedDate {
  /** As the MRZ writes it: YYMMDD. */
  yymmdd: string;
  /** For ordering: the full date when the year was printed in full, else the likeliest century. */
  iso: string;
  /** The year was printed with its century. */
  fullYear: boolean;
}

function printedDate(day: number, month: number, year: string, now: Date): PrintedDate | null {
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  let full = Number(year);
  if (year.length === 2) full += full > (now.getUTCFullYear() % 100) + 20 ? 1900 : 2000;
  if (full < 1900 || full > now.getUTCFullYear() + 50) return null;
  const iso = `${full}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  if (new Date(`${iso}T00:00:00Z`).toISOString().slice(0, 10) !== iso) return null;
  return { yymmdd: iso.slice(2).replace(/-/g, ''), iso, fullYear: year.length === 4 };
}

/** Dates printed on a line: 12 AUG 1964, 12 AUG/AOÛT 64, 12.08.1964, 1964-08-12 (all-digit dates only with the year in full). */
export function datesIn(text: string, now = new Date()): PrintedDate[] {
  const upper = text.toUpperCase();
  const dates: PrintedDate[] = [];
  const push = (date: PrintedDate | null) => date && dates.push(date);
  for (const m of upper.matchAll(/(?<![0-9])(\d{1,2})[ .\-/]*([A-ZÀ-Ý]{3,5})(?:[ ./]+[A-ZÀ-Ý]{3,5})?[ .\-/,]*(\d{4}|\d{2})(?![0-9])/g)) {
    const month = MONTHS[m[2]!];
    if (month) push(printedDate(Number(m[1]), month, m[3]!, now));
  }
  for (const m of upper.matchAll(/(?<![0-9])(\d{1,2})[ ./-](\d{1,2})[ ./-](\d{4})(?![0-9])/g)) push(printedDate(Number(m[1]), Number(m[2]), m[3]!, now));
  for (const m of upper.matchAll(/(?<![0-9])(\d{4})[ ./-](\d{2})[ ./-](\d{2})(?![0-9])/g)) push(printedDate(Number(m[3]), Number(m[2]), m[1]!, now));
  return dates;
}

/** Positions at which two strings of one length differ. */
const differences = (a: string, b: string) => [...a].filter((c, i) => c !== b[i]).length;

/**
 * Compares the page's lines with the MRZ's fields. Null when no field of the page could be read.
 * A date disagrees only when at least three different dates were read clearly, the MRZ's date is
 * not among them (not even one digit off, a misread), and the date in its place — the earliest for
 * the birth date, the latest for the expiry — differs in two digits or more. Names and the document
 * number only ever agree: without labels, a name the page prints differently cannot be told from
 * other text.
 */
export function compareVisualZone(lines: VizLine[], fields: ExtractedFields, now = new Date()): VisualZone | null {
  const clear = lines.filter((line) => line.confidence >= CLEAR_LINE);
  const result: VisualZone = {
    fields: { documentNumber: null, lastName: null, firstName: null, birthDate: null, expirationDate: null },
    agreeing: [],
    disagreeing: [],
  };
  const words = clear.map((line) => ` ${normaliseName(line.text)} `);
  for (const field of ['lastName', 'firstName'] as const) {
    const name = normaliseName(fields[field] ?? '');
    if (name.length < 2) continue;
    const found = words.find((text) => text.includes(` ${name} `));
    if (found) {
      result.fields[field] = fields[field];
      result.agreeing.push(field);
    }
  }
  const number = fields.documentNumber?.replace(/</g, '');
  if (number && number.length >= 5 && clear.some((line) => line.text.toUpperCase().replace(/[\s-]/g, '').includes(number))) {
    result.fields.documentNumber = number;
    result.agreeing.push('documentNumber');
  }

  const dates = [...new Map(clear.flatMap((line) => datesIn(line.text, now)).map((d) => [d.iso, d])).values()].sort((a, b) => a.iso.localeCompare(b.iso));
  for (const [field, pick] of [
    ['birthDate', dates[0]],
    ['expirationDate', dates.at(-1)],
  ] as const) {
    const mrz = fields[field]?.slice(2).replace(/-/g, '');
    if (!mrz || !pick) continue;
    const same = dates.find((d) => d.yymmdd === mrz && d.fullYear) ?? dates.find((d) => d.yymmdd === mrz);
    if (same) {
      // A year printed in full says the century the MRZ leaves out; a two-digit one says nothing more.
      result.fields[field] = same.fullYear ? same.iso : fields[field];
      result.agreeing.push(field);
    } else if (dates.length >= DATES_TO_ORDER && !dates.some((d) => differences(d.yymmdd, mrz) <= 1) && differences(pick.yymmdd, mrz) >= 2) {
      result.fields[field] = pick.iso;
      result.disagreeing.push(field);
    }
  }
  return result.agreeing.length || result.disagreeing.length ? result : null;
}
