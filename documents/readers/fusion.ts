import { applyStructure, clearlyFirst, resolveAmbiguities, type GlyphRead, type RankedReadings } from './glyph-reader';
import { ALLOWED, checkDigitCount, checkedFields, MRZ_ALPHABET, MRZ_LINE_LENGTHS, NAME_FIELD, positionKinds, validCheckDigits, type CharClass, type MrzFormatName } from '../mrz/layout';
import type { PaddleMrzRead } from './paddle-mrz';
import type { RecognisedChar } from './ctc';
import { alignTo, place } from './positions';

/**
 * Fusion of the MRZ readers per position. Each reader gives, per position, probabilities over the
 * MRZ alphabet (PaddleOCR's softmax; the glyph reader's template distances turned into odds); the
 * field grammar is a prior, not a veto (real documents print codes outside the ICAO list). The
 * fused reading then goes through the structure rules and the check digits, which may only settle
 * positions that are unclear — a clearly printed character is never changed, so a forged check
 * digit stays forged.
 */
export interface FusedRead {
  format: MrzFormatName;
  lines: string[];
  readings: RankedReadings;
  /** Share of positions whose first character is clearly ahead of the next. */
  confidence: number;
  /** Every position was read by at least one reader. */
  complete: boolean;
  /** A check digit was settled by a look-alike swap of a clear character (an analyst should look). */
  guessed: boolean;
  sources: string;
}

const FLOOR = 0.01;
/**
 * A character the position class does not allow keeps this share of its probability: dates and
 * check digits are digits on every document, and the sex F, M, X or < (no check digit guards it: a
 * photo's small F read as a 7 or a 4 by PaddleOCR's recognisers, where the cell reader saw the F,
 * was kept at 0.01 — seeds 6–55: three sexes right more, none fewer), while names and codes on real
 * documents break the rules now and then (digits in a nationality field, old two-letter codes).
 */
const OFF_GRAMMAR: Record<CharClass, number> = { D: 1e-4, C: 1e-4, S: 1e-4, A: 0.03, N: 1 };
/**
 * The names, unlike the codes, hold letters and fillers only (ICAO 9303 transliterates everything
 * else): a digit read there (`QU0` for `QUO`) keeps no more of its odds than in a date.
 */
const NAME_OFF_GRAMMAR = OFF_GRAMMAR.D;

/**
 * How much each reader's odds count (PaddleOCR, glyph reader). The glyph reader's template distances
 * are sharp on clean prints and overconfident on real ones (an E printed worn reads as a clear F);
 * PaddleOCR's probabilities were learnt on real images.
 */
const READER_WEIGHTS = [1, 0.5];
/**
 * The cell reader reads every line of a band whose characters lie under CELL_PITCH pixels apart in
 * the image; on print larger than about 17 px PaddleOCR's recognisers misread fewer characters than
 * it does (decisions.md, "Photos, part 22").
 */
export const CELL_PITCH = 15;
/** Print under this pitch (px) is small: PaddleOCR's recognisers misread most there. */
export const SMALL_PITCH = 9.5;
/**
 * How much the cell reader's odds count. On small print twice PaddleOCR's, and as much in the letter
 * fields (codes and names: class A), which no check digit guards against its shape errors (a scan's
 * `SAKURA` read `XAKUFA`, a state code `FRA` read `FIN`): decisions.md, "Photos, part 14". On larger
 * print, up to CELL_PITCH, where PaddleOCR misreads less: as much as PaddleOCR's, and less in the
 * letter fields ("Photos, part 22").
 */
const CELL_WEIGHTS: Record<'small' | 'larger', Record<CharClass, number>> = {
  small: { A: 1, N: 2, D: 2, C: 2, S: 2 },
  larger: { A: 0.7, N: 1, D: 1, C: 1, S: 1 },
};

/** Where the dates (YYMMDD: the birth date, the date of expiry) stand: the six-character fields a check digit covers. */
const dateFields = (format: MrzFormatName) => checkedFields(format).filter(({ start, end }) => end - start === 6);

