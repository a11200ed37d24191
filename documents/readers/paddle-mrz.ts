import type { Image } from '@napi-rs/canvas';
import { MRZ_LINE_LENGTHS, type MrzFormatName } from '../mrz/layout';
import { readExactly, type RecognisedChar, type RecognisedLine } from './ctc';
import type { PaddleOcr, TextBox } from './paddle';

/** The MRZ as PaddleOCR read it: per line and position, the character's probabilities (null: none read there). */
export interface PaddleMrzRead {
  format: MrzFormatName;
  positions: Array<Array<RecognisedChar | null>>;
  /** The raw text of each line, as recognised. */
  text: string[];
  /** Each line as recognised (greedy reading, before placing at positions). */
  lines: RecognisedLine[];
  /** Where the MRZ lies in the image: one box over all its lines, along their direction. */
  band: TextBox;
}

/** A text row and what PaddleOCR read on it. */
type Entry = { box: TextBox; line: RecognisedLine };

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
    const cos = Math.cos(row.angle);
    const sin = Math.sin(row.angle);
    const along = (x: number, y: number) => (x - row.cx) * cos + (y - row.cy) * sin;
    const centre = along(box.cx, box.cy);
    const from = Math.min(-row.width / 2, centre - box.width / 2);
    const to = Math.max(row.width / 2, centre + box.width / 2);
    const mid = (from + to) / 2;
    row.cx += mid * cos;
    row.cy += mid * sin;
    row.width = to - from;
    row.height = Math.max(row.height, box.height);
  }
  return rows;
}

function sameRow(row: TextBox, box: TextBox): boolean {
  // A short box's angle says little (a few characters): only long boxes must agree on it.
  const long = box.width >= 6 * box.height;
  if ((long && Math.abs(row.angle - box.angle) > 0.06) || box.height > 1.6 * row.height || row.height > 1.6 * box.height) return false;
  const cos = Math.cos(row.angle);
  const sin = Math.sin(row.angle);
  const dx = box.cx - row.cx;
  const dy = box.cy - row.cy;
  const across = -dx * sin + dy * cos;
  const along = Math.abs(dx * cos + dy * sin);
  // On the row's axis, and not too far beyond its end: the detector leaves filler runs out, so the
  // pieces of one MRZ line can lie a dozen characters apart.
  return Math.abs(across) < 0.35 * row.height && along - (row.width + box.width) / 2 < 10 * row.height;
}

const looksLikeMrz = (line: RecognisedLine) => (line.text.length >= 20 && line.text.includes('<')) || /<</.test(line.text) && line.text.length >= 12 || /^[A-Z0-9]{26,}$/.test(line.text);

/**
 * Finds the MRZ among the detected text rows: long rows are read from the bottom of the document
 * up (along their own angle) until two or three adjacent rows read like MRZ lines of one format.
 */
export async function readMrzWithPaddle(ocr: PaddleOcr, image: Image, onProgress?: () => void): Promise<PaddleMrzRead | null> {
  // A page small in a large photo has small print: the detector looks again at a finer scale.
  const longest = Math.max(image.width, image.height);
  for (const maxSide of longest > 1200 ? [960, Math.min(1920, longest)] : [960]) {
    const boxes = await ocr.detect(image, maxSide);
    onProgress?.();
    const read = await findMrz(ocr, image, boxes, onProgress);
    if (read) return read;
  }
  return null;
}

/**
 * Which way the text runs: a box's angle says the line's direction up to a half turn (an upside-
 * down or sideways photo). The widest row is read both ways; the way that reads better holds for all.
 */
async function orient(ocr: PaddleOcr, image: Image, rows: TextBox[], onProgress?: () => void): Promise<void> {
  const widest = rows.reduce((a, r) => (r.width > a.width ? r : a));
  const score = (line: RecognisedLine) => line.confidence * line.text.length + (looksLikeMrz(line) ? 10 : 0);
  const asIs = await ocr.recognise(image, widest);
  const turned = await ocr.recognise(image, { ...widest, angle: widest.angle + Math.PI });
  onProgress?.();
  if (score(turned) > score(asIs)) for (const row of rows) row.angle += Math.PI;
}

