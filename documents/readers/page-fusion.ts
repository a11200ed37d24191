import { normaliseName } from '../checks';
import { checkDigit } from '../mrz/build';
import { NAME_FIELD, NUMBER_FIELD, validCheckDigits, type MrzFormatName } from '../mrz/layout';
import { CLEAR_LINE } from '../visual-zone';
import { M_MISREADS } from './fusion';
import type { RankedReadings } from './glyph-reader';
import type { VizLine } from './viz-reader';

/**
 * The printed page as a third reader of the MRZ's names and document number. The page prints them
 * in a larger type than the MRZ, so in a photo it is often read where the MRZ's small print is not
 * ("GAIMU" on the page, "SAIMU" in the MRZ). A letter the page prints differently replaces the MRZ's
 * only where the MRZ's readers saw that letter too (it is within reach in their ranking) — a clearly
 * printed MRZ character is never changed, so an altered MRZ still disagrees with its page — and a
 * document number only when its check digit agrees afterwards.
 */

/**
 * How far down the MRZ readers' ranking (in the fusion's units: nats behind the first) a letter
 * the page prints may lie to replace the first. On fifteen photo seeds the right letters lay
 * 0.2–2.4 behind (3.0 on earlier sets); the page's misreads 3.5–5.9: the Dutch IJ read as II or LI
 * (3.5, 3.8), an S read as C.
 */
export const PAGE_REACH = 3.25;

/**
 * How far down the ranking a '<' may lie where the page breaks a name between two words and the MRZ
 * reads a letter ("ALRKAABI" under the page's "AL-KAABI"), every other letter agreeing. The readers
 * put a chevron 3–4.6 behind a name's clearly printed letter, and a small print's chevron as far
 * (photo seeds 6–15: 3.2, 3.6 and 4.5); the page's break at that very place, and the rest of the word
 * as the MRZ reads it, are the evidence the letter lacks.
 */
export const BREAK_REACH = 4.6;

/** Digits and letters printed alike (the page's type and the MRZ's OCR-B). */
const LOOK_ALIKES = new Set(['0O', '0D', '0Q', '1I', '2Z', '5S', '6G', '8B'].flatMap((pair) => [pair, pair[1]! + pair[0]!]));

export interface PageCorrection {
  lines: string[];
  /** Which fields the page changed. */
  corrected: Array<'names' | 'documentNumber'>;
}

/** How far a character lies behind the first in a position's ranking (Infinity when not ranked). */
function reachOf(readings: RankedReadings, line: number, index: number, char: string): number {
  const ranked = readings[line]?.[index]?.ranked;
  if (!ranked?.length) return Infinity;
  const found = ranked.find((r) => r.char === char);
  return found ? found.distance - ranked[0]!.distance : Infinity;
}

/** Runs of consecutive words, joined by '<' as the MRZ joins them. */
function runsOf(words: string[], into: Set<string>): void {
  for (let from = 0; from < words.length; from++) {
    for (let to = from + 1; to <= words.length; to++) into.add(words.slice(from, to).join('<'));
  }
}

/** The fewest letters a part of a page word split in two holds (`pagePhrases`). */
const GLUED_PART = 2;
/** The fewest letters of an MRZ name the page's line must hold for its words to be split (`pagePhrases`). */
const GLUED_ANCHOR = 4;

/**
 * Runs of consecutive words of the page's clear lines, joined by '<' as the MRZ joins them. The
 * page's reader drops a narrow space now and then ("ALIHAMAD ABDULLAHAL-KAABI" for "ALI HAMAD
 * ABDULLAH AL-KAABI"): on a line that holds one of the MRZ's names as read (`names`, its words of
 * GLUED_ANCHOR letters or more), a word is also read as two, split anywhere that leaves two letters
 * or more on each side.
 */