/**
 * The digits a date's month and day may start with, at their positions: 0–1 and 0–3. Another digit
 * there keeps OFF_DATE of its odds — a prior, not a veto: a digit printed clearly stays as printed
 * (and its check digit then says what it must).
 */
function monthAndDayTens(format: MrzFormatName): Array<Record<number, string>> {
  const tens: Array<Record<number, string>> = MRZ_LINE_LENGTHS[format].map(() => ({}));
  for (const { line, start } of dateFields(format)) {
    tens[line]![start + 2] = '01';
    tens[line]![start + 4] = '0123';
  }
  return tens;
}

/** `monthAndDayTens` of each format, worked out once (the fusion runs many times a read). */
const DATE_TENS: Record<MrzFormatName, Array<Record<number, string>>> = { TD1: monthAndDayTens('TD1'), TD2: monthAndDayTens('TD2'), TD3: monthAndDayTens('TD3') };

/**
 * A share of 0.1: a month or day started by a digit read ten times as likely as the right one
 * (`880314` read `888314`, the 0 a distant second) is read right, and check digits no longer settle
 * a shifted or garbled date (`990138`). Concluded again from the kept sightings of fifty photo sets:
 * 14 fields gained, 1 lost; at 0.01, 12 and 1 (and a clear digit then gave way).
 */
const OFF_DATE = Math.log(0.1);

/** The pitch (px a character, in the image) of a read's band. */
export const bandPitch = (read: PaddleMrzRead): number => (read.band.width - 2 * read.margin) / MRZ_LINE_LENGTHS[read.format][0]!;
/**
 * PaddleOCR's two recognisers both read OCR-B's M at 10–15 px as R or N (`RARIANA`, `NEULENDIJK`,
 * `SPECIREN`), and its I, serifed top and bottom, as T (`OLTVTA`, `MARTTN`); the cell reader, learnt
 * on OCR-B, tells them apart there. In a name, a letter read first with the letter it is a misread of
 * (TOLD_BY_CELLS) at most CELL_TOLD_REACH nats behind is read as that letter where the cell reader
 * finds it at least CELL_TOLD_OVER times as likely, and likelier than any other character (where it
 * lost its place it reads another letter there, both all but ruled out: seed 112's `DOTTIR` read
 * `DOITIR` on odds of 0.001). decisions.md, "Photos, part 20" and "part 38".
 */
const CELL_TOLD_REACH = 2.5;
const CELL_TOLD_OVER = 3;
/** Each letter the cell reader tells apart, with what PaddleOCR's recognisers misread it as (`letterFromCells`). */
const TOLD_BY_CELLS: Record<string, string> = { M: 'RN', I: 'T' };
/** What PaddleOCR's recognisers read OCR-B's small M as (`letterFromCells`; the page they read too: page-fusion.ts). */
export const M_MISREADS = TOLD_BY_CELLS.M!;

/**
 * Puts a letter first in a name position's ranking where the cell reader says the letter read first
 * is its misread (see CELL_TOLD_REACH), level with the letter it displaces: M (or I), but not clearly.
 */
function letterFromCells(ranked: Array<{ char: string; distance: number }>, cell: Distribution): void {
  const first = ranked[0]!;
  const told = Object.keys(TOLD_BY_CELLS).find((letter) => TOLD_BY_CELLS[letter]!.includes(first.char));
  if (!told) return;
  // Every character of the alphabet is ranked.
  const at = ranked.findIndex((r) => r.char === told);
  const [cellTold, cellFirst] = [cell[MRZ_ALPHABET.indexOf(told)]!, cell[MRZ_ALPHABET.indexOf(first.char)]!];
  if (ranked[at]!.distance - first.distance > CELL_TOLD_REACH || cellTold < CELL_TOLD_OVER * cellFirst || cellTold < Math.max(...cell)) return;
  ranked.splice(at, 1);
  ranked.unshift({ char: told, distance: first.distance });
}

