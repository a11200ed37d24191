import { setImmediate as tick } from 'node:timers/promises';
import { createCanvas, GlobalFonts, type Image } from '@napi-rs/canvas';
import { checkDigit } from '../mrz/build';
import { ALLOWED, checkAgrees, checkDigitCount, checkRelations, checkedFields, isStateCode, isVisa, MRZ_ALPHABET, MRZ_LINE_LENGTHS, type MrzFormatName, NAME_FIELD, NUMBER_FIELD, positionKinds, STATE_POSITIONS, validCheckDigits } from '../mrz/layout';
import { adaptiveInkMask, connectedComponents, darkestThreshold, greyCrop, heightOf, inkMask, median, widthOf, type Component, type Grey } from './raster';

/**
 * A reader made for the machine-readable zone: the MRZ is printed in a fixed-pitch font with 37
 * possible characters at known positions (ICAO 9303), so it can be read glyph by glyph.
 *
 * 1. Ink is separated from paper (Otsu, or a local threshold for shadows), connected components
 *    are found, the skew is measured on their centres and the crop is rotated straight.
 * 2. Components are grouped into text lines; the MRZ is the bottom two or three lines whose glyphs
 *    are evenly spaced, with 30 (TD1), 36 (TD2) or 44 (TD3) positions. A grid with the line's pitch
 *    is fitted, so a filler run is never miscounted and every glyph has its position.
 * 3. Each glyph is compared with templates rendered from ten fonts (nine monospace) installed from npm
 *    and read as the nearest character that its position allows. Glyphs are then compared with the
 *    document's own clearly read prints (its font, size and ink), and ambiguous glyphs are settled
 *    by the check digits. Every position keeps its distances, so the caller knows how sure it is.
 */

const GRID_W = 12;
const GRID_H = 16;
const SUBSAMPLES = 3;
/** How much size and vertical position weigh against shape. */
const GEOMETRY_WEIGHT = 4;

const TEMPLATE_FONTS = [
  '@fontsource/roboto-mono/files/roboto-mono-latin-400-normal.woff2',
  '@fontsource/noto-sans-mono/files/noto-sans-mono-latin-400-normal.woff2',
  '@fontsource/cousine/files/cousine-latin-400-normal.woff2',
  '@fontsource/source-code-pro/files/source-code-pro-latin-400-normal.woff2',
  '@fontsource/ibm-plex-mono/files/ibm-plex-mono-latin-400-normal.woff2',
  '@fontsource/jetbrains-mono/files/jetbrains-mono-latin-400-normal.woff2',
  '@fontsource/ubuntu-mono/files/ubuntu-mono-latin-400-normal.woff2',
  '@fontsource/b612-mono/files/b612-mono-latin-400-normal.woff2',
  '@fontsource/courier-prime/files/courier-prime-latin-400-normal.woff2',
  // Proportional, Arial-like: the plain I and J of an MRZ printed in an ordinary sans font.
  '@fontsource/arimo/files/arimo-latin-400-normal.woff2',
];

/** [stroke width, ink threshold, blur radius] of each template print, at 64 px. */
const TEMPLATE_VARIANTS: Array<[number, number, number]> = [
  [0, 128, 0],
  [3, 128, 0],
  [0, 50, 0],
  [0, 210, 4],
];

interface Box {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

/** The line a glyph sits on: its capital height and vertical middle. */
interface LineReference {
  height: number;
  midY: number;
  /** Distance between neighbouring positions: a glyph is seen in a box this wide, so O stays wider than 0. */
  pitch: number;
}

/** A [1 2 1] blur across the shape grid: a glyph shifted by a fraction of a cell barely changes. */
function smoothGrid(vector: Float32Array): void {
  const source = vector.slice(0, GRID_W * GRID_H);
  const at = (r: number, c: number) => source[Math.min(GRID_H - 1, Math.max(0, r)) * GRID_W + Math.min(GRID_W - 1, Math.max(0, c))]!;
  for (let r = 0; r < GRID_H; r++) {
    for (let c = 0; c < GRID_W; c++) {
      let sum = 0;
      for (let dr = -1; dr <= 1; dr++) for (let dc = -1; dc <= 1; dc++) sum += at(r + dr, c + dc) * (2 - Math.abs(dr)) * (2 - Math.abs(dc));
      vector[r * GRID_W + c] = sum / 16;
    }
  }
}

/**
 * Shape on a GRID_W × GRID_H grid plus size and position. Within the glyph's own box (narrow glyphs
 * kept narrow) the shape compares across fonts; within a box as wide as the pitch it keeps the
 * glyph's width, which tells one font's O from its 0 — for comparing prints in one document.
 */
function features(isInk: (x: number, y: number) => boolean, box: Box, ref: LineReference, within: 'glyph' | 'pitch' = 'glyph'): Float32Array {
  const w = box.maxX - box.minX + 1;
  const h = box.maxY - box.minY + 1;
  const boxWidth = within === 'pitch' ? Math.max(w, ref.pitch) : Math.max(w, 0.5 * h);
  const left = (box.minX + box.maxX + 1) / 2 - boxWidth / 2;
  const vector = new Float32Array(GRID_W * GRID_H + 3);
  for (let r = 0; r < GRID_H; r++) {
    for (let c = 0; c < GRID_W; c++) {
      let ink = 0;
      for (let sy = 0; sy < SUBSAMPLES; sy++) {
        const y = Math.floor(box.minY + ((r + (sy + 0.5) / SUBSAMPLES) * h) / GRID_H);
        for (let sx = 0; sx < SUBSAMPLES; sx++) {
          const x = Math.floor(left + ((c + (sx + 0.5) / SUBSAMPLES) * boxWidth) / GRID_W);
          if (x >= box.minX && x <= box.maxX && isInk(x, y)) ink++;
        }
      }
      vector[r * GRID_W + c] = ink / (SUBSAMPLES * SUBSAMPLES);
    }
  }
  smoothGrid(vector);
  const base = GRID_W * GRID_H;
  vector[base] = (GEOMETRY_WEIGHT * w) / ref.height;
  vector[base + 1] = (GEOMETRY_WEIGHT * h) / ref.height;
  vector[base + 2] = (GEOMETRY_WEIGHT * ((box.minY + box.maxY) / 2 - ref.midY)) / ref.height;
  return vector;
}

interface Template {
  char: string;
  vector: Float32Array;
}

let templates: Template[] | null = null;

function inkBox(mask: Uint8Array, width: number, height: number): Box | null {
  const box = { minX: width, maxX: -1, minY: height, maxY: -1 };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      if (x < box.minX) box.minX = x;
      if (x > box.maxX) box.maxX = x;
      if (y < box.minY) box.minY = y;
      if (y > box.maxY) box.maxY = y;
    }
  }
  return box.maxX < 0 ? null : box;
}

