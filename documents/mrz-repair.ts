import { states } from 'mrz';
import { checkDigit } from './mrz';
import { SPECIAL_STATE_CODES } from './state-codes';

/**
 * Repairs OCR confusions in MRZ lines with what each position may contain and with the check digits.
 *
 * 1. Length: a line one or two characters too long or short is aligned by trying each deletion or
 *    filler insertion and keeping the variant whose check digits agree best.
 * 2. Positions that may only hold digits map look-alike letters to digits (O→0, I→1, Z→2, S→5, B→8
 *    or 0, …); letter-only positions map digits to letters. Where a letter could be one of several
 *    digits, the field's check digit chooses. Alphanumeric fields try look-alike swaps until their
 *    check digit agrees, and only an unambiguous repair is taken.
 * Digits that were read as digits are never changed, so an altered date or a forged check digit
 * stays invalid.
 */
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

const DIGIT_FOR: Record<string, string[]> = {
  O: ['0', '9'], Q: ['0'], D: ['0'], U: ['0'], C: ['0'], I: ['1'], L: ['1'], J: ['1'], T: ['7', '1'], Z: ['2'], S: ['5'],
  B: ['8', '0'], G: ['6'], A: ['4'], E: ['8'], Y: ['7'], H: ['6', '4'], '<': ['0'],
};
const LETTER_FOR: Record<string, string> = { '0': 'O', '1': 'I', '2': 'Z', '4': 'A', '5': 'S', '6': 'G', '7': 'T', '8': 'B' };
/** Swaps tried in alphanumeric fields: only glyphs that OCR-B and common monospace fonts nearly share. */
const LOOK_ALIKE: Record<string, string[]> = { O: ['0', '9'], '0': ['O'], '9': ['O'], I: ['1'], '1': ['I'], Z: ['2'], '2': ['Z'], B: ['8'], '8': ['B'], S: ['5'], '5': ['S'] };

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
export function checkedFields(format: MrzFormatName): Array<{ line: number; start: number; end: number; check: number }> {
  return LAYOUTS[format].fields.flatMap((f) => (f.check === undefined ? [] : [{ line: f.line, start: f.start, end: f.end, check: f.check }]));
}

export function compositePosition(format: MrzFormatName): { line: number; index: number } {
  return LAYOUTS[format].composite;
}

export const MRZ_LINE_LENGTHS: Record<MrzFormatName, number[]> = { TD1: LAYOUTS.TD1.lengths, TD2: LAYOUTS.TD2.lengths, TD3: LAYOUTS.TD3.lengths };

export function formatOf(lines: string[]): MrzFormatName | null {
  if (lines.length === 3) return 'TD1';
  if (lines.length === 2) return Math.max(lines[0]!.length, lines[1]!.length) > 40 ? 'TD3' : 'TD2';
  return null;
}

/** The characters the composite check digit covers (ICAO 9303). */
export function compositeInput(format: MrzFormatName, lines: string[]): string {
  const [l1, l2] = lines as [string, string];
  if (format === 'TD1') return l1.slice(5, 30) + l2.slice(0, 7) + l2.slice(8, 15) + l2.slice(18, 29);
  if (format === 'TD2') return l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, 35);
  return l2.slice(0, 10) + l2.slice(13, 20) + l2.slice(21, 43);
}

/** Filler runs: OCR reads some '<' of a long run as K, L, C, E or X; a run that is mostly '<' is all '<'. */
function cleanFiller(line: string): string {
  return line.replace(/<[<KLCEX]{3,}/g, (run) => ((run.match(/</g)?.length ?? 0) >= run.length * 0.75 ? '<'.repeat(run.length) : run));
}

const digitOptions = (char: string): string[] => (/\d/.test(char) ? [char] : (DIGIT_FOR[char] ?? [char]));

/** All combinations of per-position options, fewest changes first, capped. */
function combinations(options: string[][], limit = 256): string[] {
  let results = [''];
  for (const choices of options) {
    const next: string[] = [];
    for (const prefix of results) for (const choice of choices) next.push(prefix + choice);
    results = next.slice(0, limit);
  }
  return results;
}

