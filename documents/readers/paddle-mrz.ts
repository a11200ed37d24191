import type { Image } from '@napi-rs/canvas';
import { ALLOWED, checkedFields, MRZ_LINE_LENGTHS, positionKinds, validCheckDigits, type MrzFormatName } from '../mrz/layout';
import type { RecognisedChar, RecognisedLine } from './ctc';
import { fuse, settledAlone, SMALL_PITCH } from './fusion';
import { place } from './positions';
import { cutOut, type PaddleOcr, type Region, type Smoothing, type TextBox } from './paddle';
import { greyCrop } from './raster';

/** The MRZ as PaddleOCR read it: per line and position, the character's probabilities (null: none read there). */
export interface PaddleMrzRead {
  format: MrzFormatName;
  positions: Array<Array<RecognisedChar | null>>;
  /** Each line as recognised (greedy reading, before placing at positions). */
  lines: RecognisedLine[];
  /** The same lines as the other recognition models read them, as read and placed (per model; none when one model reads). */
  opinions: Array<Pick<PaddleMrzRead, 'positions' | 'lines'>>;
  /** The cell reader's lines on the band (small print only; a character per position): readers/cell-reader.ts. */
  cells?: RecognisedLine[];
  /** The cell reader's name line (the other lines empty) on a band whose print is larger: readers/fusion.ts, `letterFromCells`. */
  nameCells?: RecognisedLine[];
  /** Reads heard as one (`combinedReads`): which read each model (the first, then each opinion) belongs to. */
  readOf?: number[];
  /** Where the MRZ lies in the image: one box over all its lines, along their direction. */
  band: TextBox;
  /** The band's margin on every side of the lines (a line's height), in the image's pixels. */
  margin: number;
  /** Every text box the detector found where it found the MRZ (the page's other text among them). */
  page: TextBox[];
  /**
   * The band over the MRZ's rows as first found, where print beside its lines was left out of them
   * (a card's front beside its back, `printApart`): where its page is looked for.
   */
  pageBand?: TextBox;
}

/** A text row and what PaddleOCR read on it. */
type Entry = {
  box: TextBox;
  line: RecognisedLine;
  /** The row as first found, where print beside the MRZ line was left out of `box` (`printApart`). */
  wide?: TextBox;
};

/** Boxes on one text row (a line the detector split at a gap) merged into one. */
function mergeRows(boxes: TextBox[]): TextBox[] {
  const rows: TextBox[] = [];
  for (const box of [...boxes].sort((a, b) => b.width - a.width)) {
    const row = rows.find((r) => sameRow(r, box));
    if (!row) {
      // Short pieces (a name cut at a filler gap) only ever join a row.
      if (box.width >= 3 * box.height) rows.push({ ...box });
      continue;
    }
    widenRow(row, box);
  }
  return rows;
}

/** Where a box's centre lies along a row's direction, from the row's centre (and across it, downwards). */
export function alongRow(row: TextBox, box: TextBox): { along: number; across: number } {
  const [cos, sin] = [Math.cos(row.angle), Math.sin(row.angle)];
  const [dx, dy] = [box.cx - row.cx, box.cy - row.cy];
  return { along: dx * cos + dy * sin, across: -dx * sin + dy * cos };
}

/** Grows a row (in place, along its own direction) over a box that lies on it. */
export function widenRow(row: TextBox, box: TextBox): void {
  const { along } = alongRow(row, box);
  const from = Math.min(-row.width / 2, along - box.width / 2);
  const to = Math.max(row.width / 2, along + box.width / 2);
  const mid = (from + to) / 2;
  row.cx += mid * Math.cos(row.angle);
  row.cy += mid * Math.sin(row.angle);
  row.width = to - from;
  row.height = Math.max(row.height, box.height);
}

/**
 * How far apart two boxes' directions lie, up to a half turn: a box's angle says which way its line
 * runs only up to one (the detector gives a line running down the image +π/2 or −π/2 alike).
 */
const apart = (a: number, b: number) => {
  const turn = Math.abs(a - b) % Math.PI;
  return Math.min(turn, Math.PI - turn);
};

function sameRow(row: TextBox, box: TextBox): boolean {
  // A short box's angle says little (a few characters): only long boxes must agree on it.
  const long = box.width >= 6 * box.height;
  if ((long && apart(row.angle, box.angle) > 0.06) || box.height > 2 * row.height || row.height > 2 * box.height) return false;
  const { along, across } = alongRow(row, box);
  // On the row's axis, and not too far beyond its end: the detector leaves filler runs out, so the
  // pieces of one MRZ line can lie a dozen characters apart.
  return Math.abs(across) < 0.35 * row.height && Math.abs(along) - (row.width + box.width) / 2 < 10 * row.height;
}

/**
 * A line that could be an MRZ line: long with a filler, or a filler run, or long, unbroken and with
 * digits in it (a line whose fillers were not read) — a page's heading in capitals, its spaces
 * dropped ("SCHWEIZSUISSESVIZZERA…"), has none.
 */
const looksLikeMrz = (line: RecognisedLine) =>
  (line.text.length >= 20 && line.text.includes('<')) || (/<</.test(line.text) && line.text.length >= 12) || (/^[A-Z0-9]{26,}$/.test(line.text) && (line.text.match(/\d/g)?.length ?? 0) >= 4);

/**
 * Looked for only on the closest look at a small page (where nothing else was found): a long line
 * whose fillers were read as runs of C (print a few pixels high: "PCTWNLINCCCHIENCSHENGCCC").
 */
const looksLikeMrzInSmallPrint = (line: RecognisedLine) => looksLikeMrz(line) || (line.text.length >= 20 && (line.text.match(/CC+/g)?.length ?? 0) >= 2);

/**
 * Looked for only in the last looks at a small page (`locateMrz`): also a long line whose fillers
 * read as C, E and K mixed, SOFT_FILLER of them in runs of three or more (a card's MRZ line 6 px a
 * character: "BOSETREFDEDBOBBCOUCEEEEEEEEENA"; a name's "BECKER" holds one run of four). Taken in the
 * earlier looks too, it found worse lines before better ones (decisions.md, "Photos, part 34").
 */
const looksLikeMrzInSoftPrint = (line: RecognisedLine) => looksLikeMrzInSmallPrint(line) || (line.text.length >= 20 && (line.text.match(/[CEK]{3,}/g) ?? []).join('').length >= SOFT_FILLER);

/** How many soft fillers (C, E or K in runs of three or more) make a long line of small print an MRZ line. */
const SOFT_FILLER = 8;

/** The MRZ band is cut out straight at this width to be read again (about 25 px per character of a passport). */
export const BAND_WIDTH = 1200;

/**
 * The MRZ read again on its band cut out straight and enlarged: in a photo the lines found at the
 * page's scale are small, tilted and cut short by their boxes; on the band they are level and
 * large, and the detector finds each line whole. Returns null when the band reads no MRZ.
 */
export async function rereadStraight(ocr: PaddleOcr, image: Image, read: PaddleMrzRead, onProgress?: () => void): Promise<PaddleMrzRead | null> {
  // A line's spacing more on either side: a card's line the first search missed comes inside.
  const spacing = read.band.height / (read.lines.length + 1);
  const wide = { ...read.band, height: read.band.height + 2 * spacing };
  const band = cutOut(image, wide, BAND_WIDTH);
  // On the band the lines are level, of one height, and end where the band's margin starts: the
  // detector finds a small, blurred page's lines in pieces (the filler left out), so each row is
  // read on to that end, and boxes of another height (two lines merged, other print) are left out.
  // Lines whose fillers read as C count: the band holds an MRZ (the first search found one there).
  const margin = (read.margin * band.width) / read.band.width;
  const rows = levelRows(await ocr.detect(band), band.width - margin / 2);
  // Its lines lie as far apart as the first search found them (its band is the lines and a line's
  // height of margin around them): a line found alone here has its sibling that far away.
  const apart = read.lines.length > 1 ? ((read.band.height - 3 * read.margin) / (read.lines.length - 1)) * (band.width / wide.width) : undefined;
  const again = await findMrz(ocr, band, rows, onProgress, { smallPrint: true, upright: true, spacing: apart, resampled: true });
  onProgress?.();
  if (!again) return null;
  const { pageBand } = again;
  return { ...again, band: backInto(wide, band, again.band), margin: again.margin / (band.width / wide.width), page: read.page, ...(pageBand && { pageBand: backInto(wide, band, pageBand) }) };
}