/** Renders the templates one font at a time (a generator, so the work can be spread over ticks). */
function* renderTemplates(): Generator<void, Template[]> {
  const size = 64;
  const canvas = createCanvas(2 * size, 2 * size);
  const g = canvas.getContext('2d');
  const render = (family: string, char: string, stroke: number, threshold: number, blur = 0) => {
    g.fillStyle = '#fff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.fillStyle = '#000';
    g.strokeStyle = '#000';
    g.font = `${size}px ${family}`;
    if (blur) g.filter = `blur(${blur}px)`;
    g.fillText(char, size / 2, size * 1.4);
    if (stroke) {
      g.lineWidth = stroke;
      g.strokeText(char, size / 2, size * 1.4);
    }
    g.filter = 'none';
    const rgba = g.getImageData(0, 0, canvas.width, canvas.height).data;
    const mask = new Uint8Array(canvas.width * canvas.height);
    for (let i = 0; i < mask.length; i++) mask[i] = rgba[i * 4 + 1]! < threshold ? 1 : 0;
    return mask;
  };
  const built: Template[] = [];
  for (const [index, file] of TEMPLATE_FONTS.entries()) {
    const family = `KycflowGlyphs${index}`;
    GlobalFonts.registerFromPath(require.resolve(file), family);
    // Regular, heavier and lighter prints, and a blurred print whose ink spread (a soft photo).
    for (const [stroke, threshold, blur] of TEMPLATE_VARIANTS) {
      const capital = inkBox(render(family, 'H', stroke, threshold, blur), canvas.width, canvas.height);
      if (!capital) continue;
      g.font = `${size}px ${family}`;
      const ref = { height: capital.maxY - capital.minY + 1, midY: (capital.minY + capital.maxY) / 2, pitch: g.measureText('H').width };
      for (const char of MRZ_ALPHABET) {
        const mask = render(family, char, stroke, threshold, blur);
        const box = inkBox(mask, canvas.width, canvas.height);
        if (box) built.push({ char, vector: features((x, y) => mask[y * canvas.width + x] === 1, box, ref) });
      }
      yield;
    }
  }
  return built;
}

/** Templates for every MRZ character in every font, regular and heavier, rendered once per process. */
export function glyphTemplates(): Template[] {
  if (templates) return templates;
  const steps = renderTemplates();
  let step = steps.next();
  while (!step.done) step = steps.next();
  templates = step.value;
  return templates;
}

let preparing: Promise<Template[]> | null = null;

/** The templates, rendered a font at a time between other work on the event loop. */
export function prepareGlyphTemplates(): Promise<Template[]> {
  if (templates) return Promise.resolve(templates);
  preparing ??= (async () => {
    const steps = renderTemplates();
    let step = steps.next();
    while (!step.done) {
      await tick(); // other work on the event loop (heartbeats, deliveries) runs between steps
      step = steps.next();
    }
    templates ??= step.value;
    return templates;
  })();
  return preparing;
}

export interface CharacterReading {
  /** Characters by distance, nearest first, each with its distance. */
  ranked: Array<{ char: string; distance: number }>;
  vector: Float32Array;
  /** The shape within the line's pitch, for comparison with other glyphs of the same document. */
  print: Float32Array;
}

function classify(vector: Float32Array, from: Template[] = glyphTemplates()): CharacterReading {
  const best = new Map<string, number>();
  for (const template of from) {
    let d = 0;
    const t = template.vector;
    for (let i = 0; i < t.length; i++) {
      const diff = vector[i]! - t[i]!;
      d += diff * diff;
    }
    const current = best.get(template.char);
    if (current === undefined || d < current) best.set(template.char, d);
  }
  return { ranked: [...best].map(([char, distance]) => ({ char, distance })).sort((a, b) => a.distance - b.distance), vector, print: vector };
}

/** How far off level (degrees, either way) the reader straightens a page: a page turned further is not read. */
export const MAX_SKEW = 8;

/** The skew (degrees) that lines glyph centres up best in rows, from -MAX_SKEW to MAX_SKEW. */
function estimateSkew(components: Component[], rowHeight: number): number {
  let bestAngle = 0;
  let bestScore = -1;
  for (let angle = -MAX_SKEW; angle <= MAX_SKEW + 0.001; angle += 0.2) {
    const rad = (angle * Math.PI) / 180;
    const cos = Math.cos(rad);
    const sin = Math.sin(rad);
    const bins = new Map<number, number>();
    for (const c of components) {
      const bin = Math.floor((c.cy * cos - c.cx * sin) / (rowHeight / 3));
      bins.set(bin, (bins.get(bin) ?? 0) + 1);
    }
    let score = 0;
    for (const n of bins.values()) score += n * n;
    if (score > bestScore + 1e-9) {
      bestScore = score;
      bestAngle = angle;
    }
  }
  return Math.round(bestAngle * 10) / 10;
}

interface TextLine {
  members: Component[];
  height: number;
  midY: number;
}

/** Groups components into text lines: tall ones first define a line, smaller ones (like '<') join it. */
function textLines(components: Component[]): TextLine[] {
  const lines: TextLine[] = [];
  const byHeight = [...components].sort((a, b) => heightOf(b) - heightOf(a));
  for (const c of byHeight) {
    const h = heightOf(c);
    const middle = (c.minY + c.maxY) / 2;
    const line = lines.find((l) => Math.abs(middle - l.midY) < 0.45 * l.height && h <= 1.35 * l.height && h >= 0.25 * l.height);
    if (line) line.members.push(c);
    else lines.push({ members: [c], height: h, midY: middle });
  }
  return lines;
}

/** A glyph: components of one position (pieces of a broken glyph are joined), x-clipped when two glyphs touch. */
interface Cell {
  parts: Component[];
  clip: { from: number; to: number } | null;
}

interface MrzLine {
  cells: Cell[];
  ref: LineReference;
  fitted: boolean;
}

interface Grid {
  cells: Cell[];
  pitch: number;
  /** Every glyph found a position of its own (on the pitch grid, or one per position in order). */
  fitted: boolean;
}

function groupPieces(members: Component[]): Array<Component[]> {
  const sorted = [...members].sort((a, b) => a.minX - b.minX);
  const groups: Array<{ parts: Component[]; minX: number; maxX: number }> = [];
  for (const c of sorted) {
    const last = groups[groups.length - 1];
    const overlap = last ? Math.min(last.maxX, c.maxX) - Math.max(last.minX, c.minX) + 1 : 0;
    if (last && overlap > 0.5 * Math.min(widthOf(c), last.maxX - last.minX + 1)) {
      last.parts.push(c);
      last.maxX = Math.max(last.maxX, c.maxX);
      last.minX = Math.min(last.minX, c.minX);
    } else groups.push({ parts: [c], minX: c.minX, maxX: c.maxX });
  }
  return groups.map((g) => g.parts);
}

const centreX = (parts: Component[]) => {
  const minX = Math.min(...parts.map((p) => p.minX));
  const maxX = Math.max(...parts.map((p) => p.maxX));
  return (minX + maxX) / 2;
};

