import { createCanvas, loadImage, type Image } from '@napi-rs/canvas';
import { type GlyphRead } from '../../../documents/readers/glyph-reader';
import { MRZ_ALPHABET } from '../../../documents/mrz/layout';
import { buildTd1, buildTd2, buildTd3 } from '../../../documents/mrz/build';
import { validCheckDigits } from '../../../documents/mrz/layout';
import { bestReading, fuse, settledAlone } from '../../../documents/readers/fusion';
import { readExactly, type RecognisedLine } from '../../../documents/readers/ctc';
import { PaddleOcr, type Region, type TextBox } from '../../../documents/readers/paddle';
import { locateMrz, rereadStraight, type PaddleMrzRead } from '../../../documents/readers/paddle-mrz';
import { alignTo, place } from '../../../documents/readers/positions';
import { renderDocument } from '../../../corpus/render';
import { PERSON } from '../../helpers/documents';
import { recognised, sureLine } from '../../helpers/recognition';

const GAP = MRZ_ALPHABET.length;

/**
 * A CTC lattice: each entry is a time step where one character (or a gap, '_') is likely with
 * probability p, and optionally a second one with probability q; the rest is spread thin.
 */
function lattice(steps: Array<[string, number, string?, number?]>): RecognisedLine {
  const slot = (char: string) => (char === '_' ? GAP : MRZ_ALPHABET.indexOf(char));
  const columns = steps.map(([char, p, other, q = 0]) => {
    const column = new Float32Array(GAP + 1).fill((1 - p - q) / GAP);
    column[slot(char)] = p;
    if (other) column[slot(other)] = q;
    return column;
  });
  return { text: '', chars: [], lattice: columns, confidence: 0 };
}

describe('readExactly: the most probable reading of a known length', () => {
  it('brings back a character the greedy reading merged away, where the lattice says', () => {
    // Equal characters need a gap between them; at one step the gap came a close second, so the
    // greedy reading merged two '<' into one.
    const line = lattice([['A', 0.9], ['_', 0.9], ['<', 0.9], ['<', 0.5, '_', 0.45], ['<', 0.9], ['_', 0.9], ['B', 0.9]]);
    expect(readExactly(line, 3)!.map((c) => c.char).join('')).toBe('A<B');
    expect(readExactly(line, 4)!.map((c) => c.char).join('')).toBe('A<<B');
  });

  it('drops a doubled character to reach the length', () => {
    const line = lattice([['T', 0.9], ['_', 0.55], ['T', 0.9], ['E', 0.9], ['_', 0.9], ['S', 0.9], ['T', 0.9]]);
    expect(readExactly(line, 4)!.map((c) => c.char).join('')).toBe('TEST');
  });

  it('refuses a length the line has no room for', () => {
    expect(readExactly(lattice([['A', 0.9], ['B', 0.9]]), 3)).toBeNull();
  });

  it('places a passport line read three characters short by reading it again at its length', () => {
    // P<UTOLINDQVIST<<MAJA<ELISE<<<…: three of the filler's chevrons merged away by the greedy
    // reading (the gap between them a close second); placed by pitch, the names would shift.
    const [line] = buildTd3(PERSON);
    const filler = line.indexOf('<<<');
    const steps: Array<[string, number, string?, number?]> = [];
    [...line].forEach((char, k) => {
      if (k > 0 && line[k - 1] === char) steps.push(k > filler && k <= filler + 3 ? [char, 0.5, '_', 0.45] : ['_', 0.9]);
      steps.push([char, 0.9]);
    });
    const read = { ...lattice(steps), chars: Array.from({ length: 41 }, (_, k) => recognised('<', 0.9, k / 41)) };
    expect(place(read, 44).map((c) => c?.char ?? ' ').join('')).toBe(line);
  });
});

/** A reader's view of an MRZ: each position's character at probability p, the rest spread. */
function paddleRead(lines: string[], confidence: (line: number, index: number) => number = () => 0.97): PaddleMrzRead {
  const positions = lines.map((line, l) => [...line].map((char, k) => recognised(char, confidence(l, k), k / line.length)));
  const band = { cx: 0, cy: 0, width: 1, height: 1, angle: 0, score: 1 };
  return { format: 'TD3', positions, lines: positions.map((chars, l) => ({ text: lines[l]!, chars, lattice: [], confidence: 0.97 })), opinions: [], band, margin: 0, page: [] };
}