/** A row on the band cut out straight is level within this angle (radians). */
const LEVEL = 0.1;

/**
 * The level boxes of a typical line's height (the median of long ones, within a factor 1.6), each
 * grown rightwards to `end` — unless a long line lies further along its row (the page's print
 * beside the MRZ of a card's other side stays as found).
 */
function levelRows(boxes: TextBox[], end: number): TextBox[] {
  const level = boxes.filter((b) => Math.abs(b.angle) < LEVEL);
  const heights = level.filter((b) => b.width >= 3 * b.height).map((b) => b.height).sort((a, b) => a - b);
  if (!heights.length) return [];
  const typical = heights[Math.floor(heights.length / 2)]!;
  const rows = level.filter((b) => b.height < 1.6 * typical && b.height > typical / 1.6);
  const long = rows.filter((b) => b.width >= 8 * b.height);
  return rows.map((b) => {
    const start = b.cx - b.width / 2;
    if (long.some((other) => other !== b && Math.abs(other.cy - b.cy) < b.height / 2 && other.cx > b.cx)) return b;
    const to = Math.max(end, b.cx + b.width / 2);
    return { ...b, angle: 0, cx: (start + to) / 2, width: to - start };
  });
}

/** A box found on the cut-out of `outer` (a canvas of the given size) in the source image's pixels. */
function backInto(outer: TextBox, cut: { width: number; height: number }, box: TextBox): TextBox {
  const scale = cut.width / outer.width;
  const [u, v] = [(box.cx - cut.width / 2) / scale, (box.cy - cut.height / 2) / scale];
  const [cos, sin] = [Math.cos(outer.angle), Math.sin(outer.angle)];
  return { ...box, cx: outer.cx + u * cos - v * sin, cy: outer.cy + u * sin + v * cos, width: box.width / scale, height: box.height / scale, angle: outer.angle + box.angle };
}

/**
 * Finds and reads the MRZ on the image: at the page's scale first, then closer where a photo has
 * text. A `quick` search stops after the whole frame (at 960 px and at its own size).
 */
export async function locateMrz(
  ocr: PaddleOcr,
  image: Image,
  onProgress?: () => void,
  { quick = false, wholeFrame }: { quick?: boolean; /** Gets the whole frame's text boxes (at 960 px and full size) when no MRZ is found there. */ wholeFrame?: TextBox[] } = {},
): Promise<PaddleMrzRead | null> {
  const boxes = await ocr.detect(image, 960);
  onProgress?.();
  const lastResorts: PaddleMrzRead[] = [];
  const read = await findMrz(ocr, image, boxes, onProgress, { lastResorts, eitherWay: true });
  if (read && !doubtful(read)) return read;
  // A page small in a photo has print too small for the detector at the whole image's scale: what
  // text it finds at full resolution (at most FULL_SIDE: a phone's 12 MP frame costs seconds more
  // and says no more about where to look) says where to look closer. A doubtful find is looked for
  // at full resolution too (the MRZ missed at the smaller scale, the page's print taken for it),
  // and kept when that finds nothing surer.
  const longest = Math.min(Math.max(image.width, image.height), FULL_SIDE);
  let evidence = boxes;
  if (longest > 1200) {
    const full = await ocr.detect(image, longest);
    onProgress?.();
    const atFull = await findMrz(ocr, image, full, onProgress, { lastResorts, eitherWay: true });
    if (atFull && !(read && doubtful(atFull))) return atFull;
    evidence = [...boxes, ...full];
  }
  if (read) return (await findFitted(ocr, image, boxes, onProgress)) ?? read;
  wholeFrame?.push(...evidence);
  // A quick look ends here: the whole frame at two scales (what finds the MRZ of a scan, and of most
  // photos). The closer looks below cost seconds, and a card's front has no MRZ to find.
  if (quick) return null;
  // Looked at closer in turn: the places with the most text, grown by a wide margin (lines the
  // detector missed at the edge of the page come inside); right after the first, the first again,
  // cut tight and enlarged 3× — a page a quarter of the frame wide prints its MRZ a few pixels high,
  // and until it is enlarged that much the detector merges its lines (and the page's) into blobs.
  const clusters = textClusters(evidence, image).slice(0, MAX_REGIONS);
  const looks = clusters.flatMap((cluster, i) => {
    const zoomed = { cluster, region: around(cluster, image, 0.4, reachIn(image)), side: ZOOMED_SIDE, smallPrint: false };
    return i === 0 ? [zoomed, { cluster, region: around(cluster, image, 0.05), side: CLOSEST_SIDE, smallPrint: true }] : [zoomed];
  });
  // Each look is taken level, then — when what text it found runs up or down the image rather than
  // across — turned a quarter turn: the detector finds small print of a page turned sideways only
  // when it lies level. Once a last resort is in hand (an MRZ line read, its sibling's fillers read
  // as C: small, soft print), only the closest look is still taken: the others, at 1280 px, read
  // such print no better (photo seeds 1–15: one field and one document more in all) and cost a
  // second or more (seed 13's p95 per image 5.6 → 4.7 s).
  let slanted = runsAtSlant(evidence);
  let sideways = false;
  for (const look of looks) {
    const { cluster, side, smallPrint } = look;
    if (lastResorts.length && !smallPrint) continue;
    // The closest look (and the finder's on the first place, below) takes in what the wider look
    // there found of the page: the whole frame's boxes may have missed its MRZ lines.
    if (smallPrint) look.region = around(cluster, image, 0.05);
    const { region } = look;
    for (const turn of [0, Math.PI / 2]) {
      const zoomed = await ocr.detect(image, side, region, { turn });
      slanted ||= runsAtSlant(zoomed);
      onProgress?.();
      if (!smallPrint && cluster === clusters[0]) growInto(cluster, textClusters(zoomed, image));
      const found = await findMrz(ocr, image, zoomed, onProgress, { smallPrint, lastResorts });
      if (found) return found;
      if (!runsUpOrDown(zoomed)) break;
      sideways = true;
    }
  }
  // Still nothing, and no last resort: the whole frame searched with PP-OCRv6's detector, level and
  // turned a quarter turn. Where PP-OCRv4's looked in the wrong place — the sheets of paper beside a
  // card a fifth of the frame wide had the most text, or the card's few words it found put the look
  // beside its MRZ — PP-OCRv6's finds the card's MRZ lines themselves. Turned, only where some look
  // saw text running up or down the image: on the 25 photos of seeds 6–15 that reached the finder,
  // each of the five its turned pass found had shown such text in a closer look, and the five where
  // none had (pages found nowhere) spent a second more there for nothing.
  const finderFound: TextCluster[] = [];
  if (!lastResorts.length && ocr.hasFinder) {
    for (const turn of [0, Math.PI / 2]) {
      if (turn && !sideways) break;
      const boxes = await ocr.detect(image, FINDER_SIDE, undefined, { turn, finder: true });
      const found = await findMrz(ocr, image, boxes, onProgress, { smallPrint: true, lastResorts });
      onProgress?.();
      if (found) return found;
      sideways ||= runsUpOrDown(boxes);
      finderFound.push(...textClusters(boxes, image));
    }
  }
  // Still nothing, and no last resort: each place with text cut tight (as the closest look is) and
  // searched with PP-OCRv6's detector, enlarged twice. Where the closest look went to the sheets of
  // paper beside a card (they had the most text) and the whole frame's pass saw the card's MRZ too
  // small (a card a third of the frame wide: 6 px a character, 0.8 × at FINDER_SIDE), PP-OCRv6's
  // detector finds its three lines there (PP-OCRv4's finds none, at any size), and their fillers
  // read as C, E and K mixed (`softPrint`). Over seeds 16–65, 31 fields more and none fewer (a few of
  // each page's fields: the print is 5–7 px a character); enlarged three times, fewer and slower.
  // Then, where those found nothing, each place again grown over what the whole frame's finder found
  // within reach of it (above): where the first detector saw only a passport's heading and the
  // finder the first characters of its MRZ lines, the place had been cut around the heading alone.
  // Grown only after: a place grown so is enlarged less, and a card found where it was cut tight
  // read worse in the larger cut. Each look is turned a quarter turn too once some look found text
  // running up or down (a card's back printed sideways beside its front).
  if (!lastResorts.length && ocr.hasFinder) {
    const places = clusters.map((cluster) => around(cluster, image, 0.05));
    for (const cluster of clusters) {
      const wider = { ...cluster };
      growInto(wider, finderFound, reachIn(image));
      const region = around(wider, image, 0.05);
      if (!places.some((p) => p.x === region.x && p.y === region.y && p.width === region.width && p.height === region.height)) places.push(region);
    }
    for (const region of places) {
      const side = Math.min(CLOSEST_SIDE, FINDER_ZOOM * Math.max(region.width, region.height));
      for (const turn of [0, Math.PI / 2]) {
        if (turn && !sideways) break;
        const boxes = await ocr.detect(image, side, region, { turn, finder: true });
        onProgress?.();
        const found = await findMrz(ocr, image, boxes, onProgress, { smallPrint: true, softPrint: true, lastResorts });
        if (found) return found;
        sideways ||= runsUpOrDown(boxes);
      }
    }
  }
  // Still nothing, and no last resort: the closest look turned an eighth of a turn either way.
  // Small print running at a slant (a photo turned 25–65°) the detector merges into blobs whether
  // the look lies level or turned a quarter turn; turned so, one way or the other it lies near level.
  // Only where some text found runs at a slant: the two turned looks cost about three seconds, and on
  // pages lying within 20° of level or of a quarter turn (the photo seeds) they find nothing more.
  const closest = looks.find((look) => look.smallPrint);
  if (!lastResorts.length && closest && slanted) {
    for (const turn of [Math.PI / 4, -Math.PI / 4]) {
      const zoomed = await ocr.detect(image, closest.side, closest.region, { turn });
      onProgress?.();
      const found = await findMrz(ocr, image, zoomed, onProgress, { smallPrint: true, lastResorts });
      if (found) return found;
    }
  }
  return lastResorts[0] ?? null;
}

