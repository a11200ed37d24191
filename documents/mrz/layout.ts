import { states } from 'mrz';
import { checkDigit } from './build';
import { SPECIAL_STATE_CODES } from './state-codes';

/**
 * The layouts of ICAO 9303 machine-readable zones (TD1 3×30, TD2 2×36, TD3 2×44): which field
 * stands where, what each position may hold, which check digit covers which field.
 */
export const MRZ_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';

export type CharClass = 'A' | 'D' | 'N' | 'S' | 'C';
// A: letters and <, D: digits, N: letters, digits and <, S: sex (M F <), C: check digit (digit or <)
interface Field {
  line: number;
  start: number;
  end: number;
  kind: CharClass;
  /** Position of the check digit covering this field (dates and numbers). */
  check?: number;
}

/** What each position class may hold. */
export const ALLOWED: Record<CharClass, string> = {
  A: 'ABCDEFGHIJKLMNOPQRSTUVWXYZ<',
  D: '0123456789',
  C: '0123456789<',
  S: 'MFX<',
  N: MRZ_ALPHABET,
};

export type MrzFormatName = 'TD1' | 'TD2' | 'TD3';

type Layout = { lengths: number[]; fields: Field[]; composite: { line: number; index: number } };

/** TD2 and TD3 share everything up to the optional data of line 2 (ICAO 9303 parts 5 and 4). */
function twoLineLayout(length: number, optionalData: Field[]): Layout {
  return {
    lengths: [length, length],
    composite: { line: 1, index: length - 1 },
    fields: [
      { line: 0, start: 0, end: 5, kind: 'A' },
      { line: 0, start: 5, end: length, kind: 'A' },
      { line: 1, start: 0, end: 9, kind: 'N', check: 9 },
      { line: 1, start: 9, end: 10, kind: 'D' },
      { line: 1, start: 10, end: 13, kind: 'A' },
      { line: 1, start: 13, end: 19, kind: 'D', check: 19 },
      { line: 1, start: 19, end: 20, kind: 'D' },
      { line: 1, start: 20, end: 21, kind: 'S' },
      { line: 1, start: 21, end: 27, kind: 'D', check: 27 },
      { line: 1, start: 27, end: 28, kind: 'D' },
      ...optionalData,
      { line: 1, start: length - 1, end: length, kind: 'D' },
    ],
  };
}

const LAYOUTS: Record<MrzFormatName, Layout> = {
  TD3: twoLineLayout(44, [
    { line: 1, start: 28, end: 42, kind: 'N', check: 42 },
    { line: 1, start: 42, end: 43, kind: 'C' },
  ]),
  TD2: twoLineLayout(36, [{ line: 1, start: 28, end: 35, kind: 'N' }]),
  TD1: {
    lengths: [30, 30, 30],
    composite: { line: 1, index: 29 },
    fields: [
      { line: 0, start: 0, end: 5, kind: 'A' },
      { line: 0, start: 5, end: 14, kind: 'N', check: 14 },
      { line: 0, start: 14, end: 15, kind: 'C' },
      { line: 0, start: 15, end: 30, kind: 'N' },
      { line: 1, start: 0, end: 6, kind: 'D', check: 6 },
      { line: 1, start: 6, end: 7, kind: 'D' },
      { line: 1, start: 7, end: 8, kind: 'S' },
      { line: 1, start: 8, end: 14, kind: 'D', check: 14 },
      { line: 1, start: 14, end: 15, kind: 'D' },
      { line: 1, start: 15, end: 18, kind: 'A' },
      { line: 1, start: 18, end: 29, kind: 'N' },
      { line: 1, start: 29, end: 30, kind: 'D' },
      { line: 2, start: 0, end: 30, kind: 'A' },
    ],
  },
};

/** What each position of each line may hold (see CharClass); check digits are 'C' or 'D'. */
export function positionKinds(format: MrzFormatName): CharClass[][] {
  const layout = LAYOUTS[format];
  const kinds = layout.lengths.map((length) => new Array<CharClass>(length).fill('N'));
  for (const field of layout.fields) {
    for (let i = field.start; i < field.end; i++) kinds[field.line]![i] = field.kind;
  }
  return kinds;
}

/** The fields a check digit covers, and where that digit is. */
export function checkedFields(format: MrzFormatName, lines?: string[]): Array<{ line: number; start: number; end: number; check: number }> {
  // The check relations but the composite's: each field's one range and its digit.
  return checkRelations(format, lines).flatMap(({ ranges, index, optional }) => (optional ? [{ line: ranges[0]![0], start: ranges[0]![1], end: ranges[0]![2], check: index }] : []));
}

/**
 * A machine-readable visa (ICAO 9303 part 7): its document code begins with V, on lines the size
 * of TD3 (MRV-A) or TD2 (MRV-B). Line 2 is a passport's up to the expiry date's check digit; what
 * follows is optional data for the issuing state, with neither a personal number's check digit nor
 * a composite one.
 */
export function isVisa(format: MrzFormatName, lines: string[]): boolean {
  return format !== 'TD1' && lines[0]?.[0] === 'V';
}