describe('fusion of the MRZ readers', () => {
  const genuine = buildTd3(PERSON);

  it('keeps a clearly printed forged check digit: the check digits never launder a forgery', () => {
    const forged = [genuine[0], genuine[1].slice(0, 19) + String((Number(genuine[1][19]) + 3) % 10) + genuine[1].slice(20)];
    const read = fuse('TD3', paddleRead(forged), null);
    expect(read.lines).toEqual(forged);
    expect(validCheckDigits('TD3', read.lines)).toBeLessThan(5);
  });

  it('settles an unclear digit by the check digits, but only the unclear one', () => {
    // The birth date's last digit is read as 8 at 0.5 and the printed 4 nearly as likely.
    const misread = [genuine[0], genuine[1].slice(0, 18) + '8' + genuine[1].slice(19)];
    const paddle = paddleRead(misread, (l, k) => (l === 1 && k === 18 ? 0.5 : 0.97));
    paddle.positions[1]![18]!.probabilities[MRZ_ALPHABET.indexOf(genuine[1][18]!)] = 0.45;
    const read = fuse('TD3', paddle, null);
    expect(read.lines).toEqual(genuine);
    expect(read.guessed).toBe(false);
  });

  it("hears the cell reader on small print: its sure reading outweighs PaddleOCR's doubtful one", () => {
    // A photo's 8 px print: PaddleOCR reads the surname's Q as an O, unsurely, the Q second (a name
    // has no check digit to settle it); the cell reader reads the Q surely.
    const q = genuine[0].indexOf('Q');
    const misread = [genuine[0].slice(0, q) + 'O' + genuine[0].slice(q + 1), genuine[1]];
    const paddle = paddleRead(misread, (l, k) => (l === 0 && k === q ? 0.5 : 0.97));
    paddle.positions[0]![q]!.probabilities[MRZ_ALPHABET.indexOf('Q')] = 0.35;
    expect(settledAlone(paddle)).toBe(false);
    expect(fuse('TD3', paddle, null).lines).toEqual(misread);
    const cells = paddleRead(genuine, () => 0.9).lines;
    const heard = fuse('TD3', { ...paddle, cells }, null);
    expect(heard.lines).toEqual(genuine);
    expect(heard.sources).toBe('paddle+cells');
    // The first find and its band's reread heard together keep the cell reader's reading.
    expect(bestReading([paddle, { ...paddle, cells }], null)!.lines).toEqual(genuine);
  });

  it("aligns the cell reader's lines to the glyph reader's: a cell that took two letters for one shifts nothing", () => {
    // P<UTOLINDQVIST<<…: the cell reader read LI as one U, the rest of its line a place early.
    const shifted = [`${genuine[0].slice(0, 5)}U${genuine[0].slice(7)}<`, genuine[1]];
    const cells = paddleRead(shifted, () => 0.9).lines;
    const paddle = paddleRead(genuine, () => 0.6);
    const after = (read: { lines: string[] }) => read.lines[0]!.slice(7);
    expect(after(fuse('TD3', { ...paddle, cells }, null))).not.toBe(genuine[0].slice(7));
    // The glyph reader laid out every position (its odds left out here: only its layout guides).
    const layout: GlyphRead = {
      format: 'TD3',
      lines: genuine,
      readings: genuine.map((line) => [...line].map(() => ({ ranked: [], vector: new Float32Array(), print: new Float32Array() }))),
      confidence: 0.5,
      guessed: false,
      complete: true,
      skew: 0,
    };
    // The merged cell stands where its letters were (whatever it read); after it, nothing shifted.
    const aligned = fuse('TD3', { ...paddle, cells }, layout);
    expect(after(aligned)).toBe(genuine[0].slice(7));
    expect(aligned.lines[1]).toBe(genuine[1]);
  });

  it("aligns PaddleOCR's line that lost its first characters to the cell reader's where no glyph layout guides", () => {
    // Seed 70's r005: the line read without its first two characters ("8271602…" for "XP8271602…"),
    // each character placed where it was read, two places early; the cell reader read every cell.
    const paddle = paddleRead(genuine);
    const lost = genuine[1].slice(2);
    paddle.lines[1] = { ...paddle.lines[1]!, text: lost, chars: paddle.lines[1]!.chars.slice(2) };
    paddle.positions[1] = [...paddle.lines[1].chars, null, null];
    paddle.band = { ...paddle.band, width: 44 * 12 };
    const cells = paddleRead(genuine, () => 0.9).lines;
    expect(fuse('TD3', { ...paddle, cells }, null).lines[1]).not.toBe(genuine[1]);
    const best = bestReading([{ ...paddle, cells }], null)!;
    expect(best.lines).toEqual(genuine);
    expect(best.sources).toBe('paddle+cells+aligned');
  });

  it("reads OCR-B's M that PaddleOCR took for an R or N where the cell reader sees an M, and only so", () => {
    // P<UTOLINDQVIST<<MAJA<…: the M of MAJA read R, the M 0.7 nats behind (small print in a photo).
    const at = genuine[0].indexOf('MAJA');
    const withLetter = (line: string, char: string) => line.slice(0, at) + char + line.slice(at + 1);
    const doubtful = (first: string, second: string, q = 0.3) => {
      const read = paddleRead([withLetter(genuine[0], first), genuine[1]], (l, k) => (l === 0 && k === at ? 0.6 : 0.97));
      read.positions[0]![at]!.probabilities[MRZ_ALPHABET.indexOf(second)] = q;
      return read;
    };
    // The cell reader's name line (the other line not read).
    const nameCells = (char: string) => paddleRead([withLetter(genuine[0], char), ''], () => 0.9).lines;
    for (const letter of ['R', 'N']) {
      const paddle = doubtful(letter, 'M');
      expect(fuse('TD3', paddle, null).lines[0]).toBe(withLetter(genuine[0], letter));
      const heard = fuse('TD3', { ...paddle, nameCells: nameCells('M') }, null);
      expect(heard.lines).toEqual(genuine);
      // M, but not clearly: nothing guards a name.
      expect(heard.readings[0]![at]!.ranked[0]!.distance).toBe(heard.readings[0]![at]!.ranked[1]!.distance);
      // Read on the band's reread, the name line holds for the first find too.
      expect(bestReading([paddle, { ...paddle, nameCells: nameCells('M') }], null)!.lines).toEqual(genuine);
      // The cell reader unsure of the M, or the M far behind in PaddleOCR's reading: the letter stays.
      const unsure = nameCells('M');
      unsure[0]!.chars[at]!.probabilities[MRZ_ALPHABET.indexOf(letter)] = 0.5;
      expect(fuse('TD3', { ...paddle, nameCells: unsure }, null).lines[0]).toBe(withLetter(genuine[0], letter));
      expect(fuse('TD3', { ...doubtful(letter, 'M', 0.02), nameCells: nameCells('M') }, null).lines[0]).toBe(withLetter(genuine[0], letter));
    }
    // The cell reader heard on every line (small print), its odds summed with the three models': they
    // outvote it on the M they all read R (seed 35's MILICA read RILICA), and its M still counts so.
    const sureR = () => {
      const read = paddleRead([withLetter(genuine[0], 'R'), genuine[1]], (l, k) => (l === 0 && k === at ? 0.9 : 0.97));
      read.positions[0]![at]!.probabilities[MRZ_ALPHABET.indexOf('M')] = 0.05;
      return read;
    };
    // Print of 12 px a character: the cell reader is heard less than the models in the names.
    const models = { ...sureR(), band: { cx: 0, cy: 0, width: 44 * 12, height: 30, angle: 0, score: 1 } };
    models.opinions = [sureR(), sureR()].map(({ lines, positions }) => ({ lines, positions }));
    const everyLine = paddleRead([withLetter(genuine[0], 'M'), genuine[1]], () => 0.97).lines;
    everyLine[0]!.chars[at]!.probabilities[MRZ_ALPHABET.indexOf('R')] = 0.02;
    const heardOnEveryLine = fuse('TD3', { ...models, cells: everyLine }, null);
    expect(heardOnEveryLine.lines).toEqual(genuine);
    expect(heardOnEveryLine.readings[0]![at]!.ranked[1]!.char).toBe('R');
    // One way only: an M read first stays an M whatever the cell reader sees (it reads R as M too).
    expect(fuse('TD3', { ...doubtful('M', 'R'), nameCells: nameCells('R') }, null).lines).toEqual(genuine);
    // And an H is not an M's misread: SINGH stays SINGH.
    expect(fuse('TD3', { ...doubtful('H', 'M'), nameCells: nameCells('M') }, null).lines[0]).toBe(withLetter(genuine[0], 'H'));
  });

  it("reads OCR-B's I that PaddleOCR took for a T where the cell reader sees an I, on any read of the band", () => {
    // P<UTOLINDQVIST<<MAJA<ELISE<<<…: the I of ELISE read T, the I 0.7 nats behind (serifed top and
    // bottom, small print in a photo: seed 62's OLIVIA read OLTVTA).
    const at = genuine[0].indexOf('ELISE') + 2;
    const withLetter = (line: string, char: string) => line.slice(0, at) + char + line.slice(at + 1);
    const doubtful = (first: string, second: string) => {
      const read = paddleRead([withLetter(genuine[0], first), genuine[1]], (l, k) => (l === 0 && k === at ? 0.6 : 0.97));
      read.positions[0]![at]!.probabilities[MRZ_ALPHABET.indexOf(second)] = 0.3;
      return read;
    };
    const nameCells = (char: string) => paddleRead([withLetter(genuine[0], char), ''], () => 0.9).lines;
    const paddle = doubtful('T', 'I');
    expect(fuse('TD3', paddle, null).lines[0]).toBe(withLetter(genuine[0], 'T'));
    expect(fuse('TD3', { ...paddle, nameCells: nameCells('I') }, null).lines).toEqual(genuine);
    // One way only: an I read first stays an I whatever the cell reader sees.
    expect(fuse('TD3', { ...doubtful('I', 'T'), nameCells: nameCells('T') }, null).lines).toEqual(genuine);
    // A cell reader that lost its place reads another letter there: I thrice as likely as T means
    // nothing where both are all but ruled out (seed 112's DOTTIR read DOITIR so).
    const lost = nameCells('E');
    lost[0]!.chars[at]!.probabilities[MRZ_ALPHABET.indexOf('I')] = 0.004;
    lost[0]!.chars[at]!.probabilities[MRZ_ALPHABET.indexOf('T')] = 0.001;
    expect(fuse('TD3', { ...paddle, nameCells: lost }, null).lines[0]).toBe(withLetter(genuine[0], 'T'));
    // The cell reader heard on every line of the band's reread, where it lost a place on the second
    // line (so that read settles nothing): its name line still tells the first find's T an I
    // (seed 37's SPECIMEN read SPECIREN so, its cells sure of the M).
    const cells = paddleRead([genuine[0], genuine[1].slice(1) + '<'], () => 0.9).lines;
    expect(bestReading([paddle, { ...paddle, cells }], null)!.lines).toEqual(genuine);
  });

  it("takes the chevron read as a C for the surname separator when the name field has none", () => {
    // P<UTOLINDQVIST<<MAJA<ELISE<<<…: the separator's second '<' read as C, '<' a close second.
    const at = genuine[0].indexOf('<<', 5) + 1;
    const misread = [genuine[0].slice(0, at) + 'C' + genuine[0].slice(at + 1), genuine[1]];
    const paddle = paddleRead(misread, (l, k) => (l === 0 && k === at ? 0.5 : 0.97));
    paddle.positions[0]![at]!.probabilities[MRZ_ALPHABET.indexOf('<')] = 0.35;
    expect(fuse('TD3', paddle, null).lines).toEqual(genuine);
    // Read clearly, the C stays: a name field may lack the separator (a single name).
    expect(fuse('TD3', paddleRead(misread), null).lines[0]).toBe(misread[0]);
  });

  it("takes a separator read surely as two letters for '<<' when a trace of the chevron was read", () => {
    // P<UTOLINDQVISTCCMAJA<ELISE<<<…: both models sure of CC, '<' their second thought.
    const at = genuine[0].indexOf('<<', 5);
    const misread = [genuine[0].slice(0, at) + 'CC' + genuine[0].slice(at + 2), genuine[1]];
    const chevrons = paddleRead(misread, (l, k) => (l === 0 && (k === at || k === at + 1) ? 0.8 : 0.97));
    for (const k of [at, at + 1]) chevrons.positions[0]![k]!.probabilities[MRZ_ALPHABET.indexOf('<')] = 0.08;
    expect(fuse('TD3', chevrons, null).lines).toEqual(genuine);
    // One chevron of it read as C next to the other: "LINDQVIST<CMAJA".
    const half = [genuine[0].slice(0, at + 1) + 'C' + genuine[0].slice(at + 2), genuine[1]];
    const halfRead = paddleRead(half, (l, k) => (l === 0 && k === at + 1 ? 0.8 : 0.97));
    halfRead.positions[0]![at + 1]!.probabilities[MRZ_ALPHABET.indexOf('<')] = 0.08;
    expect(fuse('TD3', halfRead, null).lines).toEqual(genuine);
    // A single name with a CC in it, printed clearly (no chevron in sight), stays as it is.
    const single = buildTd3({ ...PERSON, lastName: 'MACCARTHY', firstName: '' });
    expect(single[0]).toMatch(/^P<UTOMACCARTHY<{30}$/);
    expect(fuse('TD3', paddleRead(single, () => 0.9), null).lines).toEqual(single);
  });

  it("takes a separator read as C and another letter for '<<' where that letter was nearly a '<'", () => {
    // P<UTOLINDQVISTCAMAJA<ELISE<<<…: a stamp over the separator, its chevrons read as C (the '<'
    // 2.5 behind) and A (the '<' close behind); no '<<' anywhere else.
    const at = genuine[0].indexOf('<<', 5);
    const misread = [genuine[0].slice(0, at) + 'CA' + genuine[0].slice(at + 2), genuine[1]];
    const stamped = paddleRead(misread, (l, k) => (l === 0 && k === at ? 0.8 : l === 0 && k === at + 1 ? 0.5 : 0.97));
    stamped.positions[0]![at]!.probabilities[MRZ_ALPHABET.indexOf('<')] = 0.05;
    stamped.positions[0]![at + 1]!.probabilities[MRZ_ALPHABET.indexOf('<')] = 0.3;
    expect(fuse('TD3', stamped, null).lines).toEqual(genuine);
    // With no trace of a chevron in the A, the two letters stay.
    stamped.positions[0]![at + 1]!.probabilities[MRZ_ALPHABET.indexOf('<')] = 0.001;
    expect(fuse('TD3', stamped, null).lines[0]).toContain('LINDQVISTCAMAJA');
  });

  it("takes a separator read as CC for '<<' with hardly a trace of the chevron where the line reads its filler as C too", () => {
    // P<UTOLINDQVISTCCMAJA<ELISECCCC…: a soft photo's readers see every chevron as C, '<' about as
    // far behind as behind any letter (3.5 and 4.4 at the separator, 4.4 in the filler).
    const sep = genuine[0].indexOf('<<', 5);
    const end = genuine[0].indexOf('<<<', 5);
    const separator = genuine[0].slice(0, sep) + 'CC' + genuine[0].slice(sep + 2, end);
    const read = (filler: string) => {
      const paddle = paddleRead([separator + filler, genuine[1]], (l, k) => (l === 0 && (k === sep || k === sep + 1 || (k >= end && filler[k - end] === 'C')) ? 0.95 : 0.97));
      paddle.positions[0]![sep]!.probabilities[MRZ_ALPHABET.indexOf('<')] = 0.02;
      for (let k = sep + 1; k < 44; k++) if (k === sep + 1 || (k >= end && filler[k - end] === 'C')) paddle.positions[0]![k]!.probabilities[MRZ_ALPHABET.indexOf('<')] = 0.002;
      return fuse('TD3', paddle, null).lines[0];
    };
    expect(read('C'.repeat(44 - end))).toBe(genuine[0]);
    // Where the filler reads as chevrons, the readers tell the two apart: the CC, as unlike a '<' as
    // any letter, stays.
    expect(read('<'.repeat(44 - end))).toContain('LINDQVISTCCMAJA');
  });

  it("reads what follows the given names' '<<' as filler: a lone letter there is a misread chevron", () => {
    // P<UTOLINDQVIST<<MAJA<ELISE<<<…: a chevron after ELISE<< read as S.
    const end = genuine[0].indexOf('<<', genuine[0].indexOf('<<', 5) + 2);
    const misread = [genuine[0].slice(0, end + 2) + 'S' + genuine[0].slice(end + 3), genuine[1]];
    expect(fuse('TD3', paddleRead(misread), null).lines).toEqual(genuine);
  });

  it("reads a letter between two given names where the readers saw a '<' nearly as likely as that '<'", () => {
    // P<UTOLINDQVIST<<MAJA<ELISE<<<…: the chevron between MAJA and ELISE read as C, '<' close behind.
    const at = genuine[0].indexOf('<ELISE');
    const soft = (letter: string, p: number, chevron: number) => {
      const read = paddleRead([genuine[0].slice(0, at) + letter + genuine[0].slice(at + 1), genuine[1]], (l, k) => (l === 0 && k === at ? p : 0.97));
      read.positions[0]![at]!.probabilities[MRZ_ALPHABET.indexOf('<')] = chevron;
      return fuse('TD3', read, null).lines[0];
    };
    expect(soft('C', 0.5, 0.35)).toBe(genuine[0]);
    // Another letter only where the '<' is about as likely ("ALSKAABI").
    expect(soft('S', 0.5, 0.4)).toBe(genuine[0]);
    expect(soft('S', 0.6, 0.2)).toContain('MAJASELISE');
    // Nor where '<' lies as far behind as the fusion puts a reader's lone disagreeing choice (0.4+).
    expect(soft('T', 0.6, 0.38)).toContain('MAJATELISE');
    // A letter read clearly stays: a name may hold a C between two others.
    expect(fuse('TD3', paddleRead([genuine[0].slice(0, at) + 'C' + genuine[0].slice(at + 1), genuine[1]]), null).lines[0]).toContain('MAJACELISE');
  });

  it('reads a run of one letter in the name field as filler: soft chevrons read as C', () => {
    // P<UTOLINDQVIST<<MAJA<ELISE<<<…: the filler after the names read as CCCC…
    const end = genuine[0].indexOf('<<<', 5);
    const misread = [genuine[0].slice(0, end) + 'C'.repeat(44 - end), genuine[1]];
    expect(fuse('TD3', paddleRead(misread), null).lines).toEqual(genuine);
  });

  it('reads a mixed run of C, E and K in the name field as filler only where a chevron was seen in each', () => {
    // P<UTOLINDQVIST<<MAJA<ELISE<<<…: the filler read as CEECKCE…, '<' the second thought at each.
    const end = genuine[0].indexOf('<<<', 5);
    const misread = [genuine[0].slice(0, end) + 'CEECKCE'.repeat(7).slice(0, 44 - end), genuine[1]];
    const soft = paddleRead(misread, (l, k) => (l === 0 && k >= end ? 0.8 : 0.97));
    for (let k = end; k < 44; k++) soft.positions[0]![k]!.probabilities[MRZ_ALPHABET.indexOf('<')] = 0.1;
    expect(fuse('TD3', soft, null).lines).toEqual(genuine);
    // A name printed clearly with such a run in it stays: P<UTOBECKER<<ANNA<<<…
    const becker = buildTd3({ ...PERSON, lastName: 'BECKER', firstName: 'ANNA' });
    expect(fuse('TD3', paddleRead(becker, () => 0.9), null).lines).toEqual(becker);
  });

  it('reads soft C/E/K among the fillers after the names as filler, then finds the separator before them', () => {
    // P<UTOLINDQVISTCCMAJA<ELISE<<C<<<…: the separator read as CC, a filler after the names as C.
    const sep = genuine[0].indexOf('<<', 5);
    const end = genuine[0].indexOf('<<<', 5);
    const misread = [genuine[0].slice(0, sep) + 'CC' + genuine[0].slice(sep + 2, end + 2) + 'C' + genuine[0].slice(end + 3), genuine[1]];
    expect(misread[0]).toContain('LINDQVISTCCMAJA<ELISE<<C<<<');
    const soft = paddleRead(misread, (l, k) => (l === 0 && [sep, sep + 1, end + 2].includes(k) ? 0.8 : 0.97));
    for (const k of [sep, sep + 1, end + 2]) soft.positions[0]![k]!.probabilities[MRZ_ALPHABET.indexOf('<')] = 0.08;
    expect(fuse('TD3', soft, null).lines).toEqual(genuine);
    // A short given name of such letters printed clearly stays: P<UTOZHANG<<KE<<<…
    const zhang = buildTd3({ ...PERSON, lastName: 'ZHANG', firstName: 'KE' });
    expect(fuse('TD3', paddleRead(zhang, () => 0.9), null).lines).toEqual(zhang);
  });

  it('reads one or two soft C/E/K ending the last name, right before the filler, as filler', () => {
    // P<UTOLINDQVIST<<MAJA<ELISECC<<<…: the first two fillers after ELISE read as C, '<' a close second.
    const end = genuine[0].indexOf('<<<', 5);
    const misread = [genuine[0].slice(0, end) + 'CC' + genuine[0].slice(end + 2), genuine[1]];
    expect(misread[0]).toContain('ELISECC<<<');
    const soft = paddleRead(misread, (l, k) => (l === 0 && (k === end || k === end + 1) ? 0.7 : 0.97));
    for (const k of [end, end + 1]) soft.positions[0]![k]!.probabilities[MRZ_ALPHABET.indexOf('<')] = 0.2;
    expect(fuse('TD3', soft, null).lines).toEqual(genuine);
    // A name ending in such a letter printed clearly keeps it: P<UTOLINDQVIST<<ANNE<<<…
    const anne = buildTd3({ ...PERSON, firstName: 'ANNE' });
    expect(fuse('TD3', paddleRead(anne, () => 0.9), null).lines).toEqual(anne);
  });

  it("reads a run of one letter with a name after it as the surname separator and the name's first letter", () => {
    // P<UTOLINDQVIST<<MAJA…, small print: the separator and the M read as MMM ("LINDQVISTMMMAJA"),
    // the second chevron likelier a '<' than the first letter of the run.
    const at = genuine[0].indexOf('<<', 5);
    const misread = [genuine[0].slice(0, at) + 'MM' + genuine[0].slice(at + 2), genuine[1]];
    expect(misread[0]).toContain('LINDQVISTMMMAJA');
    const paddle = paddleRead(misread, (l, k) => (l === 0 && (k === at || k === at + 1) ? 0.7 : 0.97));
    for (const k of [at, at + 1]) paddle.positions[0]![k]!.probabilities[MRZ_ALPHABET.indexOf('<')] = 0.2;
    expect(fuse('TD3', paddle, null).lines).toEqual(genuine);
  });

  it("leaves a look-alike open to the check digit where the recognition models disagree", () => {
    // The document number's second character: one model is sure of a 5, the other reads the printed S.
    const withS = buildTd3({ ...PERSON, documentNumber: 'XS1234567' });
    const withFive = [withS[0], withS[1].slice(0, 1) + '5' + withS[1].slice(2)];
    // Alone, the sure model's 5 stands (a clear character is never changed for a check digit)...
    const sure = paddleRead(withFive, (l, k) => (l === 1 && k === 1 ? 0.9 : 0.97));
    expect(fuse('TD3', sure, null).lines[1]!.slice(0, 2)).toBe('X5');
    // ...with a second model reading S, the check digit decides between them.
    const other = paddleRead(withS, (l, k) => (l === 1 && k === 1 ? 0.6 : 0.97));
    const read = fuse('TD3', { ...sure, opinions: [other] }, null);
    expect(read.lines).toEqual(withS);
    expect(read.guessed).toBe(false);
  });

  it('uses the field grammar as a prior: a digit read as O in a date is a 0', () => {
    const zero = genuine[1].indexOf('0', 13);
    expect(zero).toBeLessThan(19); // a 0 in the birth date
    const withO = [genuine[0], genuine[1].slice(0, zero) + 'O' + genuine[1].slice(zero + 1)];
    const read = fuse('TD3', paddleRead(withO, () => 0.8), null);
    expect(read.lines).toEqual(genuine);
  });

  it('reads the sex as F, M, X or <, never a digit, however the readers lean: no document prints one there', () => {
    // A photo's small F read as a 7 by PaddleOCR surely, by the cell reader as a 7 more than an F.
    const sex = 20;
    const misread = [genuine[0], genuine[1].slice(0, sex) + '7' + genuine[1].slice(sex + 1)];
    const cells = paddleRead(genuine, () => 0.9).lines;
    const cell = cells[1]!.chars[sex]!.probabilities;
    cell.fill(0.1 / (MRZ_ALPHABET.length - 2));
    cell[MRZ_ALPHABET.indexOf(genuine[1][sex]!)] = 0.3;
    cell[MRZ_ALPHABET.indexOf('7')] = 0.6;
    expect(fuse('TD3', { ...paddleRead(misread), cells }, null).lines).toEqual(genuine);
  });

  it("reads a date's month and day as starting with a digit they can start with: 0–1 and 0–3", () => {
    // The birth month's 0 (880314) read as 8, ten times as likely as the 0, and the day's 1 as 7.
    const month = 15;
    const day = 17;
    const misread = [genuine[0], `${genuine[1].slice(0, month)}8${genuine[1].slice(month + 1, day)}7${genuine[1].slice(day + 1)}`];
    const paddle = paddleRead(misread, (l, k) => (l === 1 && (k === month || k === day) ? 0.88 : 0.97));
    paddle.positions[1]![month]!.probabilities[MRZ_ALPHABET.indexOf('0')] = 0.09;
    paddle.positions[1]![day]!.probabilities[MRZ_ALPHABET.indexOf('1')] = 0.09;
    expect(fuse('TD3', paddle, null).lines).toEqual(genuine);
    // A 3 may start a day: there the digit read stands (and its check digit then disagrees).
    const third = paddleRead([genuine[0], `${genuine[1].slice(0, day)}3${genuine[1].slice(day + 1)}`], (l, k) => (l === 1 && k === day ? 0.88 : 0.97));
    third.positions[1]![day]!.probabilities[MRZ_ALPHABET.indexOf('1')] = 0.09;
    expect(fuse('TD3', third, null).lines[1]![day]).toBe('3');
    // A prior, not a veto: a month printed clearly as no month is printed stays as printed.
    const forged = paddleRead([genuine[0], `${genuine[1].slice(0, month)}3${genuine[1].slice(month + 1)}`]);
    expect(fuse('TD3', forged, null).lines[1]![month]).toBe('3');
  });

  it('reads a digit in a name as the letter read next to it, however sure: names hold letters only', () => {
    // The given name's O read as 0, a hundred times as likely as O: in a code (real documents print
    // digits in codes) that would stand; in a name it is the O.
    const printed = buildTd3({ ...PERSON, firstName: 'QUO' });
    const o = printed[0].indexOf('QUO') + 2;
    const paddle = paddleRead([`${printed[0].slice(0, o)}0${printed[0].slice(o + 1)}`, printed[1]]);
    paddle.positions[0]![o]!.probabilities[MRZ_ALPHABET.indexOf('O')] = 0.01;
    expect(fuse('TD3', paddle, null).lines).toEqual(printed);
  });

  it('aligns a line PaddleOCR read with a character too many to the glyph reader\'s positions', () => {
    const extra = paddleRead([genuine[0].slice(0, 5) + 'U' + genuine[0].slice(5, 43), genuine[1]]);
    const aligned = alignTo(extra.lines[0]!, genuine[0]);
    expect(aligned.map((c) => c?.char ?? '<').join('')).toBe(genuine[0]);
  });

  it('prefers the reading whose check digits agree when the readers disagree', () => {
    const glyphs: GlyphRead = {
      format: 'TD3',
      lines: genuine,
      readings: genuine.map((line) => [...line].map((char) => ({ ranked: [{ char, distance: 1 }, { char: char === '<' ? 'K' : '<', distance: 9 }], vector: new Float32Array(), print: new Float32Array() }))),
      confidence: 1,
      guessed: false,
      complete: true,
      skew: 0,
    };
    const wrong = [genuine[0], 'X' + genuine[1].slice(1)];
    const best = bestReading([paddleRead(wrong)], glyphs)!;
    expect(best.lines).toEqual(genuine);
  });
  // Garbage the glyph reader laid over a legible band, every check digit agreeing (by guesses, or by
  // chance), clear at `confidence` of its positions; and the models' reading, one check digit misread.
  const garbage = buildTd3({ ...PERSON, lastName: 'BILSEW', firstName: 'JL', documentNumber: 'S21S1673' });
  const garbageGlyphs = (confidence: number, { guessed, lines = garbage }: { guessed: boolean; lines?: string[] }): GlyphRead => ({
    format: 'TD3',
    lines,
    readings: lines.map((line) => [...line].map(() => ({ ranked: [], vector: new Float32Array(), print: new Float32Array() }))),
    confidence,
    guessed,
    complete: true,
    skew: 0,
  });
  const oneDigitMisread = [genuine[0], genuine[1].slice(0, 19) + String((Number(genuine[1][19]) + 1) % 10) + genuine[1].slice(20)];
  // A settled glyph reading that wins keeps its lines but for the names, which no check digit covers:
  // those are as the glyph reader and PaddleOCR read them together (`namesFrom`); here, PaddleOCR's.
  const garbageButNames = [garbage[0].slice(0, 5) + genuine[0].slice(5), garbage[1]];

  it("does not take a reading settled only by guessing look-alikes, with most of its characters unclear, for a settled one", () => {
    // Seed 87's NLD card: the glyph reader laid garbage over a legible band ("BILSEW<<JL<<ITTP…"),
    // clear at 0.39 of its positions, and guessing look-alikes made every check digit agree; the
    // models read the band nearly right, one check digit misread.
    expect(bestReading([paddleRead(oneDigitMisread)], garbageGlyphs(0.39, { guessed: true }))!.lines).toEqual(oneDigitMisread);
    // As clear as a reading final without its check digits, the guess settles it.
    expect(bestReading([paddleRead(oneDigitMisread)], garbageGlyphs(0.9, { guessed: true }))!.lines).toEqual(garbageButNames);
  });

  it("prefers a reading clear enough to stand without its check digits to one reader's less clear reading whose check digits all agree", () => {
    // Seed 119's Dutch permit: PaddleOCR read it clearly but for one character a check digit covers;
    // the glyph reader read garbage, clear at 0.61 of its positions, its check digits agreeing by chance.
    expect(bestReading([paddleRead(oneDigitMisread)], garbageGlyphs(0.61, { guessed: false }))!.lines).toEqual(oneDigitMisread);
    // As clear as the models' reading, the glyph reader's settled reading wins.
    expect(bestReading([paddleRead(oneDigitMisread)], garbageGlyphs(0.9, { guessed: false }))!.lines).toEqual(garbageButNames);
  });

  it('counts no check digit of a reading with a date no calendar has', () => {
    // Seed 150's Japanese passport: the glyph reader's garbage, born 790770 and expiring 163372,
    // clear at 0.76 of its positions, every check digit agreeing; PaddleOCR's models read the page
    // right but for a number's S read 5.
    const offCalendar = buildTd3({ ...PERSON, lastName: 'BILSEW', firstName: 'JL', documentNumber: 'S21S1673', birthDate: '1979-07-70' });
    expect(validCheckDigits('TD3', offCalendar)).toBe(5);
    expect(bestReading([paddleRead(oneDigitMisread)], garbageGlyphs(0.9, { guessed: false, lines: offCalendar }))!.lines).toEqual(oneDigitMisread);
  });

  it("hears a card's MRZ found as two of its lines, read as TD2's, as the card's lines they fit", () => {
    const card = buildTd1({ ...PERSON, documentNumber: 'ID9875401' });
    const asTd2 = (lines: string[]): PaddleMrzRead => ({ ...paddleRead(lines), format: 'TD2' });
    // Found as its first two lines, and on the band read again as its last two: together, the card.
    expect(bestReading([asTd2([card[0]!, card[1]!]), asTd2([card[1]!, card[2]!])], null)!.lines).toEqual(card);
    // Found as its first and last lines, the dates' line between them skipped: those two as read.
    const ends = bestReading([asTd2([card[0]!, card[2]!])], null)!;
    expect(ends.format).toBe('TD1');
    expect([ends.lines[0], ends.lines[2]]).toEqual([card[0], card[2]]);
  });

  it("does not hear the cell reader on a card found as two of its lines: they are heard as the card's", () => {
    // Seeds 66, 69, 143 and 145: two card lines found (30 characters) and so read as TD2; the cell
    // reader read the band at TD2's 36 positions a line, and garbage whose check digits agreed (here,
    // another document's MRZ) outweighed the card's lines.
    const card = buildTd1({ ...PERSON, documentNumber: 'ID9875401' });
    const read: PaddleMrzRead = { ...paddleRead([card[0]!, card[1]!]), format: 'TD2' };
    const other = buildTd2({ ...PERSON, documentNumber: 'ZX4455667', lastName: 'OTHER' });
    read.cells = other.map((line) => sureLine(line, 0.3));
    const best = bestReading([read], null)!;
    expect(best.format).toBe('TD1');
    expect([best.lines[0], best.lines[1]]).toEqual([card[0], card[1]]);
  });

  it('hears the first recognition model alone when with a second opinion that shifted a line it settles nothing', () => {
    // The second model dropped the line's first character and read the rest surely.
    const read = paddleRead(genuine, () => 0.9);
    const shifted = paddleRead([genuine[0], genuine[1].slice(1) + '<'], () => 0.99);
    read.opinions = [{ lines: shifted.lines, positions: shifted.positions }];
    expect(validCheckDigits('TD3', fuse('TD3', read, null).lines)).toBeLessThan(5);
    expect(bestReading([read], null)!.lines).toEqual(genuine);
  });

  it('hears the first find and the straight reread of its band together', () => {
    // P<UTOLINDQVIST<<…: found small at the page's scale, the Q reads as a sure-looking O (the Q a
    // distant second); on the band cut out straight it reads as Q. Names have no check digit, so
    // either read alone is as good as the other; heard together the Q wins.
    const q = genuine[0].indexOf('Q');
    const withO = [genuine[0].slice(0, q) + 'O' + genuine[0].slice(q + 1), genuine[1]];
    const first = paddleRead(withO, (l, k) => (l === 0 && k === q ? 0.8 : 0.99));
    first.positions[0]![q]!.probabilities[MRZ_ALPHABET.indexOf('Q')] = 0.15;
    const again = paddleRead(genuine, () => 0.85);
    expect(fuse('TD3', first, null).lines[0]).toBe(withO[0]);
    expect(bestReading([first, again], null)!.lines).toEqual(genuine);
    // Reads of different formats are not heard together.
    expect(bestReading([first, { ...again, format: 'TD2' }], null)!.lines).toEqual(withO);
  });

  it('weighs the first find and the reread of its band alike, however many models read each', () => {
    // Seed 136's Dutch passport: both models read the first find's soft separator as E, surely;
    // on the band cut out straight the one model read '<<' more surely still. Heard model by model,
    // the first find's two had outvoted it.
    const q = genuine[0].indexOf('Q');
    const withO = [genuine[0].slice(0, q) + 'O' + genuine[0].slice(q + 1), genuine[1]];
    const first = paddleRead(withO, () => 0.9);
    first.opinions = [{ lines: first.lines, positions: first.positions }];
    const again = paddleRead(genuine, () => 0.97);
    expect(bestReading([first, again], null)!.lines).toEqual(genuine);
  });

  it("keeps the lines with check digits as read without the cell reader where its misread keeps them from agreeing, the names as heard with it", () => {
    // Soft small print: PaddleOCR reads the surname's Q as an O, unsurely (the Q second), and the
    // second line right; the cell reader reads the Q surely, and lost a place on the second line
    // (every character after its first a place early), as surely.
    const q = genuine[0].indexOf('Q');
    const withO = [genuine[0].slice(0, q) + 'O' + genuine[0].slice(q + 1), genuine[1]];
    const misreadBy = (lines: string[]) => {
      const read = paddleRead(lines, (l, k) => (l === 0 && k === q ? 0.5 : 0.9));
      read.positions[0]![q]!.probabilities[MRZ_ALPHABET.indexOf('Q')] = 0.35;
      return read;
    };
    const paddle = misreadBy(withO);
    const cells = paddleRead([genuine[0], genuine[1].slice(1) + '<'], () => 0.95).lines;
    const heard = fuse('TD3', { ...paddle, cells }, null);
    expect(heard.lines[0]).toBe(genuine[0]);
    expect(validCheckDigits('TD3', heard.lines)).toBeLessThan(5);
    expect(fuse('TD3', paddle, null).lines[0]).toBe(withO[0]);
    expect(bestReading([{ ...paddle, cells }], null)!.lines).toEqual(genuine);
    // Where the reading without it settles nothing either, the reading heard with it stands.
    const forged = misreadBy([withO[0]!, genuine[1].slice(0, 15) + String((Number(genuine[1][15]) + 3) % 10) + genuine[1].slice(16)]);
    const kept = bestReading([{ ...forged, cells }], null)!;
    expect(kept.lines).toEqual(fuse('TD3', { ...forged, cells }, null).lines);
    expect(validCheckDigits('TD3', kept.lines)).toBeLessThan(5);
  });

  it("does not hear the cell reader's letters on a band PaddleOCR's models settle alone", () => {
    // Every check digit agrees and every letter is clear as PaddleOCR reads the band; the cell reader
    // reads the surname's Q as an O, surely. Heard, its O would win the name (no check digit there).
    const paddle = paddleRead(genuine);
    const q = genuine[0].indexOf('Q');
    const cells = paddleRead([genuine[0].slice(0, q) + 'O' + genuine[0].slice(q + 1), genuine[1]], () => 0.99).lines;
    expect(fuse('TD3', { ...paddle, cells }, null).lines[0]).not.toBe(genuine[0]);
    expect(bestReading([{ ...paddle, cells }], null)!.lines).toEqual(genuine);
  });

  it('counts a read as settled alone only when its names are read clearly too: no check digit guards them', () => {
    expect(settledAlone(paddleRead(genuine))).toBe(true);
    // P<UTOLINDQVIST<<MAJA<ELISE…: the given names' separator read as C, '<' a close second; every
    // check digit agrees and nearly every character is clear, yet the band is to be read again.
    const at = genuine[0].indexOf('<', genuine[0].indexOf('<<', 5) + 2);
    const misread = [genuine[0].slice(0, at) + 'C' + genuine[0].slice(at + 1), genuine[1]];
    const soft = paddleRead(misread, (l, k) => (l === 0 && k === at ? 0.55 : 0.97));
    soft.positions[0]![at]!.probabilities[MRZ_ALPHABET.indexOf('<')] = 0.4;
    expect(validCheckDigits('TD3', fuse('TD3', soft, null).lines)).toBe(5);
    expect(settledAlone(soft)).toBe(false);
    // A date's digit as unclear leaves the read settled: the check digits guard it.
    const digit = paddleRead(genuine, (l, k) => (l === 1 && k === 15 ? 0.55 : 0.97));
    expect(settledAlone(digit)).toBe(true);
  });
});