/** Readings of a digit field: the default mapping first, then others that satisfy its check digit. */
function digitCandidates(value: string, expected: string | undefined): string[] {
  const candidates = combinations([...value].map(digitOptions));
  const first = candidates[0]!;
  if (!expected || !/\d/.test(expected) || checkDigit(first) === expected) return [first];
  return [first, ...candidates.slice(1).filter((c) => checkDigit(c) === expected)];
}

/** One look-alike swap that makes an alphanumeric field agree with its check digit (the composite must confirm it). */
function alphanumericCandidates(value: string, expected: string): string[] {
  if (!/\d/.test(expected) || checkDigit(value) === expected) return [value];
  const positions = [...value].map((c, i) => (LOOK_ALIKE[c] ? i : -1)).filter((i) => i >= 0);
  const solutions = new Set<string>();
  const choose = (from: number, chars: string[], left: number) => {
    const candidate = chars.join('');
    if (candidate !== value && checkDigit(candidate) === expected) solutions.add(candidate);
    if (left === 0) return;
    for (let k = from; k < positions.length; k++) {
      for (const alternative of LOOK_ALIKE[value[positions[k]!]!]!) {
        const copy = [...chars];
        copy[positions[k]!] = alternative;
        choose(k + 1, copy, left - 1);
      }
    }
  };
  choose(0, [...value], 1);
  return [value, ...solutions];
}

function coerceChar(char: string, kind: CharClass): string {
  if (kind === 'C') return char === '<' ? char : digitOptions(char)[0]!;
  if (kind === 'D') return digitOptions(char)[0]!;
  if (kind === 'A') return LETTER_FOR[char] ?? char;
  if (kind === 'S') return char === 'N' || char === 'H' ? 'M' : char === 'E' || char === 'P' ? 'F' : char;
  return char;
}

/**
 * Applies position classes and check-digit repairs to fixed-length lines. A reading other than the
 * default is only taken when the composite check digit confirms it: one check digit alone would
 * accept a wrong repair one time in ten.
 */
/**
 * A letter read where a digit must be is a guess: the look-alike digit is only likely, and when the
 * printed digit was forged the guess can be the original one.
 */
const isGuess = (char: string) => /[A-Z]/.test(char);

/** Whether reading these (aligned) lines needs a guess in a check digit or a checked date; see repairMrzWithCertainty. */
function needsGuess(format: MrzFormatName, lines: string[]): boolean {
  return LAYOUTS[format].fields.some((field) => {
    const line = lines[field.line]!;
    const checked = field.check !== undefined && isGuess(line[field.check]!);
    return checked || (field.kind === 'D' && field.check !== undefined && [...line.slice(field.start, field.end)].some(isGuess));
  }) || isGuess(lines[LAYOUTS[format].composite.line]![LAYOUTS[format].composite.index]!);
}

function repairAligned(format: MrzFormatName, lines: string[]): string[] {
  const layout = LAYOUTS[format];
  const chars = lines.map((line) => [...line]);
  // The document code: P… for passports (TD3), I/A/C… for cards (TD1).
  const first = chars[0]!;
  if (format === 'TD1' && !'IAC'.includes(first[0]!)) first[0] = 'I';
  if (format === 'TD3' && 'RFB'.includes(first[0]!)) first[0] = 'P';
  // Fields with several readings (look-alike letters in digit fields, swaps in alphanumeric ones).
  const ambiguous: Array<{ field: Field; options: string[] }> = [];
  for (const field of layout.fields) {
    const line = chars[field.line]!;
    if (field.check !== undefined) line[field.check] = coerceChar(line[field.check]!, 'C');
    const raw = line.slice(field.start, field.end).join('');
    let repaired = raw;
    if (field.kind === 'D') {
      const options = digitCandidates(raw, field.check !== undefined ? line[field.check] : undefined);
      repaired = options[0]!;
      if (options.length > 1) ambiguous.push({ field, options });
    } else if (field.kind === 'N') {
      if (field.check !== undefined) ambiguous.push({ field, options: alphanumericCandidates(raw, line[field.check]!) });
    } else repaired = [...raw].map((c) => coerceChar(c, field.kind)).join('');
    line.splice(field.start, field.end - field.start, ...repaired);
  }
  repairStates(format, chars);
  const { line: compositeLine, index } = layout.composite;
  const compositeRead = /\d/.test(chars[compositeLine]![index]!);
  if (compositeRead) {
    // Try the combinations of readings; keep the first the composite confirms.
    const combos = ambiguous.reduce<string[][]>((acc, { options }) => acc.flatMap((prefix) => options.map((o) => [...prefix, o])), [[]]).slice(0, 512);
    for (const combo of combos) {
      const attempt = chars.map((l) => [...l]);
      combo.forEach((value, k) => attempt[ambiguous[k]!.field.line]!.splice(ambiguous[k]!.field.start, value.length, ...value));
      if (checkDigit(compositeInput(format, attempt.map((l) => l.join('')))) === chars[compositeLine]![index]) {
        return attempt.map((l) => l.join(''));
      }
    }
  }
  // A composite digit that could not be read is left as read: recomputing it would let a forged
  // line pass, so such a document fails its check digits rather than being accepted unverified.
  return chars.map((line) => line.join(''));
}