/** Share of clearly read positions above which a reading is final even if check digits disagree. */
export const DECISIVE_CONFIDENCE = 0.85;

/**
 * PaddleOCR's read alone is sure: every check digit agrees, nearly every character is clear — and
 * every character of the names is, which no check digit guards: a soft photo's name separator read
 * as a C with '<' a close second ("LOESCALBERTINE") under agreeing check digits is read again on its
 * band cut out straight, where it reads '<' (photo seeds 1–11: three more documents fully read,
 * four fields gained and two lost — a Qatari "AL<KAABI" whose band reads its K as '<'). A find the
 * first recognition model settles alone is read neither by the other models (`readLines`) nor again
 * on its band.
 */
export function settledAlone(read: PaddleMrzRead): boolean {
  return settles(fuse(read.format, read, null));
}

/** A fused reading complete and confident, every check digit agreeing, every letter of the names clear (`settledAlone`). */
function settles(fused: FusedRead): boolean {
  if (!fused.complete || fused.confidence < DECISIVE_CONFIDENCE || !allAgree(fused)) return false;
  const [line, start, end] = NAME_FIELD[fused.format];
  return fused.readings[line]!.slice(start, end).every((reading) => reading !== null && clearlyFirst(reading.ranked));
}

/** Every check digit of the reading agrees, the composite included (a visa has fewer: `isVisa`). */
const allAgree = ({ format, lines }: { format: MrzFormatName; lines: string[] }) => validCheckDigits(format, lines) === checkDigitCount(format, lines);

/** The glyph reader's share of clear positions above which its layout guides the alignment. */
const ALIGNMENT_CONFIDENCE = 0.9;

type Distribution = Float64Array;

type Positions = Array<Array<RecognisedChar | null>>;

/**
 * Each recognition model's characters at the MRZ positions: as placed when read, or aligned to a
 * reference reading of the lines (the glyph reader's, when it is sure of its layout).
 */
function modelPositions(read: PaddleMrzRead, reference?: string[]): Positions[] {
  return [read, ...read.opinions].map(({ lines, positions }) => (reference ? lines.map((line, l) => alignTo(line, reference[l]!)) : positions));
}

function fromPaddle(positions: Positions, line: number, index: number): Distribution | null {
  const char = positions[line]?.[index];
  if (!char) return null;
  const p = Float64Array.from(char.probabilities);
  const sum = p.reduce((a, b) => a + b, 0);
  return sum > 0 ? p.map((x) => x / sum) : null;
}

/** Template distances as odds: at the glyph reader's own "clear" margin the first is e² times the second. */
function fromGlyphs(read: GlyphRead, line: number, index: number): Distribution | null {
  const reading = read.readings[line]?.[index];
  if (!reading || !reading.ranked.length) return null;
  const d0 = reading.ranked[0]!.distance;
  const p = new Float64Array(MRZ_ALPHABET.length);
  for (const { char, distance } of reading.ranked) {
    const k = MRZ_ALPHABET.indexOf(char);
    if (k >= 0) p[k] = Math.exp((-2 * (distance - d0)) / (0.5 * d0 + 0.5));
  }
  const sum = p.reduce((a, b) => a + b, 0);
  return p.map((x) => x / sum);
}

/**
 * Fuses what the given readers saw of one MRZ format into one reading. PaddleOCR's recognition
 * models (one, or more giving second opinions; of reads heard together, each read's models alike)
 * share PaddleOCR's weight; the cell reader (small print only) has its own. Where the readers'
 * first choices differ, neither is clear (below). Their characters are placed by the MRZ's pitch or
 * aligned to `reference` lines.
 */