function pagePhrases(page: VizLine[], names: string[]): string[] {
  const phrases = new Set<string>();
  const anchors = names.filter((name) => name.length >= GLUED_ANCHOR);
  for (const line of page) {
    if (line.confidence < CLEAR_LINE) continue;
    const words = normaliseName(line.text).split(' ').filter(Boolean);
    runsOf(words, phrases);
    const letters = words.join('');
    if (!anchors.some((name) => letters.includes(name))) continue;
    words.forEach((word, w) => {
      for (let at = GLUED_PART; at <= word.length - GLUED_PART; at++) {
        runsOf([...words.slice(0, w), word.slice(0, at), word.slice(at), ...words.slice(w + 1)], phrases);
      }
    });
  }
  return [...phrases];
}

/** A page phrase a letter shorter than an MRZ word is read as that word cut at an edge from this length on. */
const EDGE_CUT_LENGTH = 5;

/** Positions (in the unit) where the page's phrase differs from the MRZ's letters. */
const differing = (unit: string, phrase: string) => [...unit].flatMap((c, i) => (c !== phrase[i] ? [i] : []));

/**
 * The names: each word of the MRZ's names, and each of its two parts (surname, given names) whole,
 * is compared with the page's phrases of its length (the last one also with filler after it: a
 * chevron read as a letter, "IRMAS" for "IRMA<"; any one so where no surname separator was read,
 * "ALVKAABIZ<ALI" for "AL<KAABI<<ALI"), and with those a letter shorter as the word cut
 * at either edge ("PECIMEN"). A phrase that differs in a quarter of the letters
 * at most, each within the MRZ readers' reach, proposes its letters; where phrases propose
 * different letters (or one confirms the MRZ's), none is taken.
 */
function correctNames(format: MrzFormatName, chars: string[][], readings: RankedReadings, page: VizLine[]): boolean {
  const [line, start, end] = NAME_FIELD[format];
  const field = chars[line]!.slice(start, end).join('');
  const names = field.replace(/<+$/, '');
  const phrases = pagePhrases(page, names.split('<').filter(Boolean));
  const separator = names.indexOf('<<');
  const parts = separator >= 0 ? [{ at: 0, text: names.slice(0, separator) }, { at: separator + 2, text: names.slice(separator + 2) }] : [{ at: 0, text: names }];
  const units = parts.flatMap((part) => {
    const words: Array<{ at: number; text: string }> = [];
    let at = part.at;
    for (const text of part.text.split('<')) {
      words.push({ at, text });
      at += text.length + 1;
    }
    return [part, ...words];
  });
  const proposals = new Map<number, Set<string>>();
  const propose = (index: number, letter: string) => {
    if (!proposals.has(index)) proposals.set(index, new Set());
    proposals.get(index)!.add(letter);
  };
  for (const unit of units) {
    if (unit.text.length < 3) continue;
    const last = unit.at + unit.text.length === names.length;
    for (const phrase of phrases) {
      // The phrase over the whole unit; or, a letter short, over all of it but its first or last
      // letter: the page's reader loses a letter at the edge of a word now and then ("PECIMEN"), or
      // the MRZ read a chevron after the last name as a letter ("IRMAS"). A word cut so agrees with
      // the MRZ next to the cut: a page letter the MRZ spells as two ("ÞURIDUR" read "MURIDUR", the
      // MRZ's "THURIDUR") differs right there.
      const placings: Array<{ text: string; from: number; cut?: number }> = [];
      if (phrase.length === unit.text.length) placings.push({ text: phrase, from: 0 });
      if (phrase.length === unit.text.length - 1) {
        // Also, where no surname separator was read, a chevron of it read as a letter after a word.
        if (last || separator < 0) placings.push({ text: `${phrase}<`, from: 0 });
        if (phrase.length >= EDGE_CUT_LENGTH) placings.push({ text: phrase, from: 0, cut: phrase.length - 1 }, { text: phrase, from: 1, cut: 0 });
      }
      for (const { text, from, cut } of placings) {
        const covered = unit.text.slice(from, from + text.length);
        const diffs = differing(covered, text);
        if (cut !== undefined && diffs.includes(cut)) continue;
        if (diffs.length > Math.max(1, Math.floor(unit.text.length / 4))) continue;
        // The page is read by PaddleOCR's models, which take a small M for R or N on the page as in
        // the MRZ ("SUPERRAN" on both): an M the fusion read (the cell reader's, `letterFromCells`) stays.
        if (diffs.some((i) => covered[i] === 'M' && M_MISREADS.includes(text[i]!))) continue;
        // The page's phrase must be a reading of the MRZ's print: every letter it differs in within
        // reach. A phrase printed as the MRZ reads confirms its letters (another phrase proposing
        // something else there is then one of two page readings, and not taken).
        if (diffs.some((i) => reachOf(readings, line, start + unit.at + from + i, text[i]!) > (text[i] === '<' ? BREAK_REACH : PAGE_REACH))) continue;
        for (let i = 0; i < text.length; i++) propose(start + unit.at + from + i, text[i]!);
      }
    }
  }
  let changed = false;
  for (const [index, letters] of proposals) {
    const [letter] = letters;
    if (letters.size !== 1 || chars[line]![index] === letter) continue;
    chars[line]![index] = letter!;
    changed = true;
  }
  return changed;
}