export function checkDigitCount(format: MrzFormatName): number {
  return LAYOUTS[format].fields.filter((f) => f.check !== undefined).length + 1;
}

/** How many check digits (including the composite) agree: the score for choosing an alignment. */
export function validCheckDigits(format: MrzFormatName, lines: string[]): number {
  const layout = LAYOUTS[format];
  let valid = 0;
  for (const field of layout.fields) {
    if (field.check === undefined) continue;
    const line = lines[field.line]!;
    const value = line.slice(field.start, field.end);
    const emptyOptional = /^<+$/.test(value) && line[field.check] === '<';
    if (emptyOptional || checkDigit(value) === line[field.check]) valid++;
  }
  const { line, index } = layout.composite;
  if (checkDigit(compositeInput(format, lines)) === lines[line]![index]) valid++;
  return valid;
}

/** OCR miscounts long filler runs: the longest run of '<' absorbs a length difference first. */
function elastic(line: string, length: number): string | null {
  const diff = line.length - length;
  const runs = [...line.matchAll(/<{3,}/g)];
  if (diff === 0 || runs.length === 0) return null;
  const run = runs.reduce((a, b) => (b[0].length > a[0].length ? b : a));
  const newLength = run[0].length - diff;
  if (newLength < 1) return null;
  return line.slice(0, run.index) + '<'.repeat(newLength) + line.slice(run.index! + run[0].length);
}

/** Variants of a line at the expected length: as read, or with one or two characters dropped or filler added. */
function alignments(line: string, length: number): string[] {
  const diff = line.length - length;
  if (diff === 0) return [line];
  const variants = new Set<string>();
  // Filler first (preferred on a tie), then part in the filler and the rest (at most two) as single-character edits.
  for (let absorbed = Math.abs(diff); absorbed >= 0; absorbed--) {
    const partial = absorbed === 0 ? line : elastic(line, line.length - Math.sign(diff) * absorbed);
    if (!partial) continue;
    const rest = partial.length - length;
    if (rest === 0) variants.add(partial);
    else if (Math.abs(rest) <= 2) for (const edited of edits(partial, length, rest)) variants.add(edited);
  }
  if (variants.size === 0) variants.add(diff > 0 ? line.slice(0, length) : line + '<'.repeat(-diff));
  return [...variants];
}

function edits(line: string, length: number, diff: number): string[] {
  if (diff === 0) return [line];
  if (diff > 0 && diff <= 2) {
    const out = new Set<string>();
    for (let i = 0; i < line.length; i++) {
      const once = line.slice(0, i) + line.slice(i + 1);
      if (diff === 1) out.add(once);
      else for (let j = i; j < once.length; j++) out.add(once.slice(0, j) + once.slice(j + 1));
    }
    return [...out];
  }
  if (diff < 0 && diff >= -2) {
    const out = new Set<string>();
    for (let i = 0; i <= line.length; i++) {
      const once = line.slice(0, i) + '<' + line.slice(i);
      if (diff === -1) out.add(once);
      else for (let j = 0; j <= once.length; j++) out.add(once.slice(0, j) + '<' + once.slice(j));
    }
    return [...out];
  }
  return [diff > 0 ? line.slice(0, length) : line + '<'.repeat(-diff)];
}