/** Estimated number of positions on a line, from the typical distance between neighbouring glyphs. */
function positionsOf(groups: Component[][]): { count: number; pitch: number; regular: boolean } {
  const centres = groups.map(centreX);
  const gaps = centres.slice(1).map((x, i) => x - centres[i]!);
  const pitch = median(gaps);
  if (pitch <= 0) return { count: 0, pitch: 0, regular: false };
  const regular = gaps.filter((g) => g > 0.75 * pitch && g < 1.25 * pitch).length >= 0.6 * gaps.length;
  return { count: Math.round((centres[centres.length - 1]! - centres[0]!) / pitch) + 1, pitch, regular };
}

/** Fits x = a + b·k to the glyphs of a line with `length` positions and assigns each glyph its position. */
function layOut(groups: Component[][], length: number): Grid {
  const centres = groups.map(centreX);
  let a = centres[0]!;
  let b = (centres[centres.length - 1]! - a) / (length - 1);
  for (let iteration = 0; iteration < 3; iteration++) {
    const points = groups
      .map((parts, i) => ({ k: Math.round((centres[i]! - a) / b), x: centres[i]!, w: Math.max(...parts.map((p) => p.maxX)) - Math.min(...parts.map((p) => p.minX)) + 1 }))
      .filter((p) => p.k >= 0 && p.k < length && p.w <= 1.2 * b);
    if (points.length < 2) break;
    const n = points.length;
    const sk = points.reduce((s, p) => s + p.k, 0);
    const sx = points.reduce((s, p) => s + p.x, 0);
    const skk = points.reduce((s, p) => s + p.k * p.k, 0);
    const skx = points.reduce((s, p) => s + p.k * p.x, 0);
    const denominator = n * skk - sk * sk;
    if (denominator === 0) break;
    b = (n * skx - sk * sx) / denominator;
    a = (sx - b * sk) / n;
  }
  const cells: Cell[] = Array.from({ length }, () => ({ parts: [], clip: null }));
  for (const parts of groups) {
    const minX = Math.min(...parts.map((p) => p.minX));
    const maxX = Math.max(...parts.map((p) => p.maxX));
    if (maxX - minX + 1 > 1.5 * b) {
      // Touching glyphs: each position it covers gets its slice.
      for (let k = Math.max(0, Math.round((minX - a) / b)); k <= Math.min(length - 1, Math.round((maxX - a) / b)); k++) {
        cells[k]!.parts.push(...parts);
        cells[k]!.clip = { from: a + (k - 0.5) * b, to: a + (k + 0.5) * b };
      }
      continue;
    }
    const k = Math.round(((minX + maxX) / 2 - a) / b);
    if (k >= 0 && k < length) cells[k]!.parts.push(...parts);
  }
  // A proportional font (an MRZ printed by a careless generator, or an old typewriter) breaks the
  // grid: glyphs pile up in some positions and leave others empty. With exactly one glyph per
  // position, their order is their position.
  const misfit = cells.some((cell) => cell.parts.length === 0) || cells.some((cell) => new Set(cell.parts).size < cell.parts.length);
  if (misfit && groups.length === length) return { cells: groups.map((parts) => ({ parts, clip: null })), pitch: b, fitted: true };
  return { cells, pitch: b, fitted: !misfit };
}

function lineReference(groups: Component[][], pitch: number): LineReference {
  const boxes = groups.map((parts) => ({ minY: Math.min(...parts.map((p) => p.minY)), maxY: Math.max(...parts.map((p) => p.maxY)) }));
  const heights = boxes.map(heightOf).sort((x, y) => x - y);
  const tall = heights[Math.floor(heights.length * 0.9)] ?? 1;
  const full = boxes.filter((b) => heightOf(b) >= 0.8 * tall);
  return { height: median(full.map(heightOf)) || 1, midY: median(full.map((b) => (b.minY + b.maxY) / 2)), pitch };
}

const FORMAT_BY_COUNT: Array<{ format: MrzFormatName; lines: number; min: number; max: number }> = [
  { format: 'TD1', lines: 3, min: 27, max: 33 },
  { format: 'TD3', lines: 2, min: 40, max: 48 },
  { format: 'TD2', lines: 2, min: 33, max: 39 },
];

/** The MRZ lines of a straightened crop: the bottom-most run of evenly spaced lines of the right lengths. */
function locateMrz(components: Component[]): { format: MrzFormatName; lines: MrzLine[] } | null {
  const candidates = textLines(components)
    .map((line) => ({ line, groups: groupPieces(line.members) }))
    .filter(({ groups }) => groups.length >= 20)
    .map((entry) => ({ ...entry, ...positionsOf(entry.groups) }))
    .filter((entry) => entry.regular)
    .sort((x, y) => x.line.midY - y.line.midY);
  for (let end = candidates.length; end > 0; end--) {
    for (const { format, lines, min, max } of FORMAT_BY_COUNT) {
      const run = candidates.slice(Math.max(0, end - lines), end);
      if (run.length !== lines || !run.every((c) => c.count >= min && c.count <= max)) continue;
      const spacing = run.slice(1).every((c, i) => c.line.midY - run[i]!.line.midY < 3.5 * c.line.height);
      if (!spacing) continue;
      const lengths = MRZ_LINE_LENGTHS[format];
      return {
        format,
        lines: run.map((c, i) => {
          const grid = layOut(c.groups, lengths[i]!);
          return { cells: grid.cells, ref: lineReference(c.groups, grid.pitch), fitted: grid.fitted };
        }),
      };
    }
  }
  return null;
}

function readCell(cell: Cell, labels: Int32Array, width: number, ref: LineReference): CharacterReading | null {
  if (cell.parts.length === 0) return null;
  const from = cell.clip ? Math.max(0, Math.ceil(cell.clip.from)) : 0;
  const to = cell.clip ? Math.floor(cell.clip.to) : Infinity;
  // The cell's ink (its parts' pixels, inside the clip) marked over its parts' extent in one pass,
  // its box found on the way: both feature grids look ink up there (each samples the box 1,728 times).
  const x0 = Math.max(from, Math.min(...cell.parts.map((p) => p.minX)));
  const y0 = Math.min(...cell.parts.map((p) => p.minY));
  const w = Math.min(to, Math.max(...cell.parts.map((p) => p.maxX))) - x0 + 1;
  if (w <= 0) return null;
  const ink = new Uint8Array(w * (Math.max(...cell.parts.map((p) => p.maxY)) - y0 + 1));
  const box = { minX: Infinity, maxX: -1, minY: Infinity, maxY: -1 };
  for (const p of cell.parts) {
    for (let y = p.minY; y <= p.maxY; y++) {
      for (let x = Math.max(p.minX, from); x <= Math.min(p.maxX, to); x++) {
        if (labels[y * width + x] !== p.label) continue;
        ink[(y - y0) * w + x - x0] = 1;
        if (x < box.minX) box.minX = x;
        if (x > box.maxX) box.maxX = x;
        if (y < box.minY) box.minY = y;
        if (y > box.maxY) box.maxY = y;
      }
    }
  }
  if (box.maxX < 0) return null;
  const isInk = (x: number, y: number) => ink[(y - y0) * w + x - x0] === 1;
  return { ...classify(features(isInk, box, ref)), print: features(isInk, box, ref, 'pitch') };
}