/**
 * The MRZ searched for again where the whole frame's find is doubtful (its check digits disagree, or
 * it breaks the MRZ's grammar) and no look at full resolution found a surer one: on the same boxes,
 * each row cut to fit between its neighbours (`fitBetween`), lines whose fillers read as C counted.
 * Null unless that find is not doubtful. The detector grows boxes around soft print: a blurred
 * page's MRZ lines came 29–31 px high 25 px apart, the first line read "PCLAVR<" (its box reached
 * into the second line and the page above), a row of the page's dates was taken for it
 * ("2018515502626…"); cut 19 px high it read "PEESLAEVARSDOTTIRCCTHUR…". Rows cut so everywhere,
 * or for the closer looks' doubtful finds too, changed more reads for the worse than for the better
 * (decisions.md, "Photos, part 27").
 */
async function findFitted(ocr: PaddleOcr, image: Image, boxes: TextBox[], onProgress?: () => void): Promise<PaddleMrzRead | null> {
  const again = await findMrz(ocr, image, boxes, onProgress, { fit: true, smallPrint: true });
  return again && !doubtful(again) ? again : null;
}

/**
 * A found MRZ reads at least this share of its positions that have a class (letters, digits, check
 * digits, sex) within it: genuine reads on the real set 0.93 and more, on photos 0.82 and more (some
 * garbled reads of small print 0.3–0.45, which a further look may better); print taken for MRZ lines 0.26.
 */
const GRAMMAR_SHARE = 0.6;

/**
 * A find none of whose check digits agree over what it read, however its readings are fused, or
 * that breaks the MRZ's grammar (letters where dates are): print on the page taken for MRZ lines (a
 * visa's "555123ABC1224JUN2004…" has the digits and length of one), or an MRZ read too small to be
 * trusted.
 */
function doubtful(read: PaddleMrzRead): boolean {
  const fused = fuse(read.format, read, null);
  // A check digit read as filler agrees with a field read as filler (an empty optional field): where
  // only such agree, nothing was read (two lines of a page's print placed as MRZ lines, all filler).
  const empty = checkedFields(fused.format, fused.lines).filter(({ line, start, end, check }) => /^<+$/.test(fused.lines[line]!.slice(start, end)) && fused.lines[line]![check] === '<');
  if (validCheckDigits(fused.format, fused.lines) - empty.length === 0) return true;
  const kinds = positionKinds(read.format);
  let constrained = 0;
  let fitting = 0;
  read.positions.forEach((line, l) =>
    line.forEach((char, k) => {
      const kind = kinds[l]![k]!;
      if (!char || kind === 'N') return;
      constrained++;
      if (ALLOWED[kind].includes(char.char)) fitting++;
    }),
  );
  return fitting < GRAMMAR_SHARE * constrained;
}

/**
 * Some text box found is a line (eight times longer than high, as an MRZ line is) running within
 * `within` radians of level or of a quarter turn.
 */
export function levelLine(boxes: TextBox[], within: number): boolean {
  return boxes.some((b) => b.width >= 8 * b.height && offLevel(b.angle) <= within);
}

/** How far (radians) an angle lies from level or a quarter turn, whichever is nearer. */
const offLevel = (angle: number) => Math.min(apart(angle, 0), apart(angle, Math.PI / 2));

/** Some text box found (a word or a line, longer than high) runs 25–65° off level. */
function runsAtSlant(boxes: TextBox[]): boolean {
  return boxes.some((b) => b.width >= 3 * b.height && offLevel(b.angle) >= SLANT);
}

/** How far off level (or a quarter turn) text runs for a page to be looked at turned an eighth of a turn. */
const SLANT = (25 * Math.PI) / 180;

/** The text boxes found (those longer than high: words, lines) run up or down the image at least as often as across. */
function runsUpOrDown(boxes: TextBox[]): boolean {
  const words = boxes.filter((b) => b.width >= 2 * b.height);
  const steep = words.filter((b) => Math.abs(Math.sin(b.angle)) > Math.SQRT1_2).length;
  return steep >= words.length - steep;
}

/** The whole image is detected again at this size at most when nothing was found at the page's scale. */
const FULL_SIDE = 2048;

/** The page with the most text is detected again, cut tight, at this size at most (enlarged at most three times). */
const CLOSEST_SIDE = 1600;

/**
 * The whole image is searched with PP-OCRv6's detector at this size: on the photos no other look
 * found (seeds 6–13), 1280 px found as many pages as 1600 px, read them better (96 wrong fields
 * against 105, of 127) and in about half the time.
 */
const FINDER_SIDE = 1280;

/** The places with text are enlarged this many times at most for PP-OCRv6's detector (`locateMrz`'s last looks). */
const FINDER_ZOOM = 2;