export function fuse(format: MrzFormatName, paddle: PaddleMrzRead | null, glyphs: GlyphRead | null, reference?: string[]): FusedRead {
  const kinds = positionKinds(format);
  const models = paddle ? modelPositions(paddle, reference) : [];
  // Reads heard together (`combinedReads`: the first find, its band read again) weigh alike, each
  // read's models sharing its weight: models reading the same cut share its faults (seed 136's soft
  // separator read E surely by both of the first find's models, '<<' on the straight band by one).
  const reads = paddle?.readOf?.length === models.length ? paddle.readOf : models.map(() => 0);
  const readCount = new Set(reads).size;
  const modelShares = reads.map((r) => 1 / (readCount * reads.filter((x) => x === r).length));
  // The cell reader reads a character per cell and may lose its place in a line (two narrow letters
  // read as one cell: "FRAULYSSE" as "FJULYSSE<", the names after it a place early); its lines are
  // aligned to the glyph reader's, laid on the print by its own, where it laid out every position
  // (`reference`, when given, is those same lines).
  const guide = glyphs?.complete ? glyphs.lines : undefined;
  const cells = paddle?.cells?.map((line, l) => (guide?.[l] ? alignTo(line, guide[l]!) : line.chars));
  const cellWeights = CELL_WEIGHTS[paddle && bandPitch(paddle) < SMALL_PITCH ? 'small' : 'larger'];
  // The cell reader's M is heard whether it read the name line only or every line (its odds then
  // weigh in the sum below too, but PaddleOCR's models, three to its one, outvote it on the M they misread).
  const mCells = paddle?.nameCells?.map((line) => line.chars) ?? cells;
  const [nameLine, nameStart, nameEnd] = NAME_FIELD[format];
  const dateTens = DATE_TENS[format];
  let clear = 0;
  let total = 0;
  let complete = true;
  const readings: RankedReadings = kinds.map((lineKinds, l) =>
    lineKinds.map((kind, k) => {
      total++;
      const found = [
        ...models.map((positions, m) => ({ p: fromPaddle(positions, l, k), weight: READER_WEIGHTS[0]! * modelShares[m]! })),
        { p: glyphs && fromGlyphs(glyphs, l, k), weight: READER_WEIGHTS[1]! },
        { p: cells && fromPaddle(cells, l, k), weight: cellWeights[kind] },
      ];
      const sources = found.flatMap(({ p }) => (p ? [p] : []));
      const weights = found.flatMap(({ p, weight }) => (p ? [weight] : []));
      if (!sources.length) {
        complete = false;
        return null;
      }
      const inName = l === nameLine && k >= nameStart && k < nameEnd;
      const offGrammar = Math.log(inName ? NAME_OFF_GRAMMAR : OFF_GRAMMAR[kind]);
      const tens = dateTens[l]?.[k];
      const scores = [...MRZ_ALPHABET].map((char, c) => {
        let score = ALLOWED[kind].includes(char) ? 0 : offGrammar;
        if (tens && ALLOWED.D.includes(char) && !tens.includes(char)) score += OFF_DATE;
        for (let i = 0; i < sources.length; i++) score += weights[i]! * Math.log(FLOOR + sources[i]![c]!);
        return { char, score };
      });
      const top = Math.max(...scores.map((s) => s.score));
      const norm = Math.log(scores.reduce((sum, s) => sum + Math.exp(s.score - top), 0)) + top;
      const ranked = scores.map((s) => ({ char: s.char, distance: norm - s.score })).sort((a, b) => a.distance - b.distance);
      const cell = mCells && inName ? fromPaddle(mCells, l, k) : null;
      if (cell) letterFromCells(ranked, cell);
      // Where the readers disagree, neither is clear: the other reader's choice stays within reach
      // of the check digits (a forged digit both readers see alike stays clear, and forged).
      const choices = new Set(sources.map((p) => MRZ_ALPHABET[p.indexOf(Math.max(...p))]!).filter((c) => ALLOWED[kind].includes(c)));
      if (choices.size > 1) {
        const limit = 1.4 * ranked[0]!.distance + 0.4;
        for (const r of ranked) if (choices.has(r.char) && r.distance > limit) r.distance = limit;
        ranked.sort((a, b) => a.distance - b.distance);
      }
      if (clearlyFirst(ranked)) clear++;
      return { ranked };
    }),
  );
  const raw = readings.map((line) => line.map((r) => r?.ranked[0]!.char ?? '<').join(''));
  const structured = applyStructure(format, readings, raw, { keepClearCodes: true });
  const { lines, guessed } = resolveAmbiguities(format, readings, structured);
  return {
    format,
    lines,
    readings,
    confidence: total ? Number((clear / total).toFixed(3)) : 0,
    complete,
    guessed,
    sources: [paddle && 'paddle', glyphs && 'glyphs', cells && 'cells'].filter(Boolean).join('+'),
  };
}