/** Per line and position, the characters a reader ranked (null: nothing read there). */
export type RankedReadings = Array<Array<Pick<CharacterReading, 'ranked'> | null>>;

export interface GlyphRead {
  format: MrzFormatName;
  lines: string[];
  /** Per position: the characters it allows, nearest first (null: no glyph found there). */
  readings: Array<Array<CharacterReading | null>>;
  /** Share of positions read with a clear margin over the next allowed character. */
  confidence: number;
  /** A digit was chosen by the check digits rather than by its shape, O and 0 were swapped, or a digit position was empty. */
  guessed: boolean;
  /** Every position had a glyph. */
  complete: boolean;
  skew: number;
}

export const clearlyFirst = (allowed: CharacterReading['ranked']) => {
  const [first, second] = allowed;
  return !!first && (!second || second.distance >= 1.5 * first.distance + 0.5);
};

/**
 * The document's own glyphs as templates: positions that may only hold digits (dates, check digits)
 * or only letters (names, country codes) and were read clearly show how this document prints each
 * character — its font, size, ink and blur. Positions that may hold either (document numbers,
 * optional data) are then also compared with those, which tells a font's 0 from its O.
 */
function calibrate(format: MrzFormatName, readings: Array<Array<CharacterReading | null>>): Array<Array<CharacterReading | null>> {
  const kinds = positionKinds(format);
  const own: Template[] = [];
  const { lines } = decode(format, readings);
  const confirmed = lines.map((line) => new Array<boolean>(line.length).fill(false));
  // A digit field (a date) whose check digit agrees confirms each of its characters, clear or not.
  // Alphanumeric fields confirm nothing: two O/0 swaps at weights 7 and 3 leave a check digit intact.
  for (const field of checkedFields(format, lines)) {
    const line = lines[field.line]!;
    const value = line.slice(field.start, field.end);
    if (kinds[field.line]![field.start] !== 'D' || checkDigit(value) !== line[field.check]) continue;
    for (let k = field.start; k < field.end; k++) confirmed[field.line]![k] = true;
    confirmed[field.line]![field.check] = true;
  }
  readings.forEach((line, l) =>
    line.forEach((reading, k) => {
      const kind = kinds[l]![k]!;
      if (!reading) return;
      const allowed = reading.ranked.filter((r) => ALLOWED[kind].includes(r.char));
      if (confirmed[l]![k] || ((kind === 'D' || kind === 'A') && clearlyFirst(allowed))) own.push({ char: lines[l]![k]!, vector: reading.print });
    }),
  );
  // How far apart two prints of one character lie in this document (noise, blur, sub-pixel shifts).
  const spread = own
    .filter((t) => t.char !== '<')
    .flatMap((t, i, prints) => {
      const others = prints.filter((u, j) => j !== i && u.char === t.char);
      return others.length ? [classify(t.vector, others).ranked[0]!.distance] : [];
    })
    .sort((x, y) => x - y);
  if (spread.length < 5) return readings;
  const tolerance = Math.max(1, 2 * spread[Math.floor(spread.length * 0.9)]!);
  return readings.map((line, l) =>
    line.map((reading, k) => {
      if (!reading || kinds[l]![k] !== 'N') return reading;
      const distance = new Map(reading.ranked.map((r) => [r.char, r.distance]));
      const mine = classify(reading.print, own).ranked;
      // Only a print that matches (within the document's noise) says anything about this glyph.
      for (const r of mine) if (r.distance <= tolerance) distance.set(r.char, Math.min(distance.get(r.char) ?? Infinity, r.distance));
      const ranked = [...distance].map(([char, d]) => ({ char, distance: d })).sort((x, y) => x.distance - y.distance);
      // The fonts and this document's own prints disagree (a font's O can be another's 0): the
      // document's print goes first, tied with the fonts' choice, for the check digits to settle.
      const fontChoice = reading.ranked[0]!;
      const ownChoice = mine[0]!;
      if (ownChoice.char !== fontChoice.char && ownChoice.distance <= tolerance) {
        const tied = Math.min(ownChoice.distance, fontChoice.distance);
        const rest = ranked.filter((r) => r.char !== ownChoice.char && r.char !== fontChoice.char);
        return { ...reading, ranked: [{ char: ownChoice.char, distance: tied }, { char: fontChoice.char, distance: tied }, ...rest] };
      }
      return { ...reading, ranked };
    }),
  );
}

function decode(format: MrzFormatName, readings: Array<Array<CharacterReading | null>>): Pick<GlyphRead, 'lines' | 'confidence' | 'guessed'> {
  const kinds = positionKinds(format);
  let clear = 0;
  let total = 0;
  let guessed = false;
  const lines = readings.map((line, l) =>
    line
      .map((reading, k) => {
        total++;
        const kind = kinds[l]![k]!;
        if (!reading) {
          if (kind === 'D') guessed = true;
          return '<';
        }
        const allowed = reading.ranked.filter((r) => ALLOWED[kind].includes(r.char));
        const first = allowed[0];
        if (clearlyFirst(allowed)) clear++;
        return first!.char;
      })
      .join(''),
  );
  return { lines, confidence: total ? Number((clear / total).toFixed(3)) : 0, guessed };
}

/**
 * Where check digits disagree, glyphs the reader found ambiguous (a second character nearly as
 * close) are read as their runner-up, up to three at a time; so are O and 0 in alphanumeric fields
 * (the one pair many fonts print alike) even when they looked clear. A reading is taken only when
 * every check digit, the composite included, then agrees, and only if it is the one such reading
 * with the fewest changes. Any other clearly printed character is never changed that way, so a
 * forged digit stays forged; a reading that swapped O and 0 is a guess, and goes to an analyst.
 */