/** How many places of a photo are looked at closer, the most text first. */
const MAX_REGIONS = 3;
/** A region is detected again at this size (enlarged at most three times). */
const ZOOMED_SIDE = 1280;

/** Where some of a photo's text lies: a box around detected text boxes close to each other. */
interface TextCluster {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  area: number;
}

/** How close text boxes are to be one cluster: a twelfth of the image. */
const reachIn = (image: Image) => Math.max(image.width, image.height) / 12;

/**
 * Where a photo's text lies: boxes closer than `reachIn` the image to each other form one cluster
 * (a page and what is printed on it). The clusters with the most text come first.
 */
function textClusters(boxes: TextBox[], image: Image): TextCluster[] {
  const reach = reachIn(image);
  const clusters = boxes.map((b) => {
    const dx = (Math.abs(b.width * Math.cos(b.angle)) + Math.abs(b.height * Math.sin(b.angle))) / 2;
    const dy = (Math.abs(b.width * Math.sin(b.angle)) + Math.abs(b.height * Math.cos(b.angle))) / 2;
    return { x0: b.cx - dx, x1: b.cx + dx, y0: b.cy - dy, y1: b.cy + dy, area: b.width * b.height };
  });
  for (let merged = true; merged; ) {
    merged = false;
    for (let i = 0; i < clusters.length && !merged; i++) {
      for (let j = i + 1; j < clusters.length; j++) {
        const [a, b] = [clusters[i]!, clusters[j]!];
        const gap = Math.max(a.x0 - b.x1, b.x0 - a.x1, a.y0 - b.y1, b.y0 - a.y1);
        if (gap > reach) continue;
        Object.assign(a, { x0: Math.min(a.x0, b.x0), x1: Math.max(a.x1, b.x1), y0: Math.min(a.y0, b.y0), y1: Math.max(a.y1, b.y1), area: a.area + b.area });
        clusters.splice(j, 1);
        merged = true;
        break;
      }
    }
  }
  return clusters.sort((a, b) => b.area - a.area);
}

/** The cluster grown over those of the others that overlap it (or lie within `reach` pixels of it). */
function growInto(c: TextCluster, others: TextCluster[], reach = 0): void {
  for (const o of others) {
    if (Math.max(c.x0 - o.x1, o.x0 - c.x1, c.y0 - o.y1, o.y0 - c.y1) > reach) continue;
    Object.assign(c, { x0: Math.min(c.x0, o.x0), x1: Math.max(c.x1, o.x1), y0: Math.min(c.y0, o.y0), y1: Math.max(c.y1, o.y1) });
  }
}

/** A cluster grown by a margin (`share` of its larger side, at least `least` pixels), within the image. */
function around(c: TextCluster, image: Image, share: number, least = 0): Region {
  const margin = Math.max(share * Math.max(c.x1 - c.x0, c.y1 - c.y0), least);
  const x = Math.max(0, Math.floor(c.x0 - margin));
  const y = Math.max(0, Math.floor(c.y0 - margin));
  return { x, y, width: Math.min(image.width, Math.ceil(c.x1 + margin)) - x, height: Math.min(image.height, Math.ceil(c.y1 + margin)) - y };
}

/** How much of a line was read, how surely: for choosing among readings of one place. */
const strengthOf = (line: RecognisedLine) => line.confidence * line.text.length;

/** The box moved `offset` pixels across its own direction (to the next line down when positive). */
const shifted = (box: TextBox, offset: number): TextBox => ({ ...box, cx: box.cx - offset * Math.sin(box.angle), cy: box.cy + offset * Math.cos(box.angle) });

/** The box grown along its own direction by `left` and `right` pixels at its ends (cut, where negative). */
function grown(box: TextBox, left: number, right: number): TextBox {
  const shift = (right - left) / 2;
  return { ...box, width: box.width + left + right, cx: box.cx + shift * Math.cos(box.angle), cy: box.cy + shift * Math.sin(box.angle) };
}

/** The distance between two characters of a line, in image pixels. */
const pitchOf = ({ box, line: { chars } }: Entry) => (chars.length > 1 ? ((chars.at(-1)!.at - chars[0]!.at) * box.width) / (chars.length - 1) : box.height);

/**
 * Which way the text runs: a box's angle says the line's direction up to a half turn (an upside-
 * down or sideways photo). The widest row is read both ways; the way that reads better holds for
 * all — unless the image is known to be `upright`, or the row reads surely as it lies (`SURE_WAY_UP`).
 * Returns the widest row with its reading, which the search for the MRZ then need not repeat, and —
 * when it was read both ways — its reading the other way (`otherWay`, the rows' angles turned back).
 */
async function orient(ocr: PaddleOcr, image: Image, rows: TextBox[], upright: boolean, onProgress?: () => void): Promise<Entry & { otherWay: RecognisedLine | null }> {
  const widest = rows.reduce((a, r) => (r.width > a.width ? r : a));
  const score = (line: RecognisedLine) => strengthOf(line) + (looksLikeMrz(line) ? 10 : 0);
  const asIs = await ocr.recognise(image, widest);
  const sure = asIs.confidence >= SURE_WAY_UP.confidence && asIs.text.length >= SURE_WAY_UP.length;
  const turned = upright || sure ? null : await ocr.recognise(image, { ...widest, angle: widest.angle + Math.PI });
  onProgress?.();
  if (!turned || score(turned) <= score(asIs)) return { box: widest, line: asIs, otherWay: turned };
  turnHalfway(rows);
  return { box: widest, line: turned, otherWay: asIs };
}

/** Every row turned a half turn (in place, `back` undoing it): read the other way up. */
function turnHalfway(rows: TextBox[], back = false): void {
  for (const row of rows) row.angle += back ? -Math.PI : Math.PI;
}

/**
 * A widest row read with at least this confidence and length as it lies is the right way up, and is
 * not read turned a half turn. Of 254 widest rows read both ways (photo seeds 1, 6, 9, 12 and the
 * real set), the turned reading won 36 times, each where the row as it lay read with confidence
 * 0.82 or less; 148 read this surely, and their turned reading (a recognition, about 80 ms) never won.
 */
const SURE_WAY_UP = { confidence: 0.9, length: 10 };

interface FindOptions {
  /** Lines whose fillers read as runs of C count as MRZ lines (the closest look at a small page). */
  smallPrint?: boolean;
  /** With `smallPrint`, lines whose fillers read as C, E and K mixed count too (`looksLikeMrzInSoftPrint`). */
  softPrint?: boolean;
  /** The image is known to be upright (a band cut out along the text's direction). */
  upright?: boolean;
  /**
   * Where a lone line reads like an MRZ line and none next to it does, the line where MRZ spacing
   * puts its sibling is taken when its fillers read as C (`looksLikeMrzAsLastResort`:
   * "CUKRTKACHENKDCCRARIANACCCCCCC…", a page turned 20° in a photo); what the two read, unless
   * doubtful, is collected here — a last resort, taken only when no look finds the MRZ otherwise
   * (taken earlier, it stood in for better reads that later, closer looks make).
   */
  lastResorts?: PaddleMrzRead[];
  /** How far apart the MRZ's lines lie on the image, when known (the band cut out after a first find). */
  spacing?: number;
  /** Rows are cut to fit between their neighbours first (`fitBetween`): a doubtful find searched again. */
  fit?: boolean;
  /** The lines found are read once more, resampled finer, as a further opinion (`secondOpinions`). */
  resampled?: boolean;
  /**
   * Where nothing was found the way the widest row chose, the other way is searched too (the whole
   * frame's search: a large page whose widest row is two lines merged). A closer look, at a page too
   * small for the whole frame, is not: there the second search read a dozen rows more for nothing.
   */
  eitherWay?: boolean;
}