/**
 * The reading to keep from what the readers saw: both fused when they agree on the format, and each
 * alone; one whose check digits all agree wins, else the most confident complete one. The cell
 * reader is heard less where PaddleOCR's models settle without it (`settledWithoutCells`,
 * `checkedWithoutCells`).
 */
export function bestReading(paddleReads: PaddleMrzRead[], glyphs: GlyphRead | null): FusedRead | null {
  // What PaddleOCR's models settle alone the cell reader is heard on as on larger print: for its
  // name line's told letters only, M and I (see `settledWithoutCells`).
  if (paddleReads.some(settledWithoutCells)) paddleReads = paddleReads.map((read) => (read.cells ? { ...read, cells: undefined, nameCells: read.cells } : read));
  // The cell reader's name line, read on the band read again, holds at the first find's positions too,
  // and so does the name line of its every-line reading for a read it was not heard on.
  const named = paddleReads.find((read) => read.nameCells);
  const celled = paddleReads.find((read) => read.cells);
  if (named) paddleReads = paddleReads.map((read) => (read.format === named.format ? { ...read, nameCells: named.nameCells } : read));
  else if (celled) paddleReads = paddleReads.map((read) => (read.format === celled.format && !read.cells ? { ...read, nameCells: celled.cells } : read));
  const candidatesOf = (reads: PaddleMrzRead[]) => {
    const candidates: FusedRead[] = [];
    for (const paddle of reads) {
      if (glyphs && paddle.format === glyphs.format) {
        // Where the glyph reader laid out every position and read most of them clearly, its positions
        // are the reference PaddleOCR's characters are aligned to (a doubtful glyph read is a poor guide).
        const trusted = glyphs.complete && glyphs.confidence >= ALIGNMENT_CONFIDENCE;
        candidates.push(fuse(paddle.format, paddle, glyphs, trusted ? glyphs.lines : undefined));
      }
      candidates.push(fuse(paddle.format, paddle, null));
      // A line read short or long is placed where its characters were read (`place`): places off
      // where its first characters were lost. The cells, a character per position, are heard as
      // the reference it is aligned to too, unless the glyph reader laid out every position.
      const cellLines = paddle.cells?.map((line) => line.text);
      const offLength = paddle.lines.some((line, l) => line.text.length !== MRZ_LINE_LENGTHS[paddle.format][l]);
      if (offLength && cellLines?.length === paddle.lines.length && !(glyphs?.complete && glyphs.format === paddle.format)) {
        candidates.push({ ...fuse(paddle.format, paddle, null, cellLines), sources: 'paddle+cells+aligned' });
      }
    }
    return candidates;
  };
  // A card's MRZ found as two of its lines is heard as a card's too (`asCardLines`); the cell reader's
  // lines, read at TD2's positions on it, are not heard.
  paddleReads = [...paddleReads.map((read) => (readAsCard(read) ? { ...read, cells: undefined } : read)), ...cardReadsOf(paddleReads)];
  // The first find and the reread of its band straight, heard together as well as each alone: where
  // one read a name's letter unsurely and the other surely, together they read it as the sure one
  // (names have no check digit to choose between the reads). Such a reading counts as fused.
  const together = candidatesOf(combinedReads(paddleReads)).map((read) => ({ ...read, sources: `${read.sources}+reread` }));
  // The glyph reader has settled its own reading (calibrated on the document's prints): kept as it
  // is, but for the names, which no check digit covers: there the strongest reading of PaddleOCR's
  // models fused with it is taken (it reads OCR-B's M, R and H as W, B and N now and then: seed 71's
  // `GAIWU` and `SAKUWA`).
  const heard = [...candidatesOf(paddleReads), ...together];
  let best = strongestReading([...heard, ...(glyphs ? [{ ...glyphs, sources: 'glyphs' }] : [])]);
  if (best?.read.sources === 'glyphs' && best.settled) {
    const withPaddle = strongestReading(heard.filter((read) => read.format === best!.read.format && read.sources.includes('glyphs')));
    // Its readings in odds, as the fusion's are (the page is weighed against them: `conclude`).
    const inOdds = { ...best.read, readings: fuse(best.read.format, null, glyphs).readings, sources: 'glyphs+names' };
    if (withPaddle) best = { ...best, read: namesFrom(withPaddle.read, inOdds) };
  }
  // Unless the readers together settle every check digit, the first recognition model is heard
  // alone too: a second opinion that dropped a character shifts its line, and the two together then
  // settle nothing the first alone reads whole.
  if (!best || !(best.settled && best.fused)) {
    const alone = paddleReads.filter((paddle) => paddle.opinions.length).map((paddle) => ({ ...paddle, opinions: [] }));
    const other = strongestReading(candidatesOf(alone));
    if (other && (!best || other.score > best.score)) best = other;
  }
  if (best && !best.settled) return checkedWithoutCells(best.read, paddleReads) ?? best.read;
  return best?.read ?? null;
}