export function resolveAmbiguities(format: MrzFormatName, readings: RankedReadings, lines: string[]): { lines: string[]; guessed: boolean } {
  const all = checkDigitCount(format, lines);
  if (validCheckDigits(format, lines) === all) return { lines, guessed: false };
  const kinds = positionKinds(format);
  // Every position a check digit covers, or stands at, with the check digits it bears on (a mask of
  // `relations`): fields only the composite covers (a card's optional data) may be settled by it too.
  const relations = checkRelations(format, lines);
  const bearsOn = new Map<string, number>();
  relations.forEach(({ ranges, line, index }, r) => {
    const mark = (l: number, k: number) => bearsOn.set(`${l}:${k}`, (bearsOn.get(`${l}:${k}`) ?? 0) | (1 << r));
    mark(line, index);
    for (const [l, start, end] of ranges) for (let k = start; k < end; k++) mark(l, k);
  });
  type Option = { line: number; index: number; chars: string[]; touches: number };
  const ambiguous: Option[] = [];
  const lookAlike: Option[] = [];
  for (const [key, touches] of bearsOn) {
    const [line, index] = key.split(':').map(Number) as [number, number];
    const reading = readings[line]![index];
    if (!reading) continue;
    const kind = kinds[line]![index]!;
    const allowed = reading.ranked.filter((r) => ALLOWED[kind].includes(r.char));
    if (!clearlyFirst(allowed)) {
      const limit = 1.5 * allowed[0]!.distance + 0.5;
      const chars = allowed.slice(1, 3).filter((r) => r.distance < limit).map((r) => r.char);
      if (chars.length) ambiguous.push({ line, index, chars, touches });
    } else if (kind === 'N' && (allowed[0]!.char === 'O' || allowed[0]!.char === '0')) {
      lookAlike.push({ line, index, chars: [allowed[0]!.char === 'O' ? '0' : 'O'], touches });
    }
  }
  // The fewest changes that make every check digit agree, an O/0 swap counted as one like any other:
  // two unsure positions read as their runners-up are a further reach than one O read as 0 (a
  // French card's `K682T8YLO`, whose 8s a soft photo's glyphs read as 0: `K602T0YL0` agrees too).
  const options = [...ambiguous, ...lookAlike];
  // A check digit that disagrees must bear on a changed position to come to agree, and one that
  // agrees and bears on none still does: only the check digits a change set touches are worked out
  // again (a soft photo's fifty unclear positions make some 150,000 sets of three).
  const disagreeing = relations.reduce((mask, relation, r) => (checkAgrees(relation, lines) ? mask : mask | (1 << r)), 0);
  const attempt = lines.map((l) => [...l]);
  for (let changes = 1; changes <= Math.min(3, options.length); changes++) {
    const solutions: string[][] = [];
    const search = (from: number, left: number, touched: number) => {
      if (left === 0) {
        if (disagreeing & ~touched) return;
        const candidate = attempt.map((l) => l.join(''));
        if (relations.every((relation, r) => !(touched & (1 << r)) || checkAgrees(relation, candidate))) solutions.push(candidate);
        return;
      }
      for (let i = from; i < options.length; i++) {
        const { line, index, chars, touches } = options[i]!;
        const original = attempt[line]![index]!;
        for (const char of chars) {
          attempt[line]![index] = char;
          search(i + 1, left - 1, touched | touches);
        }
        attempt[line]![index] = original;
      }
    };
    search(0, changes, 0);
    if (solutions.length > 1) break;
    const [solution] = solutions;
    // A clear O read as 0 (or 0 as O) is a guess: the document goes to an analyst.
    if (solution) return { lines: solution, guessed: lookAlike.some(({ line, index }) => solution[line]![index] !== lines[line]![index]) };
  }
  return { lines, guessed: false };
}

/** Digits printed like letters in OCR-B and common fonts. */
const DIGIT_LOOK_ALIKE: Record<string, string> = { '0': 'O', '1': 'I', '5': 'S', '8': 'B', '2': 'Z', '6': 'G' };

/**
 * A document number's O among digits is a 0. Issuers leave the letter O out of their numbers beside
 * digits (it prints as 0 does); where a number holds it, it stands among letters (a French card's
 * `K682T8YLO`). Small print's 0 reads as O now and then, and the check digits cannot always tell:
 * O counts 24, so three Os for 0s at weights 7, 1 and 7 change the sum by 360 (`XX0O0OO0` agreed
 * with its check digit and the composite). Each run of 0s and Os in the number that holds a 0, or
 * touches another digit, is read as 0s — unless that makes a check digit that agreed disagree.
 */
export function zerosAmongDigits(format: MrzFormatName, lines: string[]): string[] {
  const [line, start, end] = NUMBER_FIELD[format];
  const number = lines[line]?.slice(start, end);
  if (!number?.includes('O')) return lines;
  const zeroed = number.replace(/[0O]+/g, (run, at: number) => (/\d/.test((number[at - 1] ?? '') + run + (number[at + run.length] ?? '')) ? run.replace(/O/g, '0') : run));
  if (zeroed === number) return lines;
  const changed = lines.map((l, i) => (i === line ? l.slice(0, start) + zeroed + l.slice(end) : l));
  const breaks = checkRelations(format, lines).some((relation) => checkAgrees(relation, lines) && !checkAgrees(relation, changed));
  return breaks ? lines : changed;
}

/** Letters OCR confuses in MRZ print (each group), for telling a misread code from a printed one. */
const LETTER_LOOK_ALIKES = ['OQDC', 'CG', 'IL', 'UV', 'MNWH', 'EF', 'PR', 'KX', 'BD'];

/** Two codes that differ in one position, by letters of one look-alike group. */
export function oneLookAlikeApart(a: string, b: string): boolean {
  const differing = [...a].flatMap((char, i) => (char === b[i] ? [] : [[char, b[i]!]]));
  return differing.length === 1 && LETTER_LOOK_ALIKES.some((group) => group.includes(differing[0]![0]!) && group.includes(differing[0]![1]!));
}

/** The known state codes one look-alike letter away from a code (`oneLookAlikeApart`). */
export function lookAlikeCodes(code: string): string[] {
  const near = new Set<string>();
  [...code].forEach((char, i) => {
    for (const group of LETTER_LOOK_ALIKES) {
      if (!group.includes(char)) continue;
      for (const other of group) {
        const changed = code.slice(0, i) + other + code.slice(i + 1);
        if (other !== char && isStateCode(changed)) near.add(changed);
      }
    }
  });
  return [...near];
}

/** The first character of the document code (ICAO 9303): passports and visas, cards. */
const DOCUMENT_CODES: Record<MrzFormatName, string> = { TD3: 'PV', TD2: 'IACPV', TD1: 'IAC' };

/**
 * What the MRZ's structure says where no check digit does: the document code's first letter; a
 * country code must be a known code (the nearest known one by the glyphs' distances); a name ends
 * where filler starts (after `<<<` only filler follows); an empty personal number (`<` check digit)
 * is all filler. Security printing crossing a `<` can make it look like an X; these rules undo that.
 */