/**
 * Finds the MRZ among the detected text rows: long rows are read from the bottom of the document
 * up (along their own angle) until two or three adjacent rows read like MRZ lines of one format
 * (with `smallPrint`, lines whose fillers read as C too, when no others do). On an image known to be
 * `upright` (a band cut out along the text's direction) the rows are read as they lie. Rows running
 * different ways are searched apart, one direction after another (`directions`); a sure find in one
 * ends the search, a doubtful one is kept unless another direction finds a surer one.
 */
async function findMrz(ocr: PaddleOcr, image: Image, boxes: TextBox[], onProgress?: () => void, options: FindOptions = {}): Promise<PaddleMrzRead | null> {
  const rows = mergeRows(boxes).filter((r) => r.width >= 8 * r.height);
  let first: PaddleMrzRead | null = null;
  for (const [i, group] of directions(rows).entries()) {
    if (i >= MAX_DIRECTIONS || (i > 0 && group.length < 2)) break;
    const found = await findAlong(ocr, image, group, boxes, onProgress, options);
    if (found && !doubtful(found)) return found;
    first ??= found;
  }
  return first;
}

/** Rows within this angle (radians, up to a half turn) of a direction's widest row run that way. */
const SAME_DIRECTION = 0.2;

/** How many directions of text are searched for the MRZ, the most text first. */
const MAX_DIRECTIONS = 3;

/**
 * The rows grouped by the direction they run in (up to a half turn), the most text first. A page's
 * lines run one way, but a photo holds more: a stamp printed up the page ("SPECIMEN"), a sheet of
 * paper beside it at another angle. Which way a direction reads (or upside down) is decided on its own
 * widest row, and its rows are ordered across that direction only; each row's angle is taken on the
 * widest's side of the half turn (in place).
 */
function directions(rows: TextBox[]): TextBox[][] {
  const groups: TextBox[][] = [];
  for (const row of [...rows].sort((a, b) => b.width - a.width)) {
    const group = groups.find(([widest]) => apart(row.angle, widest!.angle) < SAME_DIRECTION);
    if (!group) {
      groups.push([row]);
      continue;
    }
    // Its angle taken within a quarter turn of the widest's, so that the rows turn together.
    row.angle -= Math.PI * Math.round((row.angle - group[0]!.angle) / Math.PI);
    group.push(row);
  }
  const text = (group: TextBox[]) => group.reduce((sum, row) => sum + row.width, 0);
  return groups.sort((a, b) => text(b) - text(a));
}

/** `findMrz` among rows that run one way. */
async function findAlong(ocr: PaddleOcr, image: Image, rows: TextBox[], boxes: TextBox[], onProgress: (() => void) | undefined, options: FindOptions): Promise<PaddleMrzRead | null> {
  if (options.fit) fitBetween(rows);
  const { otherWay, ...widest } = await orient(ocr, image, rows, options.upright ?? false, onProgress);
  const found = await searchAlong(ocr, image, rows, boxes, widest, onProgress, options);
  // The way up was chosen on one row's reading; where what it found reads doubtfully (an upside-down
  // page whose widest row read better turned: "0222190229…" for "P<CZESPECIMEN<<…"), or — searching
  // the whole frame (`eitherWay`) — where nothing was found that way, the other way is searched too,
  // and kept when it reads surely. (A phone's 12 MP photo: its widest row at 960 px two MRZ lines
  // merged, read "W" as it lay and "WONWWW" turned; the MRZ, read upside down, was found only by
  // the closer looks, seconds later.)
  if (!otherWay || (found ? !doubtful(found) : !options.eitherWay)) return found;
  turnHalfway(rows);
  // The widest row read the other way as it was found — unless the search narrowed it since (`printApart`).
  const line = widest.wide ? await ocr.recognise(image, widest.box) : otherWay;
  const turned = await searchAlong(ocr, image, rows, boxes, { box: widest.box, line }, onProgress, options);
  if (turned && !doubtful(turned)) return turned;
  turnHalfway(rows, true);
  return found;
}

/**
 * Rows no taller than FIT of the distance to their nearest neighbour whose extent along the row
 * overlaps their own (in place): a row reaching into the next one reads both (`findFitted`).
 */
function fitBetween(rows: TextBox[]): void {
  const nearest = rows.map((row) =>
    rows.reduce((least, other) => {
      if (other === row) return least;
      const { along, across } = alongRow(row, other);
      const overlaps = Math.abs(along) < (row.width + other.width) / 2;
      // Closer across than that, a box is on the row itself (`sameRow` merges within 0.35), not next to it.
      return overlaps && Math.abs(across) > 0.3 * row.height ? Math.min(least, Math.abs(across)) : least;
    }, Infinity),
  );
  rows.forEach((row, i) => {
    row.height = Math.min(row.height, FIT * nearest[i]!);
  });
}

/** Rows further apart than this many line heights are not lines of one MRZ (a card's three lines lie closer). */
const MRZ_REACH = 4;

/** A row's height at most this share of the distance to its nearest neighbour (`fitBetween`). */
const FIT = 0.85;

/** Characters this many times their usual spacing apart are separate print, not one line. */
const APART = 4;

/**
 * Where a row's reading holds an MRZ line and other print on its row (a card's front and back side by
 * side: "2002 06802295F1307245SRB<<<…", the front's date 18 spacings before the MRZ line), the
 * characters of the MRZ line (first and last index): a piece of up to a dozen characters before a gap
 * of APART spacings, and a line's worth (20 or more) after it; or after a full card line (30 or more),
 * a piece of three letters or digits and no filler. Null when the row is one piece. An MRZ line's own
 * gaps (filler the recogniser left out) hold only filler: before its last check digits, or between a
 * name and its filler.
 */
export function printApart({ chars }: RecognisedLine): [number, number] | null {
  if (chars.length < 20) return null;
  const steps = chars.slice(1).map((c, i) => c.at - chars[i]!.at);
  const usual = [...steps].sort((a, b) => a - b)[Math.floor(steps.length / 2)]!;
  const gap = steps.reduce((widest, step, i) => (step > steps[widest]! ? i : widest), 0);
  if (steps[gap]! < APART * usual) return null;
  const [before, after] = [chars.slice(0, gap + 1), chars.slice(gap + 1)];
  if (before.length <= 12 && after.length >= 20) return [gap + 1, chars.length - 1];
  const text = after.map((c) => c.char).join('');
  if (before.length >= 30 && /^[A-Z0-9]{3,}$/.test(text)) return [0, gap];
  return null;
}

/** Where its reading holds other print apart from the MRZ line (`printApart`), the row's box narrowed to the line (in place) and read again. */
async function leaveOutPrintApart(ocr: PaddleOcr, image: Image, entry: Entry, onProgress?: () => void): Promise<void> {
  const kept = printApart(entry.line);
  if (!kept) return;
  entry.wide ??= { ...entry.box };
  Object.assign(entry.box, narrowed(entry.box, entry.line, kept));
  entry.line = await ocr.recognise(image, entry.box);
  onProgress?.();
}

/** The box cut along its direction to its reading's characters `from`..`to` (inclusive), a spacing more on either side. */
function narrowed(box: TextBox, { chars }: RecognisedLine, [from, to]: [number, number]): TextBox {
  const spacing = (chars[to]!.at - chars[from]!.at) / Math.max(1, to - from);
  const start = Math.max(0, chars[from]!.at - spacing) * box.width;
  const end = Math.min(1, chars[to]!.at + spacing) * box.width;
  return grown(box, -start, end - box.width);
}