/** The position of a visa's last check digit on line 2 (the expiry date's): see `isVisa`. */
const VISA_LAST_CHECK = 27;

export const MRZ_LINE_LENGTHS: Record<MrzFormatName, number[]> = { TD1: LAYOUTS.TD1.lengths, TD2: LAYOUTS.TD2.lengths, TD3: LAYOUTS.TD3.lengths };

export function formatOf(lines: string[]): MrzFormatName | null {
  if (lines.length === 3) return 'TD1';
  if (lines.length === 2) return Math.max(lines[0]!.length, lines[1]!.length) > 40 ? 'TD3' : 'TD2';
  return null;
}

/** The ranges [line, start, end) the composite check digit covers (ICAO 9303). */
const COMPOSITE_RANGES: Record<MrzFormatName, Array<[number, number, number]>> = {
  TD1: [[0, 5, 30], [1, 0, 7], [1, 8, 15], [1, 18, 29]],
  TD2: [[1, 0, 10], [1, 13, 20], [1, 21, 35]],
  TD3: [[1, 0, 10], [1, 13, 20], [1, 21, 43]],
};

/** How many check digits lines of the format hold, the composite included — fewer on a visa's `lines` (`isVisa`). */
export function checkDigitCount(format: MrzFormatName, lines?: string[]): number {
  return checkRelations(format, lines).length;
}

/**
 * One check digit and what it covers: the ranges [line, start, end) and where the digit stands. A
 * field's (not the composite's) empty optional value, all filler, agrees with a filler check digit.
 */
export interface CheckRelation {
  ranges: Array<[number, number, number]>;
  line: number;
  index: number;
  optional: boolean;
}

function relationsOf({ fields, composite }: Layout, format: MrzFormatName): CheckRelation[] {
  return [
    ...fields.flatMap((f) => (f.check === undefined ? [] : [{ ranges: [[f.line, f.start, f.end]] as Array<[number, number, number]>, line: f.line, index: f.check, optional: true }])),
    { ranges: COMPOSITE_RANGES[format], line: composite.line, index: composite.index, optional: false },
  ];
}

const RELATIONS: Record<MrzFormatName, CheckRelation[]> = { TD1: relationsOf(LAYOUTS.TD1, 'TD1'), TD2: relationsOf(LAYOUTS.TD2, 'TD2'), TD3: relationsOf(LAYOUTS.TD3, 'TD3') };

/** A visa's check digits: the document number's and the two dates' (`isVisa`). */
const VISA_RELATIONS: Record<MrzFormatName, CheckRelation[]> = {
  TD1: RELATIONS.TD1,
  TD2: RELATIONS.TD2.filter((r) => r.optional && r.index <= VISA_LAST_CHECK),
  TD3: RELATIONS.TD3.filter((r) => r.optional && r.index <= VISA_LAST_CHECK),
};

/**
 * The format's check digits, its fields' first and the composite last; given the `lines`, those
 * they hold (a visa's are fewer: `isVisa`).
 */
export function checkRelations(format: MrzFormatName, lines?: string[]): CheckRelation[] {
  return lines && isVisa(format, lines) ? VISA_RELATIONS[format] : RELATIONS[format];
}

/** Whether one check digit agrees with what it covers on the lines. */
export function checkAgrees({ ranges, line, index, optional }: CheckRelation, lines: string[]): boolean {
  const value = ranges.map(([l, start, end]) => lines[l]!.slice(start, end)).join('');
  if (optional && /^<+$/.test(value) && lines[line]![index] === '<') return true;
  return checkDigit(value) === lines[line]![index];
}

/** How many check digits (including the composite) agree: the score for choosing an alignment. */
export function validCheckDigits(format: MrzFormatName, lines: string[]): number {
  let valid = 0;
  for (const relation of checkRelations(format, lines)) if (checkAgrees(relation, lines)) valid++;
  return valid;
}

/** Where the issuing state and the nationality are: [line, start]. */
export const STATE_POSITIONS: Record<MrzFormatName, Array<[number, number]>> = {
  TD3: [[0, 2], [1, 10]],
  TD2: [[0, 2], [1, 10]],
  TD1: [[0, 2], [1, 15]],
};

/** Where the names lie: [line, start, end) — a card's third line, a passport's or TD2's first after the codes. */
export const NAME_FIELD: Record<MrzFormatName, [number, number, number]> = { TD3: [0, 5, 44], TD2: [0, 5, 36], TD1: [2, 0, 30] };

/** Where the document number lies: [line, start, end), its check digit at `end`. */
export const NUMBER_FIELD: Record<MrzFormatName, [number, number, number]> = { TD3: [1, 0, 9], TD2: [1, 0, 9], TD1: [0, 5, 14] };

/** A known ICAO code (trailing filler allowed: D<< is Germany). */
export function isStateCode(code: string): boolean {
  const trimmed = code.replace(/<+$/, '');
  return trimmed in states || SPECIAL_STATE_CODES.has(trimmed);
}