export function applyStructure(format: MrzFormatName, readings: RankedReadings, lines: string[], { keepClearCodes = false } = {}): string[] {
  const chars = lines.map((line) => [...line]);
  const first = readings[0]![0];
  if (first && !DOCUMENT_CODES[format].includes(chars[0]![0]!)) {
    const code = first.ranked.find((r) => DOCUMENT_CODES[format].includes(r.char));
    if (code) chars[0]![0] = code.char;
  }
  // The codes read as printed: a known code, or a reader sure of every character (real documents
  // print codes outside the list: BDR, D<<, SI<, old two-letter codes, digits). A digit that reads
  // as a known code's letter is that letter (UT0 is UTO, 6BR is GBR).
  const lettered = (line: number, start: number) => chars[line]!.slice(start, start + 3).map((c) => DIGIT_LOOK_ALIKE[c] ?? c);
  const kept = STATE_POSITIONS[format].map(([line, start]) => {
    const read = chars[line]!.slice(start, start + 3).join('');
    if (isStateCode(read)) return true;
    const letters = lettered(line, start);
    if (isStateCode(letters.join(''))) {
      chars[line]!.splice(start, 3, ...letters);
      return true;
    }
    // Three digits (a Romanian card's nationality 132) are no letter code misread: they stay.
    return /^\d{3}$/.test(read) || (keepClearCodes && [0, 1, 2].every((i) => clearlyFirst(readings[line]![start + i]?.ranked ?? [])));
  });
  // A code kept only because the reader was sure of it, one look-alike letter away from the other
  // code, a known one, is that code (QAT read OAT above QAT): the two are mostly one code. Else, one
  // look-alike letter away from a single known code, it is that code (both QAT read OAT; Germany's
  // D<< read B<< or O<<): of the codes the shared set prints outside the list (BDR, COU, INP, SI<,
  // 132) none lies so near a known one.
  const code = (line: number, start: number) => chars[line]!.slice(start, start + 3).join('');
  // The other code than the one at position p, when it is a listed one.
  const listedOther = (p: number) => STATE_POSITIONS[format].map(([l, s]) => code(l, s)).find((other, q) => q !== p && isStateCode(other));
  // The single listed code one look-alike letter from the code read, taken where there is one.
  const toLookAlike = (line: number, start: number) => {
    const near = lookAlikeCodes(code(line, start));
    if (near.length === 1) chars[line]!.splice(start, 3, ...near[0]!);
  };
  for (const [p, [line, start]] of STATE_POSITIONS[format].entries()) {
    if (!kept[p] || isStateCode(code(line, start))) continue;
    const other = listedOther(p);
    if (other && oneLookAlikeApart(code(line, start), other)) chars[line]!.splice(start, 3, ...other);
    else toLookAlike(line, start);
  }
  for (const [p, [line, start]] of STATE_POSITIONS[format].entries()) {
    if (kept[p]) continue;
    // Issuing state and nationality are mostly one code: one read as the other, kept, code is that
    // code (SI< printed clearly below, 51< above), though outside the list.
    const letters = lettered(line, start).join('');
    if (STATE_POSITIONS[format].some(([other, from], q) => kept[q] && lettered(other, from).join('') === letters)) {
      chars[line]!.splice(start, 3, ...letters);
      continue;
    }
    // Read one letter from the other code, a listed one, it is that code (USR under USA, CAV beside CAN).
    const listed = listedOther(p);
    if (listed && [...letters].filter((char, i) => char !== listed[i]).length === 1) {
      chars[line]!.splice(start, 3, ...listed);
      continue;
    }
    // A letter read clearly stays: the code is sought among the unclear positions' look-alikes (a
    // specimen's COU, outside the list, its O unclear, is not COL for a far fourth choice of its clear U).
    const options = [0, 1, 2].map((i) => {
      const ranked = (readings[line]![start + i]?.ranked ?? []).filter((r) => /[A-Z<]/.test(r.char));
      return clearlyFirst(ranked) && ranked[0]!.char === chars[line]![start + i] ? ranked.slice(0, 1) : ranked.slice(0, 4);
    });
    let best: { code: string; cost: number } | null = null;
    for (const a of options[0]!) {
      for (const b of options[1]!) {
        for (const c of options[2]!) {
          const code = a.char + b.char + c.char;
          const cost = a.distance + b.distance + c.distance;
          if (isStateCode(code) && (!best || cost < best.cost)) best = { code, cost };
        }
      }
    }
    // None there: a code one look-alike letter from a single known code is that code, however clear
    // the letter (NLB, its B read clearly, is NLD), as a kept code is above.
    if (best) chars[line]!.splice(start, 3, ...best.code);
    else toLookAlike(line, start);
  }
  // Codes outside the list are letters, or digits throughout (an old card's numeric "132"): a code
  // of letters with a digit among them (a specimen's COU read C0U) holds that digit's look-alike letter.
  for (const [line, start] of STATE_POSITIONS[format]) {
    const read = code(line, start);
    if (/[A-Z]/.test(read) && /\d/.test(read)) chars[line]!.splice(start, 3, ...lettered(line, start));
  }
  const [nameLine, nameStart] = NAME_FIELD[format];
  // Each step may open the way for another (a letter taken as filler leaves the names without their
  // separator, which is then sought): the name field is tidied until it holds still.
  for (let pass = 0; pass < NAME_PASSES; pass++) {
    const before = chars[nameLine]!.join('');
    tidyNames(chars[nameLine]!, readings[nameLine]!, nameStart);
    if (chars[nameLine]!.join('') === before) break;
  }
  // An empty personal number (its check digit filler) is all filler; a visa has no personal number there.
  if (format === 'TD3' && chars[1]![42] === '<' && !isVisa(format, [chars[0]!.join('')])) chars[1]!.fill('<', 28, 42);
  return chars.map((line) => line.join(''));
}

/** How many times at most the name field's tidying steps are run in turn (`applyStructure`). */
const NAME_PASSES = 3;

/**
 * The name field's structure (from `start` in `line`, changed in place): filler read as letters, the
 * surname separator and the separators between words where a chevron was read as a letter.
 */
function tidyNames(line: string[], readings: RankedReadings[number], start: number): void {
  // No name has a letter three times in a row, nor three soft C/E/K in a row: such a run is filler
  // whose chevrons read as letters ("VZORCCCCCCCC", "OESPCEECC") — or, with a name after it, the
  // surname separator and the name's first letter ("LINCCCHIEN": '<<' where a chevron is likelier).
  const names = chevronsReadAsC(line, readings, start);
  const nameField = line.slice(start).join('');
  for (const [from, to] of chevronRuns(nameField, names, start)) {
    const after = nameField.slice(to - start);
    // A name follows when the next word has two letters a chevron is not read as ("CHIEN"; not "CECRCCC").
    const word = /^[A-Z]*/.exec(after)![0];
    if ([...word].filter((char) => !CHEVRON_LOOK_ALIKES.includes(char)).length < 2) {
      line.fill('<', from, to);
      continue;
    }
    let pair = from;
    const cost = (k: number) => chevronCostAt(names, k) + chevronCostAt(names, k + 1);
    for (let k = from + 1; k + 1 < to; k++) if (cost(k) < cost(pair)) pair = k;
    line.fill('<', pair, pair + 2);
  }
  // The filler after the names: from the last '<' that only chevrons and letters read from them follow.
  line.fill('<', fillerTail(line, names, start));
  separateNames(line, names, start);
  separateWords(line, names, start);
  const field = line.slice(start).join('');
  const fillerFrom = field.indexOf('<<<');
  if (fillerFrom >= 0) line.fill('<', start + fillerFrom);
  // '<<' ends the names after the surname's: what follows is filler, and a letter or two there
  // among fillers is a misread chevron ("ERIKA<<S<<<").
  const separator = field.indexOf('<<');
  const end = separator >= 0 ? field.indexOf('<<', separator + 2) : -1;
  if (end >= 0 && /^<*(?:[A-Z0-9]{1,2}<+)*[A-Z0-9]{0,2}$/.test(field.slice(end))) line.fill('<', start + end);
}

/**
 * Where a name field holds chevrons read as letters, from..to in the line: runs of one letter three
 * times or more, and runs of three or more soft chevrons (C, E, K, mixed: "CEECCCEC"). Runs that
 * touch are one.
 */