/** `findAlong` the way up `widest` (the widest row, read) says. */
async function searchAlong(ocr: PaddleOcr, image: Image, rows: TextBox[], boxes: TextBox[], widest: Entry, onProgress: (() => void) | undefined, { smallPrint = false, softPrint = false, lastResorts, spacing, resampled = false }: FindOptions): Promise<PaddleMrzRead | null> {
  // The dominant angle orders the rows top to bottom even when the photo is turned.
  const { angle } = widest.box;
  const across = (r: TextBox) => -r.cx * Math.sin(angle) + r.cy * Math.cos(angle);
  rows.sort((a, b) => across(b) - across(a));
  // What a second, looser search looks at again is read once.
  const seen = new Map<TextBox, Entry>([[widest.box, widest]]);
  const readRow = async (box: TextBox): Promise<Entry> => {
    let entry = seen.get(box);
    if (!entry) {
      entry = { box, line: await ocr.recognise(image, box) };
      onProgress?.();
    }
    // Print beside the MRZ on its row (a card's front next to its back) is left out, the row read again.
    await leaveOutPrintApart(ocr, image, entry, onProgress);
    seen.set(box, entry);
    return entry;
  };
  const collect = async (likeMrz: (line: RecognisedLine) => boolean, taken: Set<TextBox>) => {
    const read: Entry[] = [];
    for (const box of rows.slice(0, 12)) {
      if (taken.has(box)) continue;
      const previous = read.at(-1);
      // Two lines in hand, a row further than that from the last can join them no more, nor can any
      // after it (the rows run in order across): the page's print above the MRZ is left unread. (Its
      // distance is taken as detected: a row narrowed when read, `leaveOutPrintApart`, moves along its
      // own angle, which may shift it a hair across; no read changed on 950 photos.)
      if (previous && read.length >= 2 && Math.abs(across(previous.box) - across(box)) > MRZ_REACH * previous.box.height) break;
      const entry = await readRow(box);
      const { line } = entry;
      // Other text may sit between MRZ lines on specimens ("MACHINE READABLE ZONE"): it is skipped,
      // but lines far apart are not one MRZ.
      if (!likeMrz(line)) continue;
      // A second box over a line already read (an outline drawn around the MRZ) is no new line.
      if (previous && Math.abs(across(previous.box) - across(box)) < 0.6 * previous.box.height) continue;
      if (previous && Math.abs(across(previous.box) - across(box)) > MRZ_REACH * previous.box.height) {
        if (read.length >= 2) break;
        read.length = 0;
      }
      read.push({ ...entry });
      if (read.length === 3) break;
    }
    return read;
  };
  // The first rows that read like MRZ lines are taken, unless they read doubtfully (print on the page
  // that looks like an MRZ line: a visa's "555123ABC1224JUN2004…" under its own MRZ): then the next
  // rows that do, once.
  const taken = new Set<TextBox>();
  let first: PaddleMrzRead | null = null;
  for (let attempt = 0; attempt < 2; attempt++) {
    // Rows that read like MRZ lines come before a lone line's neighbours read where spacing puts them.
    let likeMrz = looksLikeMrz;
    let read = await collect(likeMrz, taken);
    if (read.length < 2 && smallPrint) {
      likeMrz = softPrint ? looksLikeMrzInSoftPrint : looksLikeMrzInSmallPrint;
      read = await collect(likeMrz, taken);
    }
    let loose = false;
    if (read.length === 1) {
      const candidates = await siblingCandidates(ocr, image, read[0]!, spacing, onProgress);
      let sibling = strongest(candidates, likeMrz);
      if (!sibling && lastResorts) {
        sibling = strongest(candidates, looksLikeMrzAsLastResort);
        loose = sibling !== null;
      }
      if (sibling) read.push(sibling);
    }
    if (read.length < 2) break;
    for (const { box } of read) taken.add(box);
    const lines = await readLines(ocr, image, read, across, rows, resampled, onProgress);
    const found = lines && { ...lines, page: boxes };
    if (loose) {
      if (found && !doubtful(found)) lastResorts?.push(found);
      break;
    }
    if (found && !doubtful(found)) return found;
    first ??= found;
  }
  return first;
}

/**
 * The MRZ on the rows found to read like its lines (two or three, any order): each read over the
 * lines' full extent and to its format's length, a card's missing third line looked for, and read
 * again by the other models unless the first settles them alone. Null when the rows make no MRZ format.
 */
async function readLines(ocr: PaddleOcr, image: Image, read: Entry[], across: (box: TextBox) => number, rows: TextBox[], resampled: boolean, onProgress?: () => void): Promise<Omit<PaddleMrzRead, 'page'> | null> {
  read.sort((a, b) => across(a.box) - across(b.box));
  await onInk(ocr, image, read, across, onProgress);
  await span(ocr, image, read, onProgress);
  // A line read again over its neighbours' extent may take in print beside the MRZ again.
  for (const entry of read) await leaveOutPrintApart(ocr, image, entry, onProgress);
  let longest = Math.max(...read.map((r) => r.line.text.length));
  if (read.length === 2 && longest < 40) {
    // Two lines read short: TD2 (36) or TD3 cut by their boxes. Widened as TD3, does one reach
    // TD3's length? (A TD2 line has nothing beyond its 36th character; faint filler may stay unread.)
    const widened = read.map((entry) => ({ ...entry }));
    for (const entry of widened) await extend(ocr, image, entry, 44, onProgress);
    if (widened.some((entry) => entry.line.text.length >= 42)) {
      read.splice(0, read.length, ...widened);
      longest = Math.max(...read.map((r) => r.line.text.length));
    }
  }
  if (read.length === 2 && longest <= 34) {
    // Two lines of a card's length: its third line was merged with other text or left out.
    const third = await findThirdLine(ocr, image, read[0]!, read[1]!, rows, onProgress);
    if (third) read.push(third);
    read.sort((a, b) => across(a.box) - across(b.box));
  }
  const format: MrzFormatName = read.length === 3 && longest <= 34 ? 'TD1' : longest >= 40 ? 'TD3' : 'TD2';
  const lines = format === 'TD1' ? read : read.slice(-2);
  if (format !== 'TD1' && read.length === 3 && longest <= 34) return null;
  for (const [i, entry] of lines.entries()) await extend(ocr, image, entry, MRZ_LINE_LENGTHS[format][i]!, onProgress);
  const first = {
    format,
    positions: lines.map((r, i) => place(r.line, MRZ_LINE_LENGTHS[format][i]!)),
    lines: lines.map((r) => r.line),
    opinions: [],
    band: bandOf(lines.map((r) => r.box)),
    margin: marginOf(lines.map((r) => r.box)),
    ...(lines.some((r) => r.wide) && { pageBand: bandOf(lines.map((r) => r.wide ?? r.box)) }),
  };
  // What the first model settles alone (every check digit agrees, every letter of the names is
  // clear) is not read by the others: their opinions are for what it cannot settle.
  if (settledAlone({ ...first, page: [] })) return first;
  return { ...first, opinions: await secondOpinions(ocr, image, format, lines, resampled, onProgress) };
}

/**
 * The MRZ lines' boxes read by the other models (second opinions), placed at positions, per model;
 * with `resampled`, by the first model again too, each box enlarged by the canvas's finer filter.
 * Small, soft print reads differently so (a name's M read H one way and M the other, a line found
 * whole one way only): heard beside the first reading, the two outvote each other's slips. Only on
 * the band of a doubtful read, read again (`rereadStraight`): on seeds 26–35 read fresh, 8 fields
 * gained and 1 lost. As the first reading everywhere instead, it read more wrong (session 12; seeds
 * 26–33 now: 133 → 141 wrong fields): the models learnt on bilinear resizing.
 */
