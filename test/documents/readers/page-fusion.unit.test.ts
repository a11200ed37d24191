import { buildTd1, buildTd3 } from '../../../documents/mrz/build';
import { checkDigitCount, validCheckDigits } from '../../../documents/mrz/layout';
import type { RankedReadings } from '../../../documents/readers/glyph-reader';
import { BREAK_REACH, correctFromPage, PAGE_REACH } from '../../../documents/readers/page-fusion';
import type { VizLine } from '../../../documents/readers/viz-reader';
import { PERSON } from '../../helpers/documents';

/**
 * Readings of MRZ lines as the fusion ranks them: every position's character first and sure, and at
 * the given positions ("line:index") a second character `reach` behind it.
 */
function readingsOf(lines: string[], seconds: Record<string, [string, number]> = {}): RankedReadings {
  return lines.map((line, l) =>
    [...line].map((char, k) => {
      const second = seconds[`${l}:${k}`];
      const ranked = [{ char, distance: 0.1 }];
      if (second) ranked.push({ char: second[0], distance: 0.1 + second[1] });
      ranked.push({ char: char === 'Q' ? 'W' : 'Q', distance: 20 });
      return { ranked };
    }),
  );
}

const page = (...texts: string[]): VizLine[] => texts.map((text) => ({ text, confidence: 0.97 }) as VizLine);

/** The lines with the characters at `at` ("line:index") replaced. */
function misread(lines: string[], changes: Record<string, string>): string[] {
  const chars = lines.map((line) => [...line]);
  for (const [at, char] of Object.entries(changes)) {
    const [l, k] = at.split(':').map(Number);
    chars[l!]![k!] = char;
  }
  return chars.map((line) => line.join(''));
}