async function findMrz(ocr: PaddleOcr, image: Image, boxes: TextBox[], onProgress?: () => void): Promise<PaddleMrzRead | null> {
  const rows = mergeRows(boxes).filter((r) => r.width >= 8 * r.height);
  if (rows.length === 0) return null;
  await orient(ocr, image, rows, onProgress);
  // The dominant angle orders the rows top to bottom even when the photo is turned.
  const angle = rows.reduce((a, r) => (r.width > a.width ? r : a)).angle;
  const across = (r: TextBox) => -r.cx * Math.sin(angle) + r.cy * Math.cos(angle);
  rows.sort((a, b) => across(b) - across(a));
  const read: Array<{ box: TextBox; line: RecognisedLine }> = [];
  for (const box of rows.slice(0, 12)) {
    const line = await ocr.recognise(image, box);
    onProgress?.();
    // Other text may sit between MRZ lines on specimens ("MACHINE READABLE ZONE"): it is skipped,
    // but lines far apart are not one MRZ.
    if (!looksLikeMrz(line)) continue;
    const previous = read.at(-1);
    // A second box over a line already read (an outline drawn around the MRZ) is no new line.
    if (previous && Math.abs(across(previous.box) - across(box)) < 0.6 * previous.box.height) continue;
    if (previous && Math.abs(across(previous.box) - across(box)) > 4 * previous.box.height) {
      if (read.length >= 2) break;
      read.length = 0;
    }
    read.push({ box, line });
    if (read.length === 3) break;
  }
  if (read.length === 1) {
    const sibling = await findSibling(ocr, image, read[0]!, onProgress);
    if (sibling) read.push(sibling);
  }
  if (read.length < 2) return null;
  read.sort((a, b) => across(a.box) - across(b.box));
  await span(ocr, image, read, onProgress);
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
    const third = await findThirdLine(ocr, image, read[0]!, read[1]!, onProgress);
    if (third) read.push(third);
    read.sort((a, b) => across(a.box) - across(b.box));
  }
  const format: MrzFormatName = read.length === 3 && longest <= 34 ? 'TD1' : longest >= 40 ? 'TD3' : 'TD2';
  const lines = format === 'TD1' ? read : read.slice(-2);
  if (format !== 'TD1' && read.length === 3 && longest <= 34) return null;
  for (const [i, entry] of lines.entries()) await extend(ocr, image, entry, MRZ_LINE_LENGTHS[format][i]!, onProgress);
  return {
    format,
    positions: lines.map((r, i) => place(r.line, MRZ_LINE_LENGTHS[format][i]!)),
    text: lines.map((r) => r.line.text),
    lines: lines.map((r) => r.line),
    band: bandOf(lines.map((r) => r.box)),
  };
}

/** One box over the MRZ's lines (they share a direction), with a line's height of margin around. */
function bandOf(boxes: TextBox[]): TextBox {
  const reference = boxes.reduce((a, b) => (b.width > a.width ? b : a));
  const cos = Math.cos(reference.angle);
  const sin = Math.sin(reference.angle);
  const u = (b: TextBox, end: number) => (b.cx - reference.cx) * cos + (b.cy - reference.cy) * sin + (end * b.width) / 2;
  const v = (b: TextBox, end: number) => -(b.cx - reference.cx) * sin + (b.cy - reference.cy) * cos + (end * b.height) / 2;
  const height = Math.max(...boxes.map((b) => b.height));
  const [u0, u1] = [Math.min(...boxes.map((b) => u(b, -1))) - height, Math.max(...boxes.map((b) => u(b, 1))) + height];
  const [v0, v1] = [Math.min(...boxes.map((b) => v(b, -1))) - height, Math.max(...boxes.map((b) => v(b, 1))) + height];
  const [mu, mv] = [(u0 + u1) / 2, (v0 + v1) / 2];
  return { cx: reference.cx + mu * cos - mv * sin, cy: reference.cy + mu * sin + mv * cos, width: u1 - u0, height: v1 - v0, angle: reference.angle, score: reference.score };
}

/**
 * One MRZ line found alone (the detector merged its neighbour with text nearby): the other line is
 * where MRZ spacing puts it, above or below, as wide as this one.
 */