async function secondOpinions(ocr: PaddleOcr, image: Image, format: MrzFormatName, lines: Entry[], resampled: boolean, onProgress?: () => void): Promise<PaddleMrzRead['opinions']> {
  const readers: Array<[number, Smoothing]> = Array.from({ length: ocr.models - 1 }, (_, i) => [i + 1, 'low']);
  if (resampled) readers.push([0, 'high']);
  const opinions: PaddleMrzRead['opinions'] = [];
  for (const [model, smoothing] of readers) {
    const read: RecognisedLine[] = [];
    for (const { box } of lines) read.push(await ocr.recognise(image, box, model, smoothing));
    onProgress?.();
    opinions.push({ lines: read, positions: read.map((line, i) => place(line, MRZ_LINE_LENGTHS[format][i]!)) });
  }
  return opinions;
}

/** The MRZ band's margin around its lines: a line's height. */
const marginOf = (boxes: TextBox[]) => Math.max(...boxes.map((b) => b.height));

/** One box over the MRZ's lines (they share a direction), with a line's height of margin around. */
function bandOf(boxes: TextBox[]): TextBox {
  const reference = boxes.reduce((a, b) => (b.width > a.width ? b : a));
  const cos = Math.cos(reference.angle);
  const sin = Math.sin(reference.angle);
  const u = (b: TextBox, end: number) => (b.cx - reference.cx) * cos + (b.cy - reference.cy) * sin + (end * b.width) / 2;
  const v = (b: TextBox, end: number) => -(b.cx - reference.cx) * sin + (b.cy - reference.cy) * cos + (end * b.height) / 2;
  const height = marginOf(boxes);
  const [u0, u1] = [Math.min(...boxes.map((b) => u(b, -1))) - height, Math.max(...boxes.map((b) => u(b, 1))) + height];
  const [v0, v1] = [Math.min(...boxes.map((b) => v(b, -1))) - height, Math.max(...boxes.map((b) => v(b, 1))) + height];
  const [mu, mv] = [(u0 + u1) / 2, (v0 + v1) / 2];
  return { cx: reference.cx + mu * cos - mv * sin, cy: reference.cy + mu * sin + mv * cos, width: u1 - u0, height: v1 - v0, angle: reference.angle, score: reference.score };
}

/** Readings of the box moved across by each offset (where it stays in the image). */
async function readShifted(ocr: PaddleOcr, image: Image, box: TextBox, offsets: number[], onProgress?: () => void): Promise<Entry[]> {
  const entries: Entry[] = [];
  for (const offset of offsets) {
    const candidate = shifted(box, offset);
    if (candidate.cy < 0 || candidate.cy > image.height) continue;
    entries.push({ box: candidate, line: await ocr.recognise(image, candidate) });
    onProgress?.();
  }
  return entries;
}

/**
 * A lone line's sibling, taken only as a last resort (no look finds the MRZ otherwise): a long line
 * with one pair of chevrons read as C will do, where the closest look asks for two runs — seed 10's
 * `r001`, a passport a quarter of the frame wide beside two sheets of paper, its filler over a
 * tinted background read as C and E ("PEBSRRUSTERRANNENERECALCECEEREECECESCECCCCCE"). Its check
 * digits and grammar still decide whether it is kept (`doubtful`).
 */
const looksLikeMrzAsLastResort = (line: RecognisedLine) => looksLikeMrz(line) || (line.text.length >= 20 && line.text.includes('CC'));

/** The strongest reading among `entries` that `fits`. */
const strongest = (entries: Entry[], fits: (line: RecognisedLine) => boolean) =>
  entries.reduce<Entry | null>((best, entry) => (fits(entry.line) && (!best || strengthOf(entry.line) > strengthOf(best.line)) ? entry : best), null);

/**
 * One MRZ line found alone (the detector merged its neighbour with text nearby): the other line is
 * where MRZ spacing puts it, above or below, as wide as this one. The places read there — on the
 * side the line itself points to when it reads as one of a passport's two lines (`passportLine`).
 */
function siblingCandidates(ocr: PaddleOcr, image: Image, entry: Entry, spacing: number | undefined, onProgress?: () => void): Promise<Entry[]> {
  return readShifted(ocr, image, entry.box, siblingOffsets(entry, spacing), onProgress);
}

/**
 * How far from a lone line (in pixels, down the image when positive) its sibling is looked for:
 * 1.3–2.2 of its box's height (the detector's boxes are grown around the print, by more or less),
 * or, where the lines' `spacing` is known (the band cut out after a first find, whose lines lay
 * that far apart), there alone — one read a side instead of four.
 */
export function siblingOffsets({ box, line }: { box: TextBox; line: RecognisedLine }, spacing?: number): number[] {
  const which = passportLine(line);
  const sides = which === 1 ? [1] : which === 2 ? [-1] : [-1, 1];
  const steps = spacing ? [spacing] : [1.3, 1.6, 1.9, 2.2].map((step) => step * box.height);
  return sides.flatMap((direction) => steps.map((step) => direction * step));
}

/**
 * Which of a passport's (TD3's) two lines a line read at nearly its length is, when its print says:
 * the first starts with the document code (P or V and a letter or filler) and holds names, not
 * numbers; the second holds the dates and check digits (a dozen digits or more). Null otherwise —
 * a card's lines (a TD1's names read like a first line, its first line like a second) are shorter.
 */
export function passportLine({ text }: RecognisedLine): 1 | 2 | null {
  if (text.length < 40) return null;
  const digits = text.match(/\d/g)?.length ?? 0;
  if (/^[PV][A-Z<]/.test(text) && digits <= 2) return 1;
  return digits >= 12 ? 2 : null;
}

/**
 * The missing line of a TD1 (three lines of 30) where MRZ spacing puts it — or a detected row near
 * there: between the two lines found (when they are two spacings apart), above the top one or
 * below the bottom one (there the names: letters only will do).
 */
async function findThirdLine(ocr: PaddleOcr, image: Image, top: Entry, bottom: Entry, rows: TextBox[], onProgress?: () => void): Promise<Entry | null> {
  const { box } = top;
  const acrossTop = (b: TextBox) => alongRow(box, b).across;
  const gap = acrossTop(bottom.box);
  // MRZ lines lie about 1.6 character pitches apart (box heights say little: the detector grows
  // them): two lines found over 2.4 pitches apart have the missing one between them.
  const between = Math.abs(gap) > 2.4 * pitchOf(top);
  // Between two MRZ lines any line of a card's length is the middle one, however poorly read.
  const cardLength = (line: RecognisedLine) => line.text.length >= 24 && line.text.length <= 34;
  if (between) return strongest(await readShifted(ocr, image, box, [gap / 2], onProgress), cardLength);
  // Above or below, a line that reads like an MRZ line; below, also one of letters only: the card's
  // names, whose separators a soft photo reads as C ("BELSERCCJULIETTECHENRIKECSOPHI": no '<').
  // Where the detector found a row there, the line is read where it lies rather than where the
  // spacing of the two found puts it.
  const at = (offset: number) => rows.map(acrossTop).find((across) => Math.abs(across - offset) < 0.35 * Math.abs(gap)) ?? offset;
  const above = strongest(await readShifted(ocr, image, box, [at(-gap)], onProgress), (line) => cardLength(line) && looksLikeMrz(line));
  const below = strongest(await readShifted(ocr, image, box, [at(2 * gap)], onProgress), (line) => cardLength(line) && (looksLikeMrz(line) || /^[A-Z<]+$/.test(line.text)));
  return strongest([above, below].filter((entry): entry is Entry => entry !== null), () => true);
}

/**
 * A line read shorter than its format's length was cut by its box (the detector often leaves out
 * trailing filler): the box is widened by the missing characters at the line's own pitch, mostly
 * to the right, where the filler is, and read again — and, when that still reads short, mostly to
 * the left (a line whose start the detector merged with print beside it: `TTIR<<THURIDUR<OESP<<…`
 * for `P<ISLAEVARSDOTTIR<<THURIDUR<OESP<<…`).
 */