/** A passport's MRZ as the scripted photos print it: its two lines, 32 px apart. */
const PASSPORT_MRZ = buildTd3(PERSON);
const MRZ_ROWS = [
  { cy: 400, text: PASSPORT_MRZ[0] },
  { cy: 432, text: PASSPORT_MRZ[1] },
];

/** A detected MRZ line's box: 880 px wide, centred at x = 500. */
const lineBox = (cy: number, angle = 0): TextBox => ({ cx: 500, cy, width: 880, height: 20, angle, score: 0.9 });

/** What a scripted detection finds, given how it looks (the side, the region, the turn). */
type ScriptedDetect = (side: number, region: unknown, options: { turn?: number; finder?: boolean }) => TextBox[];

/**
 * A stand-in for PaddleOCR: the whole image's detection finds the boxes `found`, closer looks find
 * nothing (or `found` says what each look finds); a box reads what `read` says is under it.
 */
const scriptedOcr = (found: TextBox[] | ScriptedDetect, read: (at: TextBox) => RecognisedLine, { finder = false } = {}) =>
  ({
    models: 1,
    hasFinder: finder,
    detect: async (_image: Image, side = 960, region?: unknown, options = {}) => (typeof found === 'function' ? found(side, region, options) : region ? [] : found),
    recognise: async (_image: Image, at: TextBox) => read(at),
  }) as unknown as PaddleOcr;