async function findSibling(ocr: PaddleOcr, image: Image, found: { box: TextBox; line: RecognisedLine }, onProgress?: () => void) {
  const { box } = found;
  const height = box.height;
  let best: { box: TextBox; line: RecognisedLine } | null = null;
  for (const direction of [-1, 1]) {
    for (const step of [1.3, 1.6, 1.9, 2.2]) {
      const offset = direction * step * height;
      const candidate: TextBox = { ...box, height, cx: box.cx - offset * Math.sin(box.angle), cy: box.cy + offset * Math.cos(box.angle) };
      if (candidate.cy < 0 || candidate.cy > image.height) continue;
      const line = await ocr.recognise(image, candidate);
      onProgress?.();
      if (looksLikeMrz(line) && (!best || line.confidence * line.text.length > best.line.confidence * best.line.text.length)) best = { box: candidate, line };
    }
  }
  return best;
}

/**
 * The missing line of a TD1 (three lines of 30) where MRZ spacing puts it: between the two lines
 * found (when they are two spacings apart), above the top one or below the bottom one.
 */
async function findThirdLine(ocr: PaddleOcr, image: Image, top: Entry, bottom: Entry, onProgress?: () => void): Promise<Entry | null> {
  const { box } = top;
  const gap = -(bottom.box.cx - box.cx) * Math.sin(box.angle) + (bottom.box.cy - box.cy) * Math.cos(box.angle);
  // MRZ lines lie about 1.6 character pitches apart (box heights say little: the detector grows
  // them): two lines found over 2.4 pitches apart have the missing one between them.
  const { chars } = top.line;
  const pitch = chars.length > 1 ? ((chars.at(-1)!.at - chars[0]!.at) * box.width) / (chars.length - 1) : box.height;
  const between = Math.abs(gap) > 2.4 * pitch;
  const offsets = between ? [gap / 2] : [-gap, 2 * gap];
  let best: Entry | null = null;
  for (const offset of offsets) {
    const candidate: TextBox = { ...box, cx: box.cx - offset * Math.sin(box.angle), cy: box.cy + offset * Math.cos(box.angle) };
    if (candidate.cy < 0 || candidate.cy > image.height) continue;
    const line = await ocr.recognise(image, candidate);
    onProgress?.();
    // Between two MRZ lines any line of a card's length is the middle one, however poorly read.
    const fits = (between || looksLikeMrz(line)) && line.text.length >= 24 && line.text.length <= 34;
    if (fits && (!best || line.confidence * line.text.length > best.line.confidence * best.line.text.length)) best = { box: candidate, line };
  }
  return best;
}

/**
 * A line read shorter than its format's length was cut by its box (the detector often leaves out
 * trailing filler): the box is widened by the missing characters at the line's own pitch, mostly
 * to the right, where the filler is, and read again.
 */
async function extend(ocr: PaddleOcr, image: Image, entry: { box: TextBox; line: RecognisedLine }, length: number, onProgress?: () => void): Promise<void> {
  const { box, line } = entry;
  const missing = length - line.chars.length;
  if (missing < 2 || line.chars.length < 10) return;
  const pitch = ((line.chars.at(-1)!.at - line.chars[0]!.at) * box.width) / (line.chars.length - 1);
  const right = (missing + 1) * pitch;
  const left = pitch;
  const shift = (right - left) / 2;
  const wider: TextBox = { ...box, width: box.width + left + right, cx: box.cx + shift * Math.cos(box.angle), cy: box.cy + shift * Math.sin(box.angle) };
  const again = await ocr.recognise(image, wider);
  onProgress?.();
  if (Math.abs(again.chars.length - length) < Math.abs(missing)) Object.assign(entry, { box: wider, line: again });
}

/**
 * The lines of an MRZ start and end at the same place. A line the detector found shorter than its
 * neighbours (filler left out, a gap at a long filler run) is read again over their full extent.
 */