function chevronRuns(field: string, readings: RankedReadings[number], start: number): Array<[number, number]> {
  const marked = new Array<boolean>(field.length).fill(false);
  for (const run of field.matchAll(/([A-Z])\1{2,}/g)) marked.fill(true, run.index, run.index + run[0].length);
  const soft = [...field].map((char, i) => softChevron(char, readings, start + i));
  for (const [from, to] of runsOf(soft)) if (to - from >= 3) marked.fill(true, from, to);
  return runsOf(marked).map(([from, to]) => [start + from, start + to]);
}

/** The maximal runs of true in `flags`, from..to. */
function runsOf(flags: boolean[]): Array<[number, number]> {
  const runs: Array<[number, number]> = [];
  for (let k = 0; k < flags.length; k++) {
    if (!flags[k]) continue;
    const from = k;
    while (flags[k + 1]) k++;
    runs.push([from, k + 1]);
  }
  return runs;
}

/**
 * A letter a soft chevron is read as (C, E, K) where the readers saw a trace of a chevron, '<' within
 * `reach` of it — a name printed clearly ("BECKER") has none in its letters.
 */
const softChevron = (char: string, readings: RankedReadings[number], k: number, reach = SURE_SEPARATOR_REACH) =>
  CHEVRON_LOOK_ALIKES.includes(char) && chevronCostAt(readings, k) < reach;

/**
 * Where the filler at the end of a name field starts: the first '<' from which only chevrons and
 * soft chevrons follow ("OESP<<C<<<", "VZOR<E<C<<EE<<<") — and, before it, at most
 * TRAILING_CHEVRONS C/E/K ending the last name where a chevron was nearly as likely (within
 * SEPARATOR_REACH: "SARAHC<<<", "BIRUTECC<<<", a chevron read as a letter right where the filler
 * begins). A name's own last letter has a fainter trace of a chevron if any ("CHRISTOPHE" in a
 * blurred photo: 2.4–2.6; the misread chevrons: 0.1–1.3) and stays.
 */
function fillerTail(line: string[], readings: RankedReadings[number], start: number): number {
  let from = line.length;
  while (from > start && (line[from - 1] === '<' || softChevron(line[from - 1]!, readings, from - 1))) from--;
  while (from < line.length && line[from] !== '<') from++;
  let letters = 0;
  while (letters < TRAILING_CHEVRONS && from - 1 > start && line[from - 2] !== '<' && softChevron(line[from - 1]!, readings, from - 1, SEPARATOR_REACH)) {
    from--;
    letters++;
  }
  return from;
}

/** How many soft chevrons ending a name field's last name may be filler. */
const TRAILING_CHEVRONS = 2;

/**
 * A name field holds its surname separator '<<' before the filler. When none was read, a chevron of
 * it was read as a letter (a soft photo's '<' reads as C, K or E, even to both models, and surely):
 * - an unclear character next to a '<' that is likeliest a '<';
 * - else a letter next to a '<', or two letters in a row ("SPECIMENCCVZOR"; or a C, E or K and a
 *   letter whose '<' lies within SEPARATOR_REACH: a red stamp over "KAABI<<ALI" read "KAABICAALI"),
 *   that '<' is nearest to.
 * A holder with one name only has no separator, so a letter stays a letter unless '<' was among its
 * readings at all (a well-printed C next to a '<' has no chevron in it: "DE<CASTRO").
 */
function separateNames(line: string[], readings: RankedReadings[number], start: number): void {
  const names = namesOf(line, start);
  if (names.includes('<<')) return;
  const cost = (at: number[]) => at.reduce((sum, k) => sum + chevronCostAt(readings, k), 0);
  // Unclear characters first; letters read clearly only when no unclear one will do.
  const unclear: number[][] = [];
  const sure: number[][] = [];
  for (let k = start + 1; k < start + names.length; k++) {
    if (line[k] === '<') continue;
    const byChevron = line[k - 1] === '<' || line[k + 1] === '<';
    const ranked = readings[k]?.ranked;
    if (byChevron && ranked && !clearlyFirst(ranked) && cost([k]) < SEPARATOR_REACH) unclear.push([k]);
    if (!CHEVRON_LOOK_ALIKES.includes(line[k]!)) continue;
    if (byChevron) sure.push([k]);
    else if (k + 1 < start + names.length && line[k + 2] !== '<' && (CHEVRON_LOOK_ALIKES.includes(line[k + 1]!) || chevronCostAt(readings, k + 1) < SEPARATOR_REACH)) sure.push([k, k + 1]);
  }
  const cheapest = (candidates: number[][]) => candidates.reduce<number[] | null>((best, at) => (!best || cost(at) < cost(best) ? at : best), null);
  const separator = cheapest(unclear) ?? cheapest(sure.filter((at) => cost(at) < at.length * SURE_SEPARATOR_REACH));
  for (const k of separator ?? []) line[k] = '<';
}

/** The names of a name field starting at `start`: what comes before its first run of filler ('<<<'). */
function namesOf(line: string[], start: number): string {
  const field = line.slice(start).join('');
  const fillerFrom = field.indexOf('<<<');
  return fillerFrom >= 0 ? field.slice(0, fillerFrom) : field;
}

/**
 * A name of several words ("CHIEN<SHENG", "LOES<ALBERTINE") has a single '<' between them, which a
 * soft photo reads as C, E or K (now and then as another letter): such a letter between two words
 * of two letters or more, where the readers saw a '<' nearly as likely (a letter of a name printed
 * clearly has '<' 3–4.6 behind it; the separators read as C on the photo sets 0.6–0.9), is that '<'.
 */
function separateWords(line: string[], readings: RankedReadings[number], start: number): void {
  const end = start + namesOf(line, start).length;
  const letter = (k: number) => k >= start && k < end && /[A-Z]/.test(line[k]!);
  for (let k = start + 2; k < end - 2; k++) {
    if (!letter(k)) continue;
    const reach = CHEVRON_LOOK_ALIKES.includes(line[k]!) ? WORD_SEPARATOR_REACH : EVEN_REACH;
    if (chevronCostAt(readings, k) >= reach) continue;
    if ([k - 2, k - 1, k + 1, k + 2].every(letter)) line[k] = '<';
  }
}

/** How much less likely than the letter read a '<' may be and still be taken as the separator of two words. */
const WORD_SEPARATOR_REACH = 1.2;
/**
 * The same for other letters: a '<' about as likely as the letter ("ALSKAABI", S 0.3 ahead) — closer
 * than where the fusion puts a '<' only one reader chose (0.4 behind at least, `fuse`): a photo's
 * "AEVARSDOTTIR", its T read surely by PaddleOCR and as '<' by the cell reader, stays.
 */
const EVEN_REACH = 0.35;

/**
 * A soft photo's readers may read every chevron as a C, '<' hardly nearer than behind any letter
 * (3.5–4.5 where a letter sits at 4.6): the filler reads "CCCCECCCC", and the surname separator "CC"
 * ("KOWALSXACCANNA", its '<'s 3.6 and 4.4 behind). Where runs of C, E, K and '<' four long or more
 * (filler, not a name's "ECKE") hold CHEVRONS_AS_C Cs or more, every C of the name field is taken as
 * a soft chevron, '<' at most READ_AS_C_COST behind it: within the reach of runs of soft chevrons and
 * of a separator read as two letters, not of a lone separator between words (a name's own C stays:
 * "MICHAEL"). The readings themselves are left as read.
 */