/** The text row (its middle within 3 px) a box lies on, upright; undefined when none. */
const rowUnder = (rows: Array<{ cy: number; text: string }>, at: TextBox) => (Math.cos(at.angle) > 0 ? rows.find((r) => Math.abs(r.cy - at.cy) < 3) : undefined);

/** Each box reads the whole row it lies on, surely. */
const readsRows = (rows: Array<{ cy: number; text: string }>) => (at: TextBox) => sureLine(rowUnder(rows, at)?.text ?? '');

describe('finding the MRZ: a lone line and its sibling read with C for its fillers', () => {
  const genuine = PASSPORT_MRZ;
  /**
   * A photo's MRZ: line 2 read right, line 1 as given (its fillers read as letters, so it does not
   * read like an MRZ line by itself). The whole image's detection finds line 2 only (line 1 merged
   * with the page's print above it).
   */
  const scripted = (lineOne: string) =>
    scriptedOcr(
      [lineBox(432)],
      readsRows([
        { cy: 400, text: lineOne },
        { cy: 432, text: genuine[1] },
      ]),
    );
  const image = createCanvas(1000, 800) as unknown as Image;

  it('takes the sibling whose fillers read as runs of C when nothing else is found, as the MRZ', async () => {
    const lineOne = genuine[0].replaceAll('<', 'C');
    const read = await locateMrz(scripted(lineOne), image);
    expect(read?.format).toBe('TD3');
    expect(read!.lines.map((line) => line.text)).toEqual([lineOne, genuine[1]]);
    // The band lies over both lines; fused, line 2's check digits all agree.
    expect(read!.band.cy).toBeGreaterThan(400);
    expect(read!.band.cy).toBeLessThan(432);
    expect(validCheckDigits('TD3', fuse('TD3', read, null).lines)).toBe(5);
  });

  it('takes as a last resort a sibling with a single pair of chevrons read as C, the rest as E', async () => {
    const lineOne = genuine[0].replace('<<', 'CC').replaceAll('<', 'E');
    const read = await locateMrz(scripted(lineOne), image);
    expect(read!.lines.map((line) => line.text)).toEqual([lineOne, genuine[1]]);
    expect(validCheckDigits('TD3', fuse('TD3', read, null).lines)).toBe(5);
    // Without even that pair, the line above is no MRZ line.
    expect(await locateMrz(scripted(genuine[0].replaceAll('<', 'E')), image)).toBeNull();
  });

  it('with a last resort in hand takes only the closest look, not the wider ones at 1280 px', async () => {
    const lineOne = genuine[0].replace('<<', 'CC').replaceAll('<', 'E');
    const looks: Array<{ side: number; region: boolean }> = [];
    const ocr = scriptedOcr(
      (side, region) => {
        looks.push({ side, region: region !== undefined });
        return region ? [] : [lineBox(432)];
      },
      readsRows([
        { cy: 400, text: lineOne },
        { cy: 432, text: genuine[1] },
      ]),
    );
    const read = await locateMrz(ocr, createCanvas(1600, 1200) as unknown as Image);
    expect(read!.lines.map((line) => line.text)).toEqual([lineOne, genuine[1]]);
    // The whole frame at 960 px and at its own size, then the closest look (1600 px, cut tight) only.
    expect(looks.slice(0, 3)).toEqual([
      { side: 960, region: false },
      { side: 1600, region: false },
      { side: 1600, region: true },
    ]);
    expect(looks.some((look) => look.region && look.side === 1280)).toBe(false);
  });
});