async function span(ocr: PaddleOcr, image: Image, read: Array<{ box: TextBox; line: RecognisedLine }>, onProgress?: () => void): Promise<void> {
  const reference = read.reduce((a, r) => (r.box.width > a.box.width ? r : a)).box;
  const cos = Math.cos(reference.angle);
  const sin = Math.sin(reference.angle);
  const along = (b: TextBox, end: number) => (b.cx - reference.cx) * cos + (b.cy - reference.cy) * sin + (end * b.width) / 2;
  const from = Math.min(...read.map((r) => along(r.box, -1)));
  const to = Math.max(...read.map((r) => along(r.box, 1)));
  for (const entry of read) {
    const { box } = entry;
    const gained = along(box, -1) - from + (to - along(box, 1));
    if (gained < 1.5 * box.height) continue;
    const across = -(box.cx - reference.cx) * sin + (box.cy - reference.cy) * cos;
    const mid = (from + to) / 2;
    const wider: TextBox = { ...box, angle: reference.angle, width: to - from, cx: reference.cx + mid * cos - across * sin, cy: reference.cy + mid * sin + across * cos };
    const line = await ocr.recognise(image, wider);
    onProgress?.();
    if (line.text.length > entry.line.text.length) Object.assign(entry, { box: wider, line });
  }
}

/**
 * Characters to MRZ positions. A line read at its exact length maps one to one; otherwise the MRZ's
 * fixed pitch places each character by where along the line it was read (a dropped or doubled
 * character then leaves a gap or is merged instead of shifting the rest of the line).
 */
export function place(line: RecognisedLine, length: number): Array<RecognisedChar | null> {
  if (line.chars.length === length) return [...line.chars];
  // A character or two lost or doubled by the greedy reading; beyond that the line was cut.
  const exact = Math.abs(line.chars.length - length) <= 2 ? readExactly(line, length) : null;
  if (exact) return exact;
  const positions: Array<RecognisedChar | null> = new Array(length).fill(null);
  if (line.chars.length < 2) return positions;
  // Which slots the first and last characters read stand in is not known: a line may be cut short
  // or miss its first character. The pitch that puts every character nearest a slot wins.
  const first = line.chars[0]!.at;
  const spanned = line.chars.at(-1)!.at - first;
  // Any number of characters may be missing at the end (faint filler); few gaps are preferred.
  let best: { cost: number; start: number; pitch: number } | null = null;
  for (let start = 0; start <= 1; start++) {
    for (let slots = Math.max(1, line.chars.length - 1); slots <= length - 1 - start; slots++) {
      const missing = slots - (line.chars.length - 1);
      const pitch = spanned / slots;
      let cost = 0;
      const taken = new Set<number>();
      for (const char of line.chars) {
        const exact = (char.at - first) / pitch;
        const k = Math.round(exact);
        cost += (exact - k) ** 2 + (taken.has(k) ? 1 : 0);
        taken.add(k);
      }
      cost += 0.02 * missing + 0.05 * start;
      if (!best || cost < best.cost) best = { cost, start, pitch };
    }
  }
  if (!best) return positions;
  for (const char of line.chars) {
    const k = Math.min(length - 1, Math.max(0, best.start + Math.round((char.at - first) / best.pitch)));
    const held = positions[k];
    if (!held || strength(char) > strength(held)) positions[k] = char;
  }
  return positions;
}

const strength = (c: RecognisedChar) => Math.max(...c.probabilities);

/**
 * Characters to the positions of another reader's line of the right length: an edit-distance
 * alignment (substitutions preferred), so a character PaddleOCR dropped or added shifts nothing
 * after it. Positions the other reader has and PaddleOCR does not stay empty.
 */
export function alignTo(line: RecognisedLine, reference: string): Array<RecognisedChar | null> {
  const a = line.chars;
  const n = a.length;
  const m = reference.length;
  const cost = Array.from({ length: n + 1 }, (_, i) => Float64Array.from({ length: m + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= n; i++) {
    for (let j = 1; j <= m; j++) {
      const substitution = cost[i - 1]![j - 1]! + (a[i - 1]!.char === reference[j - 1] ? 0 : 0.9);
      cost[i]![j] = Math.min(substitution, cost[i - 1]![j]! + 1, cost[i]![j - 1]! + 1);
    }
  }
  const positions: Array<RecognisedChar | null> = new Array(m).fill(null);
  for (let i = n, j = m; i > 0 && j > 0; ) {
    if (cost[i]![j] === cost[i - 1]![j - 1]! + (a[i - 1]!.char === reference[j - 1] ? 0 : 0.9)) {
      positions[j - 1] = a[i - 1]!;
      i--;
      j--;
    } else if (cost[i]![j] === cost[i - 1]![j]! + 1) i--;
    else j--;
  }
  return positions;
}