function chevronsReadAsC(line: string[], readings: RankedReadings[number], start: number): RankedReadings[number] {
  const filler = line.slice(start).join('').match(FILLER_READ_AS_LETTERS) ?? [];
  if ([...filler.join('')].filter((char) => char === 'C').length < CHEVRONS_AS_C) return readings;
  return readings.map((reading, k) => {
    if (!reading || k < start || line[k] !== 'C' || chevronCostAt(readings, k) <= READ_AS_C_COST) return reading;
    const ranked = reading.ranked.filter((r) => r.char !== '<');
    ranked.push({ char: '<', distance: ranked[0]!.distance + READ_AS_C_COST });
    return { ...reading, ranked: ranked.sort((a, b) => a.distance - b.distance) };
  });
}

/** How many Cs in a name field's filler-like runs show its readers read chevrons as C. */
const CHEVRONS_AS_C = 4;
/** How far behind a C its '<' is taken to be where the readers read chevrons as C. */
const READ_AS_C_COST = 3;

/** How much less likely than the character read a '<' is at position `k` of a line. */
function chevronCostAt(readings: RankedReadings[number], k: number): number {
  const ranked = readings[k]?.ranked;
  const chevron = ranked?.find((r) => r.char === '<');
  return ranked && chevron ? chevron.distance - ranked[0]!.distance : Infinity;
}

/** How much less likely than the character read a '<' may be and still be taken as the surname separator. */
const SEPARATOR_REACH = 1.5;
/**
 * The same, per character, for the letters a chevron is read as when they were read clearly (a
 * letter with no trace of a chevron in any reader's view sits at about 4.6).
 */
const SURE_SEPARATOR_REACH = 3.75;
/** What a soft chevron is read as. */
const CHEVRON_LOOK_ALIKES = 'CEK';
/** Runs of chevrons and the letters they are read as, four long or more: filler, not a name's "ECKE". */
const FILLER_READ_AS_LETTERS = new RegExp(`[${CHEVRON_LOOK_ALIKES}<]{4,}`, 'g');

/** Minimum glyph size considered (pixels) and the scale small images are brought up to. */
function workingScale(image: Image): number {
  if (image.width < 900) return Math.min(3, 1200 / image.width);
  return Math.min(1, 1800 / image.width);
}

type Binarisation = 'global' | 'darkest' | 'adaptive';

function componentsOf(grey: Grey, binarisation: Binarisation): { labels: Int32Array; components: Component[] } {
  const mask = binarisation === 'global' ? inkMask(grey) : binarisation === 'darkest' ? inkMask(grey, darkestThreshold(grey.data)) : adaptiveInkMask(grey);
  const { labels, components } = connectedComponents(mask, grey.width, grey.height);
  const plausible = components.filter((c) => c.area >= 4 && heightOf(c) >= 5 && heightOf(c) <= grey.height / 3 && widthOf(c) <= 4 * heightOf(c));
  return { labels, components: plausible };
}

/**
 * Reads the MRZ of a document image glyph by glyph: the bottom of the page first, then the whole
 * page; one global threshold first, a local one (shadows, uneven light) if that finds nothing.
 * Null when no MRZ-shaped lines are found. The work is CPU-bound and runs on the caller's thread,
 * so it yields to the event loop between steps (no step takes more than a few tens of
 * milliseconds on a document photo).
 */
export async function readMrzGlyphs(image: Image, { band = false } = {}): Promise<GlyphRead | null> {
  await prepareGlyphTemplates();
  const scale = workingScale(image);
  // [share of the page skipped from the top, threshold, turn in degrees]: the likely cases first;
  // upside-down and sideways photos only when the page read as it is has no MRZ. A `band` (the MRZ
  // cut out straight, level along its lines) is all MRZ and lies along its lines: no share of it is
  // skipped and it is never sideways.
  const attempts: Array<[number, Binarisation, number]> = band
    ? [[0, 'global', 0], [0, 'darkest', 0], [0, 'adaptive', 0], [0, 'global', 180]]
    : [[0.45, 'global', 0], [0.45, 'darkest', 0], [0.45, 'adaptive', 0], [0, 'global', 0], [0, 'adaptive', 0], [0, 'global', 180], [0, 'global', 90], [0, 'global', -90]];
  let fallback: { read: GlyphRead; agreeing: number } | null = null;
  for (const [share, binarisation, turn] of attempts) {
    const top = Math.floor(image.height * share);
    let grey = greyCrop(image, { top, scale, rotation: turn });
    await tick();
    let { labels, components } = componentsOf(grey, binarisation);
    await tick();
    if (components.length < 20) continue;
    const rowHeight = median(components.map(heightOf));
    const skew = estimateSkew(components, rowHeight);
    if (Math.abs(skew) >= 0.2) {
      grey = greyCrop(image, { top, scale, rotation: turn + skew });
      await tick();
      ({ labels, components } = componentsOf(grey, binarisation));
      await tick();
    }
    const mrz = locateMrz(components);
    // Lines whose glyphs could not all be given a position (touching glyphs of a proportional
    // font) are no read: their unchecked fields (names) may be shifted even where check digits agree.
    if (!mrz || !mrz.lines.every((line) => line.fitted)) continue;
    const raw: Array<Array<CharacterReading | null>> = [];
    for (const line of mrz.lines) {
      const row: Array<CharacterReading | null> = [];
      for (const cell of line.cells) {
        row.push(readCell(cell, labels, grey.width, line.ref));
        if (row.length % 10 === 0) await tick();
      }
      raw.push(row);
    }
    const readings = calibrate(mrz.format, raw);
    const decoded = decode(mrz.format, readings);
    const complete = readings.every((line) => line.every((reading) => reading !== null));
    const structured = applyStructure(mrz.format, readings, decoded.lines);
    const { lines, guessed: swapped } = resolveAmbiguities(mrz.format, readings, structured);
    // A digit chosen by the check digits rather than by its shape is a guess (see repairMrzWithCertainty).
    const kinds = positionKinds(mrz.format);
    const digitChanged = lines.some((line, l) => [...line].some((char, k) => char !== structured[l]![k] && (kinds[l]![k] === 'D' || kinds[l]![k] === 'C')));
    const read: GlyphRead = { format: mrz.format, readings, skew: turn + skew, complete, ...decoded, guessed: decoded.guessed || digitChanged || swapped, lines };
    // Text that merely looks like an MRZ (an upside-down one, a ruled form) agrees with almost no
    // check digit; even a forged MRZ keeps at least two. Otherwise the next attempt may do better.
    const agreeing = validCheckDigits(mrz.format, lines);
    if (agreeing >= 2) return read;
    if (!fallback || agreeing > fallback.agreeing || (agreeing === fallback.agreeing && read.confidence > fallback.read.confidence)) fallback = { read, agreeing };
  }
  return fallback?.read ?? null;
}