/**
 * The document number: a token of the page (or a line with its spaces taken out), or either end of
 * a longer one, of the MRZ number's length that differs in at most three characters, each a
 * look-alike or within the readers' reach, and with which the number's check digit agrees and no
 * other check digit is lost. Taken only when one such number is found.
 */
function correctNumber(format: MrzFormatName, chars: string[][], readings: RankedReadings, page: VizLine[]): boolean {
  const [line, start, end] = NUMBER_FIELD[format];
  const printed = chars[line]!.slice(start, end).join('');
  const number = printed.replace(/<+$/, '');
  if (number.length < 5) return false;
  const tokens = new Set<string>();
  for (const { text, confidence } of page) {
    if (confidence < CLEAR_LINE) continue;
    const upper = text.toUpperCase();
    for (const token of [...upper.split(/[^A-Z0-9]+/), upper.replace(/[^A-Z0-9]/g, '')]) {
      tokens.add(token);
      // The number glued to print beside it ("555123ABC12"): read from either end of the token.
      if (token.length > number.length) tokens.add(token.slice(0, number.length)).add(token.slice(-number.length));
    }
  }
  const lines = chars.map((l) => l.join(''));
  const before = validCheckDigits(format, lines);
  const found = new Set<string>();
  const plausible = (token: string, i: number) => LOOK_ALIKES.has(number[i]! + token[i]!) || reachOf(readings, line, start + i, token[i]!) <= PAGE_REACH;
  for (const token of tokens) {
    if (token.length !== number.length || token === number) continue;
    const diffs = differing(number, token);
    if (diffs.length > 3) continue;
    // The page's number as read; or, where it differs in two places or more, with one of them left
    // as the MRZ reads it: the page's larger print read right where two look-alikes of the MRZ's
    // cancel in its check digit (BD0002028 read 800002028), and misread once elsewhere (…2026).
    const candidates = [token, ...(diffs.length > 1 ? diffs.map((i) => token.slice(0, i) + number[i] + token.slice(i + 1)) : [])];
    for (const candidate of candidates) {
      if (!differing(number, candidate).every((i) => plausible(candidate, i))) continue;
      const field = candidate.padEnd(end - start, '<');
      if (checkDigit(field) !== chars[line]![end]) continue;
      const after = lines.map((l, i) => (i === line ? l.slice(0, start) + field + l.slice(end) : l));
      if (validCheckDigits(format, after) < before) continue;
      found.add(field);
    }
  }
  if (found.size !== 1) return false;
  chars[line]!.splice(start, end - start, ...[...found][0]!);
  return true;
}

/** The MRZ's names and document number corrected by what the page prints (see the module's comment). */
export function correctFromPage(format: MrzFormatName, lines: string[], readings: RankedReadings, page: VizLine[]): PageCorrection {
  const chars = lines.map((l) => [...l]);
  const corrected: PageCorrection['corrected'] = [];
  if (!page.length) return { lines, corrected };
  if (correctNames(format, chars, readings, page)) corrected.push('names');
  if (correctNumber(format, chars, readings, page)) corrected.push('documentNumber');
  return { lines: chars.map((l) => l.join('')), corrected };
}