/** The reading `into` with the name field (which no check digit covers) as `from` reads it. */
function namesFrom(from: FusedRead, into: FusedRead): FusedRead {
  const [line, start, end] = NAME_FIELD[into.format];
  return {
    ...into,
    lines: into.lines.map((text, l) => (l === line ? text.slice(0, start) + from.lines[l]!.slice(start, end) + text.slice(end) : text)),
    readings: into.readings.map((positions, l) => (l === line ? positions.map((r, k) => (k >= start && k < end ? from.readings[l]![k]! : r)) : positions)),
  };
}

/**
 * Where no reading settles every check digit, a read the cell reader was heard on, fused again
 * without it: when that settles them, its lines that hold check digits are taken, with the name
 * line of the best reading. On soft small print the cell reader reads digits now and then as
 * garbage (a place lost, "OB1L99OO18KS<111…" for "99003853<1CZE1…") and so keeps the check digits
 * from agreeing, while on the names it tells a filler from a letter better than PaddleOCR's
 * recognisers (heard without it there, names lose their separators: "VIRTANENC MARIA OLTVIACCC").
 * Concluded again from the kept sightings: seeds 26–35 5 fields gained, none lost; seeds 16–25 2
 * gained, 1 lost (a nationality, which no check digit covers, read on the line taken without it).
 */
function checkedWithoutCells(best: FusedRead, paddleReads: PaddleMrzRead[]): FusedRead | null {
  const [nameLine] = NAME_FIELD[best.format];
  for (const paddle of paddleReads) {
    if (!paddle.cells || paddle.format !== best.format) continue;
    // Heard without it with the other models' opinions, and (as in `bestReading`) without them too.
    for (const read of [{ ...paddle, cells: undefined }, { ...paddle, cells: undefined, opinions: [] }]) {
      const without = fuse(read.format, read, null);
      if (!allAgree(without)) continue;
      return {
        ...without,
        lines: without.lines.map((line, l) => (l === nameLine ? best.lines[l]! : line)),
        readings: without.readings.map((line, l) => (l === nameLine ? best.readings[l]! : line)),
      };
    }
  }
  return null;
}