describe('finding the MRZ: text that runs another way', () => {
  const genuine = PASSPORT_MRZ;
  const rows = MRZ_ROWS;
  // "SPECIMEN" printed up the page, the widest row found: it reads well only turned a half turn
  // (from the bottom up), which says nothing of which way the MRZ runs.
  const stamp: TextBox = { cx: 960, cy: 400, width: 900, height: 20, angle: Math.PI / 2, score: 0.9 };
  const read = (at: TextBox) => (Math.abs(Math.sin(at.angle)) > 0.9 ? sureLine(Math.sin(at.angle) < 0 ? 'SPECIMENSPECIMEN' : '') : readsRows(rows)(at));

  it('decides which way the MRZ reads on its own rows, not on a stamp printed up the page', async () => {
    const found = await locateMrz(scriptedOcr([stamp, lineBox(400), lineBox(432)], read), createCanvas(1000, 800) as unknown as Image);
    expect(found?.format).toBe('TD3');
    expect(found!.lines.map((l) => l.text)).toEqual(genuine);
  });
});

describe('finding the MRZ: a widest row that reads better upside down', () => {
  const genuine = PASSPORT_MRZ;
  // The page's print above the MRZ, two lines merged into the widest row: a letter as it lies, a
  // little more turned a half turn — which says nothing of which way the MRZ runs.
  const blob: TextBox = { cx: 500, cy: 300, width: 950, height: 50, angle: 0, score: 0.9 };
  const read = (at: TextBox) =>
    Math.abs(at.cy - blob.cy) < 3 ? (Math.cos(at.angle) > 0 ? sureLine('W', 0.34) : sureLine('WONWWW', 0.63)) : readsRows(MRZ_ROWS)(at);

  it('searches the other way up when nothing was found the way the widest row chose, without a closer look', async () => {
    const looks: boolean[] = [];
    const ocr = scriptedOcr((_side, region) => {
      looks.push(region !== undefined);
      return region ? [] : [blob, lineBox(400), lineBox(432)];
    }, read);
    const found = await locateMrz(ocr, createCanvas(1000, 800) as unknown as Image);
    expect(found?.format).toBe('TD3');
    expect(found!.lines.map((l) => l.text)).toEqual(genuine);
    expect(looks).toEqual([false]);
  });
});