async function extend(ocr: PaddleOcr, image: Image, entry: Entry, length: number, onProgress?: () => void): Promise<void> {
  const { box, line } = entry;
  const missing = length - line.chars.length;
  if (missing < 2 || line.chars.length < 10) return;
  const pitch = pitchOf(entry);
  for (const [left, right] of [
    [pitch, (missing + 1) * pitch],
    [(missing + 1) * pitch, pitch],
  ] as const) {
    const wider = grown(box, left, right);
    const again = await ocr.recognise(image, wider);
    onProgress?.();
    if (Math.abs(again.chars.length - length) < Math.abs(length - entry.line.chars.length)) Object.assign(entry, { box: wider, line: again });
    if (Math.abs(entry.line.chars.length - length) < 2) return;
  }
}

/**
 * The lines of an MRZ start and end at the same place. A line the detector found shorter than its
 * neighbours (filler left out, a gap at a long filler run) is read again over their full extent.
 */
async function span(ocr: PaddleOcr, image: Image, read: Entry[], onProgress?: () => void): Promise<void> {
  const reference = read.reduce((a, r) => (r.box.width > a.box.width ? r : a)).box;
  const cos = Math.cos(reference.angle);
  const sin = Math.sin(reference.angle);
  const along = (b: TextBox, end: number) => (b.cx - reference.cx) * cos + (b.cy - reference.cy) * sin + (end * b.width) / 2;
  const from = Math.min(...read.map((r) => along(r.box, -1)));
  const to = Math.max(...read.map((r) => along(r.box, 1)));
  for (const entry of read) {
    const { box } = entry;
    const gained = along(box, -1) - from + (to - along(box, 1));
    if (gained < 0.6 * box.height) continue;
    const across = -(box.cx - reference.cx) * sin + (box.cy - reference.cy) * cos;
    const mid = (from + to) / 2;
    const wider: TextBox = { ...box, angle: reference.angle, width: to - from, cx: reference.cx + mid * cos - across * sin, cy: reference.cy + mid * sin + across * cos };
    const line = await ocr.recognise(image, wider);
    onProgress?.();
    if (line.text.length > entry.line.text.length) Object.assign(entry, { box: wider, line });
  }
}

/**
 * Small print's lines are where its ink is. The detector merges lines a few pixels high, and a row it
 * found may lie between two of the MRZ's (seed 13's `r039`, a card's three lines found as two rows,
 * the second over its second and third lines: "C2T7T223237T2222…"). Where the print is small, a row
 * off the ink's nearest line (`inkRows`) is moved onto it and read again; two rows then two lines
 * apart have a card's middle line between them, read there.
 */
async function onInk(ocr: PaddleOcr, image: Image, read: Entry[], across: (box: TextBox) => number, onProgress?: () => void): Promise<void> {
  // The pitch of the line read longest (a row over two lines reads fewer characters than it spans).
  if (pitchOf(read.reduce((a, entry) => (entry.line.chars.length > a.line.chars.length ? entry : a))) >= SMALL_PITCH) return;
  const reference = read[0]!.box;
  const offsets = read.map((entry) => alongRow(reference, entry.box).across);
  const height = reference.height;
  const peaks = inkRows(image, reference, Math.min(...offsets) - 3 * height, Math.max(...offsets) + 3 * height);
  if (!peaks.length) return;
  const placed = offsets.map((offset) => peaks.reduce((a, peak) => (Math.abs(peak - offset) < Math.abs(a - offset) ? peak : a)));
  // Two rows on one line of ink: nothing to tell them apart by.
  if (new Set(placed).size < placed.length) return;
  for (const [i, entry] of read.entries()) {
    if (Math.abs(placed[i]! - offsets[i]!) < OFF_INK * height) continue;
    entry.box = shifted(entry.box, placed[i]! - offsets[i]!);
    entry.line = await ocr.recognise(image, entry.box);
    onProgress?.();
  }
  if (read.length !== 2) return;
  const [a, b] = placed as [number, number];
  const between = peaks.filter((peak) => peak > a && peak < b);
  if (between.length !== 1 || Math.abs(between[0]! - a - (b - between[0]!)) > EVEN_LINES * (b - a)) return;
  const box = shifted(read[0]!.box, between[0]! - a);
  read.splice(1, 0, { box, line: await ocr.recognise(image, box) });
  onProgress?.();
  read.sort((x, y) => across(x.box) - across(y.box));
}

/** A row this share of its height or more off its line's ink is moved onto it (`onInk`). */
const OFF_INK = 0.2;
/** Three lines of an MRZ lie evenly apart: the middle one within this share of the outer two's distance of halfway. */
const EVEN_LINES = 0.15;

/**
 * Where the text lines lie across `box`'s direction, between `from` and `to` (image pixels from its
 * centre, down its text when positive): the peaks of how much the grey level changes along the
 * direction, row by row over the box's length (print changes it at every stroke; paper, a page's edge
 * or a shadow hardly), each standing out from the troughs beside it by PROMINENCE of its height.
 * Offsets in image pixels, in order.
 */
export function inkRows(image: Image, box: TextBox, from: number, to: number): number[] {
  // Cut out a few samples per pixel across small print, so that a line a few pixels high has a peak.
  const scale = Math.max(1, Math.min(4, 32 / box.height));
  const mid = (from + to) / 2;
  const region = { ...shifted(box, mid), height: to - from };
  const grey = greyCrop(cutOut(image, region, region.width * scale));
  const [x0, x1] = [Math.round(0.05 * grey.width), Math.round(0.95 * grey.width)];
  const profile = new Float64Array(grey.height);
  for (let y = 0; y < grey.height; y++) {
    let sum = 0;
    for (let x = x0 + 1; x < x1; x++) sum += Math.abs(grey.data[y * grey.width + x]! - grey.data[y * grey.width + x - 1]!);
    profile[y] = sum / Math.max(1, x1 - x0 - 1);
  }
  // Rows per image pixel across (the cut-out keeps the region's aspect).
  const perPixel = grey.height / region.height;
  const reach = Math.max(1, Math.round(INK_REACH * box.height * perPixel));
  // A peak is the highest row within `reach` either side (of a level run of them, the middle one).
  const peaks: number[] = [];
  for (let y = 0; y < grey.height; y++) {
    const v = profile[y]!;
    if (v <= 0 || (y > 0 && profile[y - 1] === v)) continue;
    let top = true;
    for (let d = -reach; d <= reach && top; d++) if (d && y + d >= 0 && y + d < grey.height && (profile[y + d]! > v || (d < 0 && profile[y + d] === v))) top = false;
    if (!top) continue;
    let end = y;
    while (end + 1 < grey.height && profile[end + 1] === v) end++;
    peaks.push(Math.round((y + end) / 2));
  }
  const highest = Math.max(0, ...peaks.map((y) => profile[y]!));
  const prominent = peaks.filter((y, i) => {
    const trough = (a: number, b: number) => Math.min(...profile.slice(Math.max(0, a), Math.min(grey.height, b + 1)));
    const left = trough(i ? peaks[i - 1]! : y - 2 * reach, y);
    const right = trough(y, i + 1 < peaks.length ? peaks[i + 1]! : y + 2 * reach);
    return profile[y]! - Math.max(left, right) > PROMINENCE * profile[y]! && profile[y]! >= FAINTEST * highest;
  });
  return prominent.map((y) => from + (y + 0.5) / perPixel);
}

/** Two lines' peaks lie at least this share of a line box's height apart (MRZ lines: about one). */
const INK_REACH = 0.45;
/** A line's peak stands out from the troughs beside it by this share of its height. */
const PROMINENCE = 0.25;
/** A line's peak is at least this share of the highest (lower ones are a texture's or noise). */
const FAINTEST = 0.25;