/**
 * A read the cell reader was heard on that PaddleOCR's models settle without it (`settledByPaddle`:
 * every check digit agrees, every letter of the names is clear, no look-alike was guessed). Its
 * other opinions are for what the models cannot settle (as PP-OCRv4's are, `readLines`): on such a
 * band the cell reader's misreads only cost (seed 34's `VIRTANEN` read `VIRAAEE` with it, its number's
 * X read 3 — a pair the check digit cannot tell apart), while its M told from an R or N still counts
 * (`letterFromCells`). A guess is not settled: where only an O/0 swap makes the check digits agree, the
 * cells' O is what settles it (a French card's `K682T8YLO`). Concluded again from the kept
 * sightings: seeds 26–35 4 fields gained, none lost; seeds 16–25 and 36–45 unchanged.
 */
function settledWithoutCells(read: PaddleMrzRead): boolean {
  return read.cells !== undefined && settledByPaddle(read);
}

/**
 * PaddleOCR's models settle the read without the cell reader (`settles`) and without guessing a
 * look-alike: its cells would be heard on the name line's told letters only (`settledWithoutCells`),
 * so the reader reads that line only (`MrzReader.hearCells`).
 */
export function settledByPaddle(read: PaddleMrzRead): boolean {
  const without = fuse(read.format, { ...read, cells: undefined }, null);
  return settles(without) && !without.guessed;
}

/** The most characters a line is read at where two lines read so may be a card's (TD1: 30). */
const CARD_LINE_READ = 32;

/**
 * A card's MRZ found as two of its three lines (the third merged with other print, or too faint to
 * find: `readLines` looks for it) is read as TD2, 36 characters a line, and its check digits can
 * never agree. Such a read — every line read at CARD_LINE_READ characters or fewer — is heard as
 * the card's lines it fits best (`cardLines`), the other line missing. Seed 123's Liechtenstein card:
 * found as its first two lines and, on the band read again, as its last two — heard together, the
 * card whole; seed 78's German permit as its first and last, its digits' line between them skipped.
 */
function asCardLines(read: PaddleMrzRead, at: number[]): PaddleMrzRead {
  const length = MRZ_LINE_LENGTHS.TD1[0]!;
  const missing = { text: '', chars: [], lattice: [], confidence: 0 };
  const asCard = (lines: PaddleMrzRead['lines']) => {
    const card = [0, 1, 2].map((l) => (at.includes(l) ? lines[at.indexOf(l)]! : missing));
    return { lines: card, positions: card.map((line) => place(line, length)) };
  };
  const { cells: _cells, nameCells: _nameCells, ...rest } = read;
  return { ...rest, format: 'TD1', ...asCard(read.lines), opinions: read.opinions.map((opinion) => asCard(opinion.lines)) };
}

/** Two lines read at a card's length or little more, found as TD2: heard as a card's (`cardReadsOf`). */
const readAsCard = (read: PaddleMrzRead) => read.format === 'TD2' && read.lines.length === 2 && read.lines.every((line) => line.text.length <= CARD_LINE_READ);

/** Which two of a card's three lines two lines read are: the ones whose positions' classes (`positionKinds`) their characters fit best. */
function cardLines(read: PaddleMrzRead): number[] {
  const kinds = positionKinds('TD1');
  const fit = (at: number[]) =>
    at.reduce((sum, l, i) => sum + place(read.lines[i]!, kinds[l]!.length).filter((c, k) => c && ALLOWED[kinds[l]![k]!].includes(c.char)).length, 0);
  return [[0, 1], [1, 2], [0, 2]].reduce((best, at) => (fit(at) > fit(best) ? at : best));
}

/**
 * The reads of two lines that may be a card's (`asCardLines`), each alone and, two of them,
 * together; none where a read found the card's three lines.
 */