describe('finding the MRZ: a page turned a quarter turn, its rows given either way up', () => {
  const genuine = PASSPORT_MRZ;
  // The page turned clockwise: its lines run down the image, its top on the right. The detector
  // gives a box running straight down the image the angle +π/2 or −π/2 alike. (The MRZ lines lie
  // farther apart than where a lone line's sibling is looked for, so only the rows found count.)
  const lines = [
    { cx: 450, text: genuine[0] },
    { cx: 400, text: genuine[1] },
    { cx: 900, text: 'PASSPORTPASSEPORTUTOPIA' },
  ];
  const column = (cx: number, angle: number, width = 880): TextBox => ({ cx, cy: 500, width, height: 20, angle, score: 0.9 });
  /** A box reads the line it lies on when it runs down the image (the way the page reads), else nothing. */
  const read = (at: TextBox) => sureLine(Math.sin(at.angle) > 0.9 ? (lines.find((l) => Math.abs(l.cx - at.cx) < 3)?.text ?? '') : '');
  const ocr = scriptedOcr([column(900, -Math.PI / 2, 900), column(450, Math.PI / 2), column(400, -Math.PI / 2)], read);

  it('turns the rows together, whichever way up the detector gave each', async () => {
    const found = await locateMrz(ocr, createCanvas(1000, 1000) as unknown as Image);
    expect(found?.format).toBe('TD3');
    expect(found!.lines.map((l) => l.text)).toEqual(genuine);
  });
});

describe('finding the MRZ: page print that places as filler only', () => {
  const genuine = PASSPORT_MRZ;
  // Two lines of a page's print under the MRZ, long and with digits (a Latvian page's "01.11.2007
  // BEGLU LIETU DEPARTAMENTS" and the labels above it): found at the page's scale, where the
  // detector broke the MRZ lines into pieces. At full resolution the MRZ lines are found whole.
  const print = [
    { cy: 700, text: '0111Z007BEGLULIETUDEPARTAMENTS' },
    { cy: 730, text: '11DERIGNAOATDOPIRYDATEDEPIATION12PARAKATSHODERSSIGUTURESIGUTREDUTHAN' },
  ];
  const mrz = MRZ_ROWS;
  const row = (cy: number): TextBox => ({ cx: 600, cy, width: 1000, height: 24, angle: 0, score: 0.9 });
  const ocr = scriptedOcr((side, region) => (region ? [] : side > 960 ? [...mrz, ...print] : print).map(({ cy }) => row(cy)), readsRows([...print, ...mrz]));

  it('counts check digits that agree only over filler as none: the search goes on', async () => {
    const found = await locateMrz(ocr, createCanvas(1346, 1504) as unknown as Image);
    expect(found?.format).toBe('TD3');
    expect(found!.lines.map((l) => l.text)).toEqual(genuine);
  });
});

describe('second opinions: only for what the first model cannot settle', () => {
  const genuine = PASSPORT_MRZ;
  /** Line 1 with its given name's first letter read M or N about as likely (no check digit guards it). */
  const unsure = (): RecognisedLine => {
    const line = sureLine(genuine[0]!);
    const k = genuine[0]!.indexOf('<<') + 2;
    const probabilities = new Float32Array(MRZ_ALPHABET.length).fill(0.05 / (MRZ_ALPHABET.length - 2));
    probabilities[MRZ_ALPHABET.indexOf(genuine[0]![k]!)] = 0.5;
    probabilities[MRZ_ALPHABET.indexOf('N')] = 0.45;
    line.chars[k] = { ...line.chars[k]!, probabilities };
    return line;
  };
  /**
   * Two models; the whole frame finds the MRZ's two rows (at y 400 and 432), the band cut out straight
   * (1200 px wide) finds them where it puts them (above and below its middle). The first model reads
   * the band's line 1 `unsure` when `bandUnsure`; every other read is sure. Each read is logged.
   */
  const ocrReading = (bandUnsure: boolean) => {
    const calls: Array<{ band: boolean; model: number; smoothing: string }> = [];
    const ocr = {
      models: 2,
      hasFinder: false,
      detect: async (image: Image, _side = 960, region?: unknown) => {
        if (region) return [];
        const band = image.width === 1200;
        return (band ? [image.height / 2 - 21, image.height / 2 + 21] : [400, 432]).map((cy) => ({ cx: band ? 600 : 500, cy, width: band ? 1148 : 880, height: band ? 26 : 20, angle: 0, score: 0.9 }));
      },
      recognise: async (image: Image, at: TextBox, model = 0, smoothing = 'low') => {
        const band = image.width === 1200;
        calls.push({ band, model, smoothing });
        const line = at.cy < (band ? image.height / 2 : 416) ? 0 : 1;
        return line === 0 && band && bandUnsure && model === 0 && smoothing === 'low' ? unsure() : sureLine(genuine[line]!);
      },
    } as unknown as PaddleOcr;
    return { ocr, calls };
  };

  it('reads a doubtful band again with the other model and with the first model resampled finer', async () => {
    const { ocr, calls } = ocrReading(true);
    const image = createCanvas(1000, 800) as unknown as Image;
    const found = await locateMrz(ocr, image);
    // The whole frame's find settles alone: no other model reads it.
    expect(found!.lines.map((l) => l.text)).toEqual(genuine);
    expect(found!.opinions).toEqual([]);
    expect(calls.filter((c) => !c.band && c.model > 0)).toEqual([]);
    const again = await rereadStraight(ocr, image, found!);
    expect(again!.lines.map((l) => l.text)).toEqual(genuine);
    expect(again!.opinions).toHaveLength(2);
    expect(calls.filter((c) => c.band && (c.model > 0 || c.smoothing === 'high'))).toEqual([
      { band: true, model: 1, smoothing: 'low' },
      { band: true, model: 1, smoothing: 'low' },
      { band: true, model: 0, smoothing: 'high' },
      { band: true, model: 0, smoothing: 'high' },
    ]);
  });

  it('hears no other opinion on a band the first model settles alone', async () => {
    const { ocr, calls } = ocrReading(false);
    const image = createCanvas(1000, 800) as unknown as Image;
    const again = await rereadStraight(ocr, image, (await locateMrz(ocr, image))!);
    expect(again!.opinions).toEqual([]);
    expect(calls.filter((c) => c.model > 0 || c.smoothing === 'high')).toEqual([]);
  });
});