/** Characters that do not fit their position (before repair): a measure of how plausible an alignment is. */
function violations(format: MrzFormatName, lines: string[]): number {
  let count = 0;
  for (const field of LAYOUTS[format].fields) {
    for (const char of lines[field.line]!.slice(field.start, field.end)) {
      if (field.kind === 'A' && /\d/.test(char)) count++;
      else if ((field.kind === 'D' || field.kind === 'C') && /[A-Z]/.test(char)) count++;
      else if (field.kind === 'S' && !'MF<'.includes(char)) count++;
    }
  }
  return count;
}

/** Where the issuing state and the nationality are: [line, start]. */
export const STATE_POSITIONS: Record<MrzFormatName, Array<[number, number]>> = {
  TD3: [[0, 2], [1, 10]],
  TD2: [[0, 2], [1, 10]],
  TD1: [[0, 2], [1, 15]],
};

/** A known ICAO code (trailing filler allowed: D<< is Germany). */
export function isStateCode(code: string): boolean {
  const trimmed = code.replace(/<+$/, '');
  return trimmed in states || SPECIAL_STATE_CODES.has(trimmed);
}

/** Unknown country codes make an alignment implausible (they are not covered by check digits). */
function unknownStates(format: MrzFormatName, lines: string[]): number {
  return STATE_POSITIONS[format].filter(([line, start]) => !isStateCode([...lines[line]!.slice(start, start + 3)].map((c) => coerceChar(c, 'A')).join(''))).length;
}

const STATE_LOOK_ALIKE: Record<string, string[]> = { T: ['I'], I: ['T', 'L'], L: ['I'], O: ['D', 'Q'], D: ['O'], U: ['O', 'V'], V: ['U'], E: ['F'], F: ['E'], M: ['N'], N: ['M'] };

/** A country code that is no code: one look-alike letter swap that makes it a known one, if unique. */
function repairStates(format: MrzFormatName, chars: string[][]): void {
  for (const [line, start] of STATE_POSITIONS[format]) {
    const code = chars[line]!.slice(start, start + 3).join('');
    if (isStateCode(code)) continue;
    const fixes = new Set<string>();
    [...code].forEach((c, i) => {
      for (const alternative of STATE_LOOK_ALIKE[c] ?? []) {
        const candidate = code.slice(0, i) + alternative + code.slice(i + 1);
        if (isStateCode(candidate)) fixes.add(candidate);
      }
    });
    if (fixes.size === 1) chars[line]!.splice(start, 3, ...[...fixes][0]!);
  }
}

export function repairMrz(rawLines: string[]): string[] {
  return repairMrzWithCertainty(rawLines).lines;
}

/**
 * The repaired lines, and whether a check digit or a checked date had to be guessed from a letter.
 * Such a guess can turn a forged digit back into the original one, so a document read that way goes
 * to an analyst instead of being accepted automatically.
 */
export function repairMrzWithCertainty(rawLines: string[]): { lines: string[]; guessed: boolean } {
  const format = formatOf(rawLines);
  if (!format) return { lines: rawLines, guessed: false };
  const { lengths } = LAYOUTS[format];
  const cleaned = rawLines.map(cleanFiller);
  // Lines are aligned one at a time (the others as currently chosen), which keeps the search linear.
  // Score: agreeing check digits first, then fewest misplaced characters.
  const current = cleaned.map((line, i) => alignments(line, lengths[i]!)[0]!);
  let best = repairAligned(format, current);
  let chosen = [...current];
  cleaned.forEach((line, i) => {
    let bestScore = -Infinity;
    for (const candidate of alignments(line, lengths[i]!)) {
      const attempt = [...current];
      attempt[i] = candidate;
      const repaired = repairAligned(format, attempt);
      const score = validCheckDigits(format, repaired) * 10 - violations(format, attempt) - 3 * unknownStates(format, attempt);
      if (score > bestScore) {
        bestScore = score;
        best = repaired;
        current[i] = candidate;
        chosen = [...current];
      }
    }
  });
  return { lines: best, guessed: needsGuess(format, chosen.map(cleanFiller)) };
}