function cardReadsOf(reads: PaddleMrzRead[]): PaddleMrzRead[] {
  if (reads.some((read) => read.format === 'TD1')) return [];
  const cards = reads
    .filter(readAsCard)
    .map((read) => asCardLines(read, cardLines(read)));
  return [...cards, ...combinedReads(cards)];
}

/** The reads of one format taken as one: each read's models are opinions of the first. */
function combinedReads(reads: PaddleMrzRead[]): PaddleMrzRead[] {
  const [first, ...others] = reads;
  if (!first || !others.length || others.some((read) => read.format !== first.format)) return [];
  const cells = reads.find((read) => read.cells)?.cells;
  // The first carries the cell reader's name line already (bestReading gives it to every read).
  const readOf = reads.flatMap((read, r) => [r, ...read.opinions.map(() => r)]);
  return [{ ...first, cells, readOf, opinions: [...first.opinions, ...others.flatMap((read) => [{ lines: read.lines, positions: read.positions }, ...read.opinions])] }];
}

/**
 * Every date of a reading (YYMMDD) has a month 00–12 and a day 00–31 where it is printed in digits:
 * check digits that agree over an impossible date (seed 150's glyph reading of a Japanese passport,
 * born `790770`, expiring `163372`) agree by chance or by a resolution among unclear positions.
 */
function datesOnCalendar({ format, lines }: { format: MrzFormatName; lines: string[] }): boolean {
  return dateFields(format).every(({ line, start, end }) => {
    const date = lines[line]?.slice(start, end) ?? '';
    if (!/^\d{6}$/.test(date)) return true;
    return Number(date.slice(2, 4)) <= 12 && Number(date.slice(4, 6)) <= 31;
  });
}

/** The candidate reading that scores best, with its score and whether it settled every check digit. */
function strongestReading(candidates: FusedRead[]): { read: FusedRead; score: number; settled: boolean; fused: boolean } | null {
  let best: { read: FusedRead; score: number; settled: boolean; fused: boolean } | null = null;
  for (const read of candidates) {
    // Check digits agreeing over a date no calendar has count for nothing (`datesOnCalendar`).
    const agreeing = datesOnCalendar(read) ? validCheckDigits(read.format, read.lines) : 0;
    const settled = agreeing === checkDigitCount(read.format, read.lines) && (!read.guessed || read.confidence >= DECISIVE_CONFIDENCE);
    // A reading whose every check digit agrees wins, unless look-alikes were guessed to make them
    // agree on a reading less clear than DECISIVE_CONFIDENCE (the glyph reader's garbage over a
    // legible card, seed 87: clear at 0.39, every check digit agreeing by guesses). Otherwise (a
    // misread, or a forged document whose check digits cannot all agree) agreeing digits count for
    // little: a doubtful reader's garbage can agree by chance with more of them than a confident
    // reading of a forged line.
    // Among settled readings the fused one is preferred: names have no check digit, and there two
    // readers see more than one.
    const fused = read.sources.includes('+');
    // A reading clear at DECISIVE_CONFIDENCE stands though a check digit disagrees (`conclude`): it
    // outranks one reader's reading less clear whose check digits all agree (seed 119's Dutch permit,
    // read clearly by PaddleOCR but for the I of its optional data read as 1, lost to the glyph
    // reader's garbage at 0.61, its composite check digit agreeing by chance).
    const decisive = read.confidence >= DECISIVE_CONFIDENCE && read.complete && agreeing >= 2;
    const weak = settled && !fused && read.confidence < DECISIVE_CONFIDENCE;
    // Tiers, highest first: settled and fused, settled, decisive, one reader weakly settled, the rest
    // by how many check digits agree; within a tier, the clearer and the complete reading.
    const tier = settled ? (fused ? 120 : weak ? 50 : 100) : decisive ? 60 + agreeing : agreeing;
    const score = tier + 10 * read.confidence + (read.complete ? 5 : 0) - (read.guessed ? 0.5 : 0);
    if (!best || score > best.score) best = { read, score, settled, fused };
  }
  return best;
}