describe('finding the MRZ: the closest look where the whole frame saw only the page above it', () => {
  it('cuts the closest look around what the wider look there found, MRZ lines included', async () => {
    // A small page: the whole frame's detection finds a word of its print (cy 300), not its MRZ;
    // the wider look at that place finds the MRZ's two rows too, which read nothing it takes.
    const word: TextBox = { cx: 500, cy: 300, width: 300, height: 20, angle: 0, score: 0.9 };
    const closest: Region[] = [];
    const ocr = scriptedOcr(
      (side, region) => {
        if (!region) return [word];
        if (side === 1600) closest.push(region as Region);
        return side === 1280 ? [word, lineBox(400), lineBox(432)] : [];
      },
      (at) => sureLine(Math.abs(at.cy - 300) < 3 ? 'CANADA' : ''),
    );
    expect(await locateMrz(ocr, createCanvas(1600, 1200) as unknown as Image)).toBeNull();
    expect(closest.length).toBeGreaterThan(0);
    for (const region of closest) {
      expect(region.y).toBeLessThan(290);
      expect(region.y + region.height).toBeGreaterThan(442);
    }
  });
});

describe('finding the MRZ: small print at a slant', () => {
  const genuine = PASSPORT_MRZ;
  const rows = MRZ_ROWS;
  // A small page turned 45°: its lines run down to the right. The detector finds them only on the
  // image turned back level (-45°); any other way it merges them into a blob.
  const slanted = (cy: number) => lineBox(cy, Math.PI / 4);
  const blob: TextBox = { cx: 500, cy: 416, width: 90, height: 70, angle: 0.8, score: 0.9 };
  // The page's heading, large enough to be found as a word: it runs at the page's slant, or level.
  const heading = (angle: number): TextBox => ({ cx: 500, cy: 300, width: 120, height: 24, angle, score: 0.9 });
  const scripted = (headingAngle: number) => {
    const detected: Array<{ turn: number; boxes: TextBox[] }> = [];
    const ocr = scriptedOcr((_side, _region, { turn = 0 }) => {
      const boxes = Math.abs(turn + Math.PI / 4) < 1e-9 ? [slanted(400), slanted(432)] : [blob, heading(headingAngle)];
      detected.push({ turn, boxes });
      return boxes;
    }, readsRows(rows));
    return { ocr, detected };
  };

  it('looks at the page turned an eighth of a turn when neither level nor turned a quarter turn finds it', async () => {
    const { ocr, detected } = scripted(Math.PI / 4);
    const found = await locateMrz(ocr, createCanvas(1600, 1200) as unknown as Image);
    expect(found?.format).toBe('TD3');
    expect(found!.lines.map((l) => l.text)).toEqual(genuine);
    // Only after every level and quarter-turned look found nothing.
    expect(detected.at(-1)!.boxes).toHaveLength(2);
    expect(detected.slice(0, -1).every(({ boxes }) => boxes.length === 2 && boxes[0] === blob)).toBe(true);
  });

  it('does not where no text found runs at a slant (a page lying level that the looks missed)', async () => {
    const { ocr, detected } = scripted(0.1);
    expect(await locateMrz(ocr, createCanvas(1600, 1200) as unknown as Image)).toBeNull();
    expect(detected.some(({ turn }) => Math.abs(Math.abs(turn) - Math.PI / 4) < 1e-9)).toBe(false);
  });
});

describe('finding the MRZ: a page only the finder finds', () => {
  const genuine = PASSPORT_MRZ;
  const rows = MRZ_ROWS;
  // A small card beside a sheet of paper: PP-OCRv4's detector finds the sheet's print (a blob), at
  // every scale and turn; PP-OCRv6's, the finder, finds the card's MRZ lines.
  const blob: TextBox = { cx: 1200, cy: 800, width: 300, height: 200, angle: 0.3, score: 0.9 };
  const scripted = (finder: boolean) => {
    const asked: Array<{ finder: boolean; turn: number }> = [];
    const ocr = scriptedOcr(
      (_side, _region, { turn = 0, finder: byFinder = false }) => {
        asked.push({ finder: byFinder, turn });
        return byFinder ? [lineBox(400), lineBox(432)] : [blob];
      },
      readsRows(rows),
      { finder },
    );
    return { ocr, asked };
  };

  it('searches the whole frame with the finder once no look of the first detector found the MRZ', async () => {
    const { ocr, asked } = scripted(true);
    const found = await locateMrz(ocr, createCanvas(1600, 1200) as unknown as Image);
    expect(found?.format).toBe('TD3');
    expect(found!.lines.map((l) => l.text)).toEqual(genuine);
    // Asked once, level, after every look of the first detector (the whole frame twice, then closer).
    expect(asked.filter((a) => a.finder)).toEqual([{ finder: true, turn: 0 }]);
    expect(asked.at(-1)!.finder).toBe(true);
    expect(asked.length).toBeGreaterThan(3);
  });

  it('finds nothing without it', async () => {
    const { ocr, asked } = scripted(false);
    expect(await locateMrz(ocr, createCanvas(1600, 1200) as unknown as Image)).toBeNull();
    expect(asked.some((a) => a.finder)).toBe(false);
  });

  it('takes a quick look at the whole frame only: no closer look, no finder', async () => {
    const { ocr, asked } = scripted(true);
    expect(await locateMrz(ocr, createCanvas(1600, 1200) as unknown as Image, undefined, { quick: true })).toBeNull();
    // The whole frame at 960 px and at its own size, level, by the first detector.
    expect(asked).toEqual([
      { finder: false, turn: 0 },
      { finder: false, turn: 0 },
    ]);
  });
});

describe('finding the MRZ: the finder\'s closer looks at a small page', () => {
  // A small page: the first detector finds its heading (cy 250) and nothing of its MRZ, at every
  // scale and in every look; PP-OCRv6's detector, over the whole frame, finds only the start of each
  // MRZ line (a box reading nothing whole), and, looking closer where they lie, the lines themselves.
  const heading: TextBox = { cx: 500, cy: 250, width: 300, height: 24, angle: 0, score: 0.9 };
  const start = (cy: number, angle = 0): TextBox => ({ cx: 300, cy, width: 100, height: 20, angle, score: 0.9 });
  const covers = (region: unknown, from: number, to: number) => {
    const { y, height } = region as Region;
    return y <= from && y + height >= to;
  };
  const readWhole = (at: TextBox) => (at.width > 500 ? readsRows(MRZ_ROWS)(at) : sureLine(''));

  it('takes in what the whole frame\'s finder found near a place with text', async () => {
    const closer: Region[] = [];
    const ocr = scriptedOcr(
      (_side, region, { finder = false }) => {
        if (!finder) return [heading];
        if (!region) return [start(400), start(432)];
        closer.push(region as Region);
        return covers(region, 390, 442) ? [lineBox(400), lineBox(432)] : [];
      },
      readWhole,
      { finder: true },
    );
    const found = await locateMrz(ocr, createCanvas(1600, 1200) as unknown as Image);
    expect(found?.format).toBe('TD3');
    expect(found!.lines.map((l) => l.text)).toEqual(PASSPORT_MRZ);
    expect(closer.length).toBeGreaterThan(0);
  });

  it('turns its closer look a quarter turn when what it found there runs up or down the image', async () => {
    // The page lies sideways: its MRZ lines run down the image, the finder's closer look finds
    // pieces of them only so, and the lines themselves only with the look turned.
    const asked: Array<{ region: boolean; turn: number }> = [];
    const ocr = scriptedOcr(
      (_side, region, { turn = 0, finder = false }) => {
        if (!finder) return [heading];
        asked.push({ region: !!region, turn });
        // Over the whole frame, a level word far from the page (no MRZ line runs up or down there).
        if (!region) return [start(900)];
        return turn ? [lineBox(400), lineBox(432)] : [start(300, Math.PI / 2), start(340, Math.PI / 2)];
      },
      readWhole,
      { finder: true },
    );
    const found = await locateMrz(ocr, createCanvas(1600, 1200) as unknown as Image);
    expect(found!.lines.map((l) => l.text)).toEqual(PASSPORT_MRZ);
    expect(asked.filter((a) => a.region)).toEqual([
      { region: true, turn: 0 },
      { region: true, turn: Math.PI / 2 },
    ]);
  });
});