describe('correctFromPage: the printed page as a reader of the MRZ names and number', () => {
  const truth = buildTd3({ ...PERSON, lastName: 'GAIMU', firstName: 'ROZALIA IRMA', documentNumber: 'BD0002028' });
  // Surname at line 0, from index 5; the given names after GAIMU<<.
  const surname = 5;
  const given = 5 + 'GAIMU<<'.length;

  it('takes a letter the page prints where the MRZ readers saw it too', () => {
    const read = misread(truth, { [`0:${surname}`]: 'S' });
    const readings = readingsOf(read, { [`0:${surname}`]: ['G', 3] });
    const { lines, corrected } = correctFromPage('TD3', read, readings, page('PASSPORT', 'GAIMU', 'Rozália Irma', '01 MAR 1978'));
    expect(lines).toEqual(truth);
    expect(corrected).toEqual(['names']);
  });

  it("keeps an M the fusion read where the page reads R or N, the recognisers' own misread of a small M", () => {
    const superman = buildTd3({ ...PERSON, lastName: 'SAVA', firstName: 'SUPERMAN' });
    const m = 5 + 'SAVA<<SUPER'.length;
    // The cell reader's M put first, level with the R PaddleOCR's models read (`letterFromCells`).
    const readings = readingsOf(superman, { [`0:${m}`]: ['R', 0] });
    expect(correctFromPage('TD3', superman, readings, page('SAVA', 'SUPERRAN')).lines).toEqual(superman);
    expect(correctFromPage('TD3', superman, readingsOf(superman, { [`0:${m}`]: ['N', 0] }), page('SUPERNAN')).lines).toEqual(superman);
    // Any other letter the page reads there is taken as before.
    expect(correctFromPage('TD3', superman, readingsOf(superman, { [`0:${m}`]: ['W', 0] }), page('SUPERWAN')).lines[0]).toContain('SUPERWAN');
  });

  it('keeps a clearly printed MRZ letter the page contradicts (an altered MRZ stays altered)', () => {
    const read = misread(truth, { [`0:${surname}`]: 'S' });
    const readings = readingsOf(read, { [`0:${surname}`]: ['G', PAGE_REACH + 1] });
    expect(correctFromPage('TD3', read, readings, page('GAIMU')).lines).toEqual(read);
    // A page read unsurely is no evidence either.
    expect(correctFromPage('TD3', read, readingsOf(read, { [`0:${surname}`]: ['G', 1] }), [{ text: 'GAIMU', confidence: 0.5 } as VizLine]).lines).toEqual(read);
  });

  it("takes a letter from a page word its reader cut at the edge (PECIMEN for SPECIMEN)", () => {
    const specimen = buildTd3({ ...PERSON, lastName: 'SPECIMEN', firstName: 'SAMPLE' });
    // The MRZ's M read as R, M close behind; the page reads the surname without its first letter.
    const read = misread(specimen, { [`0:${surname + 5}`]: 'R' });
    expect(read[0]).toContain('SPECIREN<<SAMPLE');
    const { lines, corrected } = correctFromPage('TD3', read, readingsOf(read, { [`0:${surname + 5}`]: ['M', 0.3] }), page('PECIMEN'));
    expect(lines).toEqual(specimen);
    expect(corrected).toEqual(['names']);
    // The readers saw no M there: the page's M is no evidence.
    expect(correctFromPage('TD3', read, readingsOf(read), page('PECIMEN')).lines).toEqual(read);
    // A page letter the MRZ spells as two differs right at the cut: ÞURIDUR read MURIDUR is no
    // evidence for an M in the MRZ's THURIDUR, however close the readers saw one.
    const icelandic = buildTd3({ ...PERSON, lastName: 'AEVARSDOTTIR', firstName: 'THURIDUR' });
    const at = icelandic[0]!.indexOf('THURIDUR') + 1;
    expect(correctFromPage('TD3', icelandic, readingsOf(icelandic, { [`0:${at}`]: ['M', 0.5] }), page('MURIDUR')).lines).toEqual(icelandic);
    // Four letters are too few to place a cut word by.
    const short = buildTd3({ ...PERSON, lastName: 'ROMAN', firstName: 'SAMPLE' });
    const shortRead = misread(short, { [`0:${surname + 2}`]: 'R' });
    expect(correctFromPage('TD3', shortRead, readingsOf(shortRead, { [`0:${surname + 2}`]: ['M', 0.3] }), page('OMAN')).lines).toEqual(shortRead);
  });

  it('takes nothing from a page word that differs where the readers saw no such letter (the page misread)', () => {
    // The page reads the J of MEULENDIJK as L: its I for the J, within reach, is no evidence either.
    const name = buildTd3({ ...PERSON, lastName: 'MEULENDIJK' });
    const j = 5 + 'MEULENDI'.length;
    const readings = readingsOf(name, { [`0:${j}`]: ['I', 2] });
    expect(correctFromPage('TD3', name, readings, page('MEULENDLIK')).lines).toEqual(name);
    // The page reads IJ as II, and the MRZ readers' I for the J lies 3.5 behind: as far behind as
    // the page's misreads lie on the photo seeds, beyond any right letter's 0.2–3.0.
    const far = readingsOf(name, { [`0:${j}`]: ['I', 3.5] });
    expect(correctFromPage('TD3', name, far, page('MEULENDIIK')).lines).toEqual(name);
    // Within reach, the same page letter is taken.
    const near = misread(name, { [`0:${j}`]: 'I' });
    expect(correctFromPage('TD3', near, readingsOf(near, { [`0:${j}`]: ['J', 1] }), page('MEULENDIJK')).lines).toEqual(name);
  });

  it('ignores page words that differ in more than a quarter of the letters', () => {
    const read = misread(truth, { [`0:${surname}`]: 'S', [`0:${surname + 1}`]: 'E' });
    const readings = readingsOf(read, { [`0:${surname}`]: ['G', 1], [`0:${surname + 1}`]: ['A', 1] });
    expect(correctFromPage('TD3', read, readings, page('GAIMU')).lines).toEqual(read);
  });

  it('reads a chevron read as a letter after the last name as filler when the page ends the name there', () => {
    const end = given + 'ROZALIA<IRMA'.length;
    const read = misread(truth, { [`0:${end}`]: 'S' });
    const readings = readingsOf(read, { [`0:${end}`]: ['<', 1] });
    expect(correctFromPage('TD3', read, readings, page('ROZÁLIA IRMA')).lines).toEqual(truth);
  });

  it('takes the part of a name the page joins with a hyphen', () => {
    const hyphenated = buildTd3({ ...PERSON, lastName: 'AL KAABI' });
    const read = misread(hyphenated, { '0:7': 'Y' });
    const readings = readingsOf(read, { '0:7': ['<', 2] });
    expect(correctFromPage('TD3', read, readings, page('ALI HAMAD AL-KAABI')).lines).toEqual(hyphenated);
  });

  it("takes the '<' of a word break the page prints where the MRZ reads a letter, within BREAK_REACH", () => {
    // P<UTOAL<KAABI<<ALI<HAMAD…: the chevron between AL and KAABI read as R, '<' far behind (small print).
    const hyphenated = buildTd3({ ...PERSON, lastName: 'AL KAABI', firstName: 'ALI HAMAD' });
    const read = misread(hyphenated, { '0:7': 'R' });
    const near = readingsOf(read, { '0:7': ['<', BREAK_REACH - 0.5] });
    expect(BREAK_REACH - 0.5).toBeGreaterThan(PAGE_REACH);
    expect(correctFromPage('TD3', read, near, page('ALI HAMAD AL-KAABI')).lines).toEqual(hyphenated);
    expect(correctFromPage('TD3', read, readingsOf(read, { '0:7': ['<', BREAK_REACH + 0.5] }), page('ALI HAMAD AL-KAABI')).lines).toEqual(read);
    // A letter where the page has one too is held to PAGE_REACH as before.
    const letter = misread(hyphenated, { '0:8': 'R' });
    expect(correctFromPage('TD3', letter, readingsOf(letter, { '0:8': ['K', BREAK_REACH - 0.5] }), page('ALI HAMAD AL-KAABI')).lines).toEqual(letter);
  });

  it("finds the surname separator the MRZ read as letters where the page ends the surname's words there", () => {
    // "ALVKAABIZ<ALI<HAMAD": both the chevron in the surname and the separator's first read as letters.
    const hyphenated = buildTd3({ ...PERSON, lastName: 'AL KAABI', firstName: 'ALI HAMAD' });
    const read = misread(hyphenated, { '0:7': 'V', '0:13': 'Z' });
    const readings = readingsOf(read, { '0:7': ['<', 4.5], '0:13': ['<', 3.4] });
    expect(correctFromPage('TD3', read, readings, page('ALI HAMAD AL-KAABI')).lines).toEqual(hyphenated);
  });

  it("reads a page word as two glued names on a line holding the MRZ's names, and only there", () => {
    // "ACI<HAMAD": the page's reader dropped the space between ALI and HAMAD.
    const names = buildTd3({ ...PERSON, lastName: 'AL KAABI', firstName: 'ALI HAMAD ABDULLAH' });
    const read = misread(names, { '0:16': 'C' });
    const readings = readingsOf(read, { '0:16': ['L', 1] });
    expect(correctFromPage('TD3', read, readings, page('ALIHAMAD ABDULLAHAL-KAABI')).lines).toEqual(names);
    // A word ending in the same letters on a line without any of the MRZ's names proposes nothing.
    expect(correctFromPage('TD3', read, readings, page('DAUERAUFENTHALI')).lines).toEqual(read);
  });

  it('does not choose between page words proposing different letters', () => {
    const read = misread(truth, { [`0:${surname}`]: 'S' });
    const readings = readingsOf(read, { [`0:${surname}`]: ['G', 1] });
    const ranked = readings[0]![surname]!.ranked;
    ranked.splice(2, 0, { char: 'D', distance: 1.2 });
    expect(correctFromPage('TD3', read, readings, page('GAIMU', 'DAIMU')).lines).toEqual(read);
    // Nor against the page printing the name as the MRZ reads it.
    expect(correctFromPage('TD3', read, readings, page('GAIMU', 'SAIMU')).lines).toEqual(read);
  });

  it('corrects look-alikes in the document number when its check digit agrees afterwards', () => {
    // B→8 and D→0 together keep this number's check digit: the check digits cannot tell them apart.
    const read = misread(truth, { '1:0': '8', '1:1': '0' });
    expect(validCheckDigits('TD3', read)).toBe(checkDigitCount('TD3'));
    const { lines, corrected } = correctFromPage('TD3', read, readingsOf(read), page('HUN', 'BD0002028'));
    expect(lines).toEqual(truth);
    expect(corrected).toEqual(['documentNumber']);
    // Read on the page glued to print beside it, at either end.
    expect(correctFromPage('TD3', read, readingsOf(read), page('BD000202812')).lines).toEqual(truth);
    expect(correctFromPage('TD3', read, readingsOf(read), page('PBD0002028')).lines).toEqual(truth);
    // Read on the page with a digit misread too (…2026): its two letters are taken, the MRZ's 8 kept.
    expect(correctFromPage('TD3', read, readingsOf(read), page('BD0002026')).lines).toEqual(truth);
  });

  it('keeps the document number when the page number breaks its check digit', () => {
    expect(correctFromPage('TD3', truth, readingsOf(truth), page('BD0002029')).lines).toEqual(truth);
    // Nor a number differing in letters that are not look-alikes, out of the readers' reach.
    expect(correctFromPage('TD3', truth, readingsOf(truth), page('BD0072028')).lines).toEqual(truth);
  });

  it('works on a card: names on the third line, the number on the first', () => {
    const card = buildTd1({ ...PERSON, lastName: 'MEULENDIJK', documentNumber: 'ZR81F03X2' });
    const read = misread(card, { '2:0': 'N' });
    const readings = readingsOf(read, { '2:0': ['M', 2] });
    expect(correctFromPage('TD1', read, readings, page('Meulendijk')).lines).toEqual(card);
  });
});