describe("finding a card's MRZ: its names line read with C for every chevron", () => {
  const card = buildTd1({ ...PERSON, documentNumber: 'ZR81F03X2' });
  // The photo's card: lines 1 and 2 found and read right; the names line, its '<' all read as C,
  // holds letters only (no '<', no digits) and was not found by the detector.
  const rows = [
    { cy: 400, text: card[0] },
    { cy: 424, text: card[1] },
    { cy: 448, text: card[2].replaceAll('<', 'C') },
  ];
  const box = (cy: number): TextBox => ({ cx: 500, cy, width: 600, height: 18, angle: 0, score: 0.9 });
  /** The names row reads `names` at `namesAt`; the detector finds the rows at `found`. */
  const scripted = (names: string, namesAt = 448, found = [400, 424]) => scriptedOcr(found.map(box), readsRows([...rows.slice(0, 2), { cy: namesAt, text: names }]));

  it('takes a line of letters only below the first two lines as the third, a TD1', async () => {
    const read = await locateMrz(scripted(rows[2]!.text), createCanvas(1000, 800) as unknown as Image);
    expect(read?.format).toBe('TD1');
    expect(read!.lines.map((line) => line.text)).toEqual([card[0], card[1], rows[2]!.text]);
    // Read as a card, its check digits all agree and the names' separator and filler are found.
    const fused = fuse('TD1', read, null).lines;
    expect(validCheckDigits('TD1', fused)).toBe(4);
    expect(fused[2]).toMatch(/^LINDQVIST<<MAJA.ELISE<{9}$/);
    // Print of another kind there (a digit among the letters) is no names line.
    const other = await locateMrz(scripted('SPECIMENCNOTCVALIDCFORC2TRAVEL'), createCanvas(1000, 800) as unknown as Image);
    expect(other?.format).not.toBe('TD1');
  });

  it('reads the third line where the detector found a row near where the spacing puts it', async () => {
    // The names row lies 8 px lower than the first two lines' spacing says (a tilted, bent card);
    // read at the guess the box holds nothing, at the row found it holds the names.
    const lower = rows[2]!.text;
    const read = await locateMrz(scripted(lower, 456, [400, 424, 456]), createCanvas(1000, 800) as unknown as Image);
    expect(read?.format).toBe('TD1');
    expect(read!.lines.map((line) => line.text)).toEqual([card[0], card[1], lower]);
  });
});

describe('finding the MRZ: lines whose boxes miss their start', () => {
  const genuine = PASSPORT_MRZ;
  const PITCH = 20;
  const START = 60;
  const rows = MRZ_ROWS;
  /** The characters of a row whose centres lie within the box, read surely. */
  const readUnder = (at: TextBox): RecognisedLine => {
    const [from, to] = [at.cx - at.width / 2, at.cx + at.width / 2];
    return sureLine([...(rowUnder(rows, at)?.text ?? '')].filter((_, k) => START + (k + 0.5) * PITCH > from && START + (k + 0.5) * PITCH < to).join(''));
  };
  // The detector found both lines from their 13th character on (their start merged with the print
  // left of them): on the right there is nothing more to read.
  const cut = (cy: number): TextBox => ({ cx: START + (12 * PITCH + 44 * PITCH) / 2, cy, width: 32 * PITCH, height: 20, angle: 0, score: 0.9 });
  const scripted = scriptedOcr([cut(400), cut(432)], readUnder);

  it('reads a line read short again widened to the left when widening it to the right reads no more', async () => {
    const read = await locateMrz(scripted, createCanvas(1000, 800) as unknown as Image);
    expect(read?.format).toBe('TD3');
    expect(read!.lines.map((line) => line.text)).toEqual(genuine);
  });
});

describe('PaddleOCR on a rendered passport page', () => {
  let ocr: PaddleOcr;
  beforeAll(async () => {
    ocr = await PaddleOcr.load(1);
  });
  afterAll(() => ocr.release());

  it('finds the MRZ among the page text and places what it reads at the right positions', async () => {
    const image = await loadImage(renderDocument({ kind: 'passport', person: PERSON }));
    const read = await locateMrz(ocr, image);
    expect(read?.format).toBe('TD3');
    const truth = buildTd3(PERSON);
    // The model skips some narrow glyphs (this font's I): those positions stay empty for the
    // glyph reader to fill, and nothing after them shifts. What it reads is right but for the
    // look-alikes the field grammar settles (O/0 in a country code).
    const lookAlike = new Set(['O0', '0O', 'I1', '1I', 'B8', '8B', 'S5', '5S']);
    read!.positions.forEach((line, l) => {
      const placed = line.flatMap((c, k) => (c ? [[k, c.char] as const] : []));
      expect(placed.length).toBeGreaterThanOrEqual(40);
      const wrong = placed.filter(([k, char]) => char !== truth[l]![k] && !lookAlike.has(char + truth[l]![k]));
      expect(wrong).toEqual([]);
    });
  }, 60_000);

  it('detects a page turned sideways with the image turned a quarter turn, boxes back in its pixels', async () => {
    const page = await loadImage(renderDocument({ kind: 'passport', person: PERSON }));
    // The page turned a quarter turn clockwise: its lines run down the image.
    const sideways = createCanvas(page.height, page.width);
    const g = sideways.getContext('2d');
    g.translate(page.height, 0);
    g.rotate(Math.PI / 2);
    g.drawImage(page, 0, 0);
    const image = sideways as unknown as Image;
    const boxes = await ocr.detect(image, 960, { x: 0, y: 0, width: image.width, height: image.height }, { turn: Math.PI / 2 });
    const long = boxes.filter((b) => b.width >= 8 * b.height);
    expect(long.length).toBeGreaterThanOrEqual(2);
    // Boxes lie along the lines (down the image) and read the MRZ where they are, one way or the other.
    for (const box of long) expect(Math.abs(Math.abs(box.angle) - Math.PI / 2)).toBeLessThan(0.1);
    const texts = [];
    for (const box of long) for (const angle of [box.angle, box.angle + Math.PI]) texts.push((await ocr.recognise(image, { ...box, angle })).text);
    expect(texts.some((text) => text.includes('LINDQVIST<<MAJA<ELISE'))).toBe(true);
    expect(texts.some((text) => text.startsWith(`${PERSON.documentNumber}8`))).toBe(true);
  }, 60_000);

  it('detects a page turned an eighth of a turn with the image turned back level, boxes back in its pixels', async () => {
    const page = await loadImage(renderDocument({ kind: 'passport', person: PERSON }));
    // The page turned 45° clockwise about the middle of a canvas that holds it whole.
    const side = Math.ceil((page.width + page.height) / Math.SQRT2);
    const slanted = createCanvas(side, side);
    const g = slanted.getContext('2d');
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, side, side);
    g.translate(side / 2, side / 2);
    g.rotate(Math.PI / 4);
    g.drawImage(page, -page.width / 2, -page.height / 2);
    const image = slanted as unknown as Image;
    const boxes = await ocr.detect(image, 1280, { x: 0, y: 0, width: side, height: side }, { turn: -Math.PI / 4 });
    const long = boxes.filter((b) => b.width >= 8 * b.height);
    expect(long.length).toBeGreaterThanOrEqual(2);
    // Boxes lie along the page's lines (down and to the right) and read its MRZ where they are.
    for (const box of long) expect(Math.abs(box.angle - Math.PI / 4)).toBeLessThan(0.1);
    const texts = [];
    for (const box of long) texts.push((await ocr.recognise(image, box)).text);
    expect(texts.some((text) => text.includes('LINDQVIST<<MAJA<ELISE'))).toBe(true);
    // Its number line whole, with the birth date where the MRZ prints it (a slanted Q may read as 0).
    const birth = PERSON.birthDate.slice(2).replaceAll('-', '');
    expect(texts.some((text) => text.length === 44 && text.slice(13, 19) === birth)).toBe(true);
  }, 60_000);

  it("finds a small page's MRZ lines in the whole frame with the finder, one box a line", async () => {
    // npm install puts PP-OCRv6's detector beside its recognizer (scripts/install-models.js).
    expect(ocr.hasFinder).toBe(true);
    const page = await loadImage(renderDocument({ kind: 'passport', person: PERSON }));
    const photo = createCanvas(1600, 1200);
    const g = photo.getContext('2d');
    g.fillStyle = '#8a8378';
    g.fillRect(0, 0, 1600, 1200);
    // A page a quarter of the frame wide: its MRZ characters 6–7 px high.
    g.drawImage(page, 900, 500, 400, (400 * page.height) / page.width);
    const image = photo as unknown as Image;
    const boxes = await ocr.detect(image, 1280, undefined, { finder: true });
    const long = boxes.filter((b) => b.width >= 8 * b.height).sort((a, b) => a.cy - b.cy);
    expect(long).toHaveLength(2);
    // Each line its own box, lower than the lines lie apart: grown as PP-OCRv4's are, the two
    // boxes overlapped and were taken for one row.
    const spacing = long[1]!.cy - long[0]!.cy;
    for (const box of long) expect(box.height).toBeLessThan(0.75 * spacing);
    const texts = [];
    for (const box of long) texts.push((await ocr.recognise(image, box)).text);
    expect(texts[0]).toContain('MAJA<ELISE<<<');
    expect(texts[1]!.slice(13, 19)).toBe(PERSON.birthDate.slice(2).replaceAll('-', ''));
  }, 60_000);

  it('passes over print that reads like MRZ lines (a visa\'s dates and legend under its MRZ) for the lines that read as one', async () => {
    const page = await loadImage(renderDocument({ kind: 'passport', person: PERSON }));
    const photo = createCanvas(1600, 1200);
    const g = photo.getContext('2d');
    g.fillStyle = '#d8d4c8';
    g.fillRect(0, 0, 1600, 1200);
    g.drawImage(page, 100, 300, 700, (700 * page.height) / page.width);
    // Below the page (read first, from the bottom up): a number run into two dates, and a legend with digits.
    g.fillStyle = '#222';
    g.font = 'bold 26px sans-serif';
    g.fillText('555123ABC12  24JUN2004  23DEC2004', 200, 1050);
    g.fillText('I551 EVIDENCING PERMANENT RESIDENCE FOR 1 YEAR', 200, 1100);
    const read = await locateMrz(ocr, photo as unknown as Image);
    expect(read?.format).toBe('TD3');
    expect(read!.lines[0]!.text).toContain('LINDQVIST<<MAJA<ELISE');
    expect(read!.lines[1]!.text).toContain(PERSON.documentNumber);
  }, 60_000);
});
