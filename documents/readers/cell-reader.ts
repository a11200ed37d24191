import { setImmediate as tick } from 'node:timers/promises';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCanvas, GlobalFonts, loadImage, type Image } from '@napi-rs/canvas';
import { ALLOWED, MRZ_ALPHABET, positionKinds, type MrzFormatName } from '../mrz/layout';
import type { RecognisedChar, RecognisedLine } from './ctc';
import { greyCrop } from './raster';
import { writeFileWhole } from '../../lib/files';

/**
 * The cell reader: a reader for MRZ print a few pixels high, where PaddleOCR's recognisers (trained
 * on larger text) misread most. A character cell — 12 × 20 samples over 1.2 × 2 character pitches —
 * is projected onto its linear discriminants and there classified by each class's own spread
 * (quadratic discriminants) into the 37 MRZ characters or a blank; the classes
 * are learnt at first use from lines rendered in OCR-B, the MRZ's font (Debian's `fonts-ocr-b`),
 * degraded as a phone photo degrades print (blur, weight, light, noise, JPEG), so no weights are
 * stored or downloaded. A line is read by a Viterbi pass over character centres: each next centre
 * 0.88–1.12 pitches on, a blank before the first and after the last, the ICAO position classes as
 * the grammar. Without the font the reader is absent and the others read alone.
 * Measured in docs/decisions.md ("Photos, part 13", "part 14" and "part 22").
 */

/** The classes: the MRZ alphabet, then a blank cell (paper between or beside the characters). */
const CLASSES = `${MRZ_ALPHABET} `;
const K = CLASSES.length;
const BLANK = K - 1;
/** The filler '<', never a line's first character. */
const FILLER = MRZ_ALPHABET.indexOf('<');
/** A cell's samples across and down: over 1.2 pitches and 2 pitches (a character and its margins). */
const CW = 12;
const CH = 20;
const D = CW * CH;
/** Sample spacing in pitches, across and down. */
const SX = 1.2 / CW;
const SY = 2 / CH;
/** Lines rendered to learn from, and their seed (each learning on a machine gives the same model). */
const TRAINING_LINES = 800;
const TRAINING_SEED = 1;
/** Share of the within-class covariance replaced by its mean variance (the estimate's shrinkage). */
const SHRINK = 0.15;
/**
 * Each class's covariance in the projected space is shrunk this far towards the pooled one (the
 * identity there). decisions.md, "Photos, part 22".
 */
const CLASS_SHRINK = 0.1;
/** How far (in pitches) a training cell's centre may lie above or below its line's. */
const VERTICAL_SLACK = 0.12;
/** Bumped whenever training changes, so that no older cached model is read. */
const MODEL_VERSION = 4;

/** Where Debian's `fonts-ocr-b` installs OCR-B (regular and the MRZ's "S" cut). */
const FONT_DIRS = ['/usr/share/fonts/opentype/ocr-b', '/usr/share/fonts/truetype/ocr-b'];
const FONT_FILES = ['OCRB.otf', 'OCRBS.otf'];

/** A greyscale raster (0 black .. 255 white): an image's (raster.ts's Grey) or a render's in floating point. */
interface Raster {
  width: number;
  height: number;
  data: Float32Array | Uint8Array;
}

/**
 * The learnt classifier: cells projected onto the discriminant directions, and there each class's
 * mean and its own spread (quadratic discriminants).
 */
export interface CellModel {
  dims: number;
  /** dims × D projection. */
  projection: Float32Array;
  /** Mean cell (D). */
  mean: Float32Array;
  /** K × dims class means in the projected space. */
  means: Float32Array;
  /**
   * K × dims × dims: per class, the inverse of its covariance's Cholesky factor in the projected
   * space (lower triangular), so that a cell's squared distance to the class is |spread · (y − mean)|².
   */
  spreads: Float32Array;
  /** K: per class, the log-determinant of its covariance (added to the distance: a −2 log-likelihood). */
  logDets: Float32Array;
}

/** A line's place on the raster: its first cell's left edge, pitch, centre height, paper and ink levels. */
interface Geometry {
  x0: number;
  pitch: number;
  cy: number;
  paper: number;
  ink: number;
}

// ---------------------------------------------------------------------------------------------
// Rasters and cells

/** The largest integer not above x (Math.floor, without a call: see `blurred`). */
const floor = (x: number) => {
  const t = x | 0;
  return t > x ? t - 1 : t;
};
const clamp = (v: number, lo: number, hi: number) => (v < lo ? lo : v > hi ? hi : v);

function bilinear(r: Raster, x: number, y: number): number {
  const x0 = floor(x);
  const y0 = floor(y);
  const fx = x - x0;
  const fy = y - y0;
  const xa = clamp(x0, 0, r.width - 1);
  const xb = clamp(x0 + 1, 0, r.width - 1);
  const ya = clamp(y0, 0, r.height - 1);
  const yb = clamp(y0 + 1, 0, r.height - 1);
  const d = r.data;
  return (d[ya * r.width + xa]! * (1 - fx) + d[ya * r.width + xb]! * fx) * (1 - fy) + (d[yb * r.width + xa]! * (1 - fx) + d[yb * r.width + xb]! * fx) * fy;
}

/** The mean of 3 × 3 bilinear samples over one sample's area (a box filter at the cell's scale). */
function sample(r: Raster, x: number, y: number, sx: number, sy: number): number {
  let a = 0;
  for (let j = -1; j <= 1; j++) for (let i = -1; i <= 1; i++) a += bilinear(r, x + (i * sx) / 3, y + (j * sy) / 3);
  return a / 9;
}

/** Ink from paper (0) to ink (1), a little beyond either allowed. */
const inkOf = (value: number, geo: Geometry) => {
  const v = (geo.paper - value) / (geo.paper - geo.ink || 1);
  return v < -0.3 ? -0.3 : v > 1.3 ? 1.3 : v;
};

/** The cell of character `i` of a line (training: the renders' true geometry). */
function cellAt(r: Raster, geo: Geometry, i: number, out: Float32Array): Float32Array {
  const p = geo.pitch;
  const cx = geo.x0 + (i + 0.5) * p;
  let n = 0;
  for (let v = 0; v < CH; v++) {
    for (let u = 0; u < CW; u++) out[n++] = inkOf(sample(r, cx + (-0.6 + (u + 0.5) * SX) * p, geo.cy + (-1 + (v + 0.5) * SY) * p, SX * p, SY * p), geo);
  }
  return out;
}

/**
 * A line's cells sampled once: STEPS columns per pitch, CH rows; the cell centred on column c is
 * columns c − 11, c − 9 … c + 11 (every other one: the cell samples SX = 2 / STEPS apart) — the same
 * samples `cellAt` takes there.
 */
const STEPS = 20;
function strip(r: Raster, geo: Geometry, from: number, columns: number): Float32Array {
  const p = geo.pitch;
  const out = new Float32Array(columns * CH);
  for (let v = 0; v < CH; v++) {
    const y = geo.cy + (-1 + (v + 0.5) * SY) * p;
    for (let c = 0; c < columns; c++) out[v * columns + c] = inkOf(sample(r, from + (c * p) / STEPS, y, SX * p, SY * p), geo);
  }
  return out;
}

/** A cell (less the mean cell) projected onto the `dims` discriminant directions, into `y`. */
function project(projection: Float64Array, dims: number, centred: Float64Array, y: Float64Array): Float64Array {
  for (let r = 0; r < dims; r++) {
    let s = 0;
    const o = r * D;
    for (let d = 0; d < D; d++) s += projection[o + d]! * centred[d]!;
    y[r] = s;
  }
  return y;
}

const widened = new WeakMap<CellModel, { projection: Float64Array; spreads: Float64Array }>();
/** The projection and spreads in double precision (read many times a line: no conversions in the inner loop). */
function wide(model: CellModel): { projection: Float64Array; spreads: Float64Array } {
  let wider = widened.get(model);
  if (!wider) widened.set(model, (wider = { projection: Float64Array.from(model.projection), spreads: Float64Array.from(model.spreads) }));
  return wider;
}

/**
 * −2 log-likelihood of a cell under each class (up to a shared constant): its squared distance to the
 * class mean in the projected space, measured by the class's own spread, plus the spread's log-determinant.
 */
function distancesOf(model: CellModel, centred: Float64Array, y: Float64Array, e: Float64Array, out: Float64Array): Float64Array {
  const { projection, spreads } = wide(model);
  project(projection, model.dims, centred, y);
  for (let k = 0; k < K; k++) out[k] = distanceOf(model, spreads, y, e, k, Infinity);
  return out;
}

/**
 * One class's distance, to the bit as `distancesOf` gives it (`spreads` from `wide`), or Infinity
 * as soon as it is sure to exceed `limit`: the sum of squares only grows. A millionth of slack keeps
 * rounding from ever dropping a class that would tie.
 */
function distanceOf(model: CellModel, spreads: Float64Array, y: Float64Array, e: Float64Array, k: number, limit: number): number {
  const { dims, means, logDets } = model;
  for (let r = 0; r < dims; r++) e[r] = y[r]! - means[k * dims + r]!;
  const o = k * dims * dims;
  const bound = limit - logDets[k]! + 1e-6 * (1 + Math.abs(limit));
  let s = 0;
  for (let i = 0; i < dims; i++) {
    let z = 0;
    const row = o + i * dims;
    for (let j = 0; j <= i; j++) z += spreads[row + j]! * e[j]!;
    s += z * z;
    if (s > bound) return Infinity;
  }
  return s + logDets[k]!;
}

/** Paper and ink of a line: the 85th and 4th percentiles of its slab (from a histogram of its grey levels). */
function levels(r: Raster, x0: number, x1: number, cy: number, p: number): { paper: number; ink: number } {
  const histogram = new Uint32Array(256);
  let count = 0;
  for (let y = Math.max(0, Math.round(cy - 0.6 * p)); y < Math.min(r.height, Math.round(cy + 0.6 * p)); y++) {
    for (let x = Math.max(0, Math.round(x0)); x < Math.min(r.width, Math.round(x1)); x++) {
      histogram[clamp((r.data[y * r.width + x]! + 0.5) | 0, 0, 255)]!++;
      count++;
    }
  }
  if (!count) return { paper: 255, ink: 0 };
  const percentile = (share: number) => {
    let seen = 0;
    for (let v = 0; v < 256; v++) if ((seen += histogram[v]!) > share * count) return v;
    return 255;
  };
  return { paper: percentile(0.85), ink: percentile(0.04) };
}

// ---------------------------------------------------------------------------------------------
// Training

function mulberry32(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;
const between = (random: Random, a: number, b: number) => a + (b - a) * random();
/** Nearly normal noise of unit variance: the sum of four uniforms, centred and scaled (no Math calls). */
const SQRT3 = Math.sqrt(3);
const gauss = (random: Random) => (random() + random() + random() + random() - 2) * SQRT3;

/** MRZ-like text: letters, digits and filler runs. */
function randomLine(random: Random): string {
  const length = 30 + Math.floor(random() * 15);
  let s = '';
  while (s.length < length) {
    const t = random();
    if (t < 0.15) s += '<'.repeat(1 + Math.floor(random() * 6));
    else if (t < 0.55) s += MRZ_ALPHABET[Math.floor(random() * 26)]!;
    else s += MRZ_ALPHABET[26 + Math.floor(random() * 10)]!;
  }
  return s.slice(0, length);
}

/**
 * A Gaussian blur. The hot loops here and in `bilinear` call no Math function: where the reader runs
 * inside jest's sandbox, Math is another realm's and each call costs many times more.
 */
function blurred(r: Raster & { data: Float32Array }, sigma: number): Raster & { data: Float32Array } {
  if (sigma < 0.15) return r;
  const reach = Math.ceil(sigma * 3);
  const kernel: number[] = [];
  for (let i = -reach; i <= reach; i++) kernel.push(Math.exp(-(i * i) / (2 * sigma * sigma)));
  const total = kernel.reduce((a, b) => a + b, 0);
  const { width: w, height: h } = r;
  const pass = (source: Float32Array, dx: number, dy: number) => {
    const out = new Float32Array(source.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let a = 0;
        for (let i = -reach; i <= reach; i++) {
          const xx = clamp(x + i * dx, 0, w - 1);
          const yy = clamp(y + i * dy, 0, h - 1);
          a += kernel[i + reach]! * source[yy * w + xx]!;
        }
        out[y * w + x] = a / total;
      }
    }
    return out;
  };
  return { width: w, height: h, data: pass(pass(r.data, 1, 0), 0, 1) };
}

/**
 * One rendered line degraded like a photo's print: pitch 3.2–13 px, OCR-B or OCR-B "S", cap height
 * and width varied, heavier or lighter strokes, blur, paper and ink levels, a light gradient, noise
 * and JPEG at quality 40–92. Returns the raster and the line's true geometry.
 */
async function renderLine(text: string, fonts: string[], random: Random): Promise<{ raster: Raster; geo: Geometry }> {
  const S = 8; // drawn at 8× and averaged down
  const pitch = between(random, 3.2, 13);
  const font = fonts[Math.floor(random() * fonts.length)]!;
  const capToPitch = between(random, 0.85, 1.15);
  const widthScale = between(random, 0.85, 1.1);
  const padLeft = between(random, 1.6, 3) * pitch;
  const padTop = 1.6 * pitch;
  const W = Math.ceil(padLeft * 2 + text.length * pitch);
  const H = Math.ceil(padTop * 2);
  const canvas = createCanvas(W * S, H * S);
  const g = canvas.getContext('2d');
  g.fillStyle = '#fff';
  g.fillRect(0, 0, W * S, H * S);
  g.fillStyle = '#000';
  const cap = capToPitch * pitch * S;
  g.font = `${(cap / 0.7).toFixed(1)}px ${font}`;
  const measured = g.measureText('H').actualBoundingBoxAscent;
  g.font = `${((cap / measured) * (cap / 0.7)).toFixed(1)}px ${font}`;
  const bold = random() < 0.25 ? 0 : between(random, 0, 0.12) * pitch * S;
  g.strokeStyle = '#000';
  g.lineJoin = 'round';
  const baseline = (padTop + (capToPitch * pitch) / 2) * S;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const w = g.measureText(ch).width;
    const cx = (padLeft + (i + 0.5) * pitch + between(random, -0.01, 0.01) * pitch) * S;
    g.save();
    g.translate(cx, baseline);
    g.scale(widthScale, 1);
    g.fillText(ch, -w / 2, 0);
    if (bold > 0) {
      g.lineWidth = bold;
      g.strokeText(ch, -w / 2, 0);
    }
    g.restore();
  }
  const rgba = g.getImageData(0, 0, W * S, H * S).data;
  let data: Float32Array = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let a = 0;
      for (let j = 0; j < S; j++) for (let k = 0; k < S; k++) a += rgba[((y * S + j) * W * S + x * S + k) * 4]!;
      data[y * W + x] = a / (S * S);
    }
  }
  const gamma = between(random, 0.6, 1.5);
  // Heavier or lighter strokes: coverage c becomes 1 − (1 − c)^gamma (tabulated over 1/4 grey levels).
  const weight = Float32Array.from({ length: 1021 }, (_, q) => 255 * (1 - Math.pow(1 - q / 1020, gamma)));
  for (let i = 0; i < data.length; i++) data[i] = weight[(data[i]! * 4 + 0.5) | 0]!;
  data = blurred({ width: W, height: H, data }, between(random, 0.25, 1.5)).data;
  const paper = between(random, 140, 245);
  const ink = between(random, 10, Math.min(120, paper - 50));
  const slope = between(random, -0.3, 0.3);
  const noise = between(random, 1, 9);
  const jpeg = createCanvas(W, H);
  const jg = jpeg.getContext('2d');
  const pixels = jg.createImageData(W, H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      const light = 1 + slope * (x / W - 0.5);
      const v = clamp((ink + (paper - ink) * (data[i]! / 255)) * light + noise * gauss(random), 0, 255);
      pixels.data[i * 4] = pixels.data[i * 4 + 1] = pixels.data[i * 4 + 2] = v;
      pixels.data[i * 4 + 3] = 255;
    }
  }
  jg.putImageData(pixels, 0, 0);
  const raster = greyCrop(await loadImage(jpeg.toBuffer('image/jpeg', Math.round(between(random, 40, 92)))));
  return { raster, geo: { x0: padLeft, pitch, cy: padTop, ...levels(raster, padLeft, padLeft + text.length * pitch, padTop, pitch) } };
}

function cholesky(A: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = i === j ? Math.sqrt(Math.max(s, 1e-9)) : s / L[j * n + j]!;
    }
  }
  return L;
}

/** Eigenvalues and (column) eigenvectors of a small symmetric matrix, by Jacobi rotations. */
function jacobi(A: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) off += a[i * n + j]! ** 2;
    if (off < 1e-18) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-15) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const [akp, akq] = [a[k * n + p]!, a[k * n + q]!];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const [apk, aqk] = [a[p * n + k]!, a[q * n + k]!];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const [vkp, vkq] = [v[k * n + p]!, v[k * n + q]!];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i]!;
  return { values, vectors: v };
}

/** The model before each class's spread is learnt: the projection and the class means there. */
type Discriminants = Omit<CellModel, 'spreads' | 'logDets'>;

/**
 * Linear discriminant analysis of the cells: the within-class covariance (shrunk towards its mean
 * variance) whitened by its Cholesky factor L; the class means' principal directions there, mapped
 * back (L⁻ᵀ), are the projection.
 */
function discriminants(sums: Float64Array[], counts: number[], scatter: Float64Array, total: number): Discriminants {
  const means = sums.map((s, k) => s.map((v) => v / Math.max(1, counts[k]!)));
  const mean = new Float32Array(D);
  for (const m of means) for (let d = 0; d < D; d++) mean[d]! += m[d]! / K;
  // Within-class covariance: the scatter about zero less each class's mean outer product.
  const cov = new Float64Array(D * D);
  for (let i = 0; i < D; i++) {
    for (let j = 0; j <= i; j++) {
      let s = scatter[i * D + j]!;
      for (let k = 0; k < K; k++) s -= counts[k]! * means[k]![i]! * means[k]![j]!;
      cov[i * D + j] = cov[j * D + i] = s / total;
    }
  }
  let trace = 0;
  for (let i = 0; i < D; i++) trace += cov[i * D + i]!;
  for (let i = 0; i < D * D; i++) cov[i]! *= 1 - SHRINK;
  for (let i = 0; i < D; i++) cov[i * D + i]! += (SHRINK * trace) / D;
  const L = cholesky(cov, D);
  // Class means whitened (L w = mu − centre), centred on their mean.
  const whitened = means.map((mu) => {
    const w = new Float64Array(D);
    for (let i = 0; i < D; i++) {
      let s = mu[i]! - mean[i]!;
      for (let k = 0; k < i; k++) s -= L[i * D + k]! * w[k]!;
      w[i] = s / L[i * D + i]!;
    }
    return w;
  });
  const gram = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      let s = 0;
      for (let d = 0; d < D; d++) s += whitened[i]![d]! * whitened[j]![d]!;
      gram[i * K + j] = s;
    }
  }
  const { values, vectors } = jacobi(gram, K);
  const largest = Math.max(...values);
  const order = Array.from(values.keys())
    .sort((a, b) => values[b]! - values[a]!)
    .filter((e) => values[e]! > 1e-9 * largest);
  const dims = Math.min(K - 1, order.length);
  const projection = new Float32Array(dims * D);
  for (let r = 0; r < dims; r++) {
    const e = order[r]!;
    const sigma = Math.sqrt(values[e]!);
    const direction = new Float64Array(D);
    for (let i = 0; i < K; i++) {
      const u = vectors[i * K + e]! / sigma;
      for (let d = 0; d < D; d++) direction[d]! += u * whitened[i]![d]!;
    }
    // a = L⁻ᵀ direction: back substitution on Lᵀ.
    const a = new Float64Array(D);
    for (let i = D - 1; i >= 0; i--) {
      let s = direction[i]!;
      for (let k = i + 1; k < D; k++) s -= L[k * D + i]! * a[k]!;
      a[i] = s / L[i * D + i]!;
    }
    projection.set(a, r * D);
  }
  const model: Discriminants = { dims, projection, mean, means: new Float32Array(K * dims) };
  const wider = Float64Array.from(projection);
  const y = new Float64Array(dims);
  for (let k = 0; k < K; k++) model.means.set(project(wider, dims, means[k]!.map((v, d) => v - mean[d]!), y), k * dims);
  return model;
}

/**
 * Each class's own spread about its mean in the projected space, from the training cells: its
 * covariance shrunk by CLASS_SHRINK towards the identity (the pooled covariance there), as the
 * inverse of its Cholesky factor and its log-determinant.
 */
function classSpreads(model: Discriminants, cells: Float32Array[], labels: number[], counts: number[]): CellModel {
  const n = model.dims;
  const covariances = Array.from({ length: K }, () => new Float64Array(n * n));
  const projection = Float64Array.from(model.projection);
  const centred = new Float64Array(D);
  const e = new Float64Array(n);
  cells.forEach((cell, t) => {
    const k = labels[t]!;
    for (let d = 0; d < D; d++) centred[d] = cell[d]! - model.mean[d]!;
    project(projection, n, centred, e);
    for (let r = 0; r < n; r++) e[r]! -= model.means[k * n + r]!;
    const c = covariances[k]!;
    for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) c[i * n + j]! += e[i]! * e[j]!;
  });
  const spreads = new Float32Array(K * n * n);
  const logDets = new Float32Array(K);
  for (let k = 0; k < K; k++) {
    const c = covariances[k]!;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j <= i; j++) c[i * n + j] = c[j * n + i] = ((1 - CLASS_SHRINK) * c[i * n + j]!) / Math.max(1, counts[k]!) + (i === j ? CLASS_SHRINK : 0);
    }
    const L = cholesky(c, n);
    // The inverse of L (lower triangular), row by row.
    const inverse = new Float64Array(n * n);
    let logDet = 0;
    for (let i = 0; i < n; i++) {
      logDet += 2 * Math.log(L[i * n + i]!);
      inverse[i * n + i] = 1 / L[i * n + i]!;
      for (let j = 0; j < i; j++) {
        let s = 0;
        for (let m = j; m < i; m++) s += L[i * n + m]! * inverse[m * n + j]!;
        inverse[i * n + j] = -s / L[i * n + i]!;
      }
    }
    spreads.set(inverse, k * n * n);
    logDets[k] = logDet;
  }
  return { ...model, spreads, logDets };
}

/** Learns the classes from TRAINING_LINES rendered lines (a character cell each, and the blank beside each line). */
export async function trainCellModel(fonts: string[], lines = TRAINING_LINES): Promise<CellModel> {
  const random = mulberry32(TRAINING_SEED);
  const sums = Array.from({ length: K }, () => new Float64Array(D));
  const counts = new Array<number>(K).fill(0);
  const scatter = new Float64Array(D * D);
  let total = 0;
  const cells: Float32Array[] = [];
  const labels: number[] = [];
  for (let l = 0; l < lines; l++) {
    const text = randomLine(random);
    const { raster, geo } = await renderLine(text, fonts, random);
    // The centres as a reading finds them: a few hundredths of a pitch off along the line, and up to
    // an eighth of one across it (a reading tries HEIGHTS 0.08 pitch apart, from an ink centre that
    // lies about a tenth high; measured there).
    const placed = { ...geo, x0: geo.x0 + between(random, -0.03, 0.03) * geo.pitch, cy: geo.cy + between(random, -VERTICAL_SLACK, VERTICAL_SLACK) * geo.pitch };
    for (let i = -1; i <= text.length; i++) {
      const cell = cellAt(raster, placed, i, new Float32Array(D));
      const k = i < 0 || i === text.length ? BLANK : CLASSES.indexOf(text[i]!);
      cells.push(cell);
      labels.push(k);
      counts[k]!++;
      total++;
      for (let d = 0; d < D; d++) sums[k]![d]! += cell[d]!;
      for (let a = 0; a < D; a++) {
        const ca = cell[a]!;
        if (ca === 0) continue;
        const row = a * D;
        for (let b = 0; b <= a; b++) scatter[row + b]! += ca * cell[b]!;
      }
    }
    await tick(); // other work on the event loop (heartbeats, deliveries) runs between steps
  }
  return classSpreads(discriminants(sums, counts, scatter, total), cells, labels, counts);
}

/** OCR-B's files registered with the canvas, by family name; none when the font is not installed. */
function ocrbFonts(): Array<{ family: string; file: string }> {
  const found: Array<{ family: string; file: string }> = [];
  for (const file of FONT_FILES) {
    const dir = FONT_DIRS.find((d) => fs.existsSync(path.join(d, file)));
    if (!dir) continue;
    const family = `kycflow-${file.replace(/\.\w+$/, '')}`;
    if (GlobalFonts.registerFromPath(path.join(dir, file), family)) found.push({ family, file: path.join(dir, file) });
  }
  return found;
}

/** The model as JSON text (numbers as written by Float32Array) and back. */
const serialise = (m: CellModel) =>
  JSON.stringify({ dims: m.dims, projection: Array.from(m.projection), mean: Array.from(m.mean), means: Array.from(m.means), spreads: Array.from(m.spreads), logDets: Array.from(m.logDets) });
function deserialise(text: string): CellModel | null {
  const j = JSON.parse(text) as { dims: number; projection: number[]; mean: number[]; means: number[]; spreads: number[]; logDets: number[] };
  if (j.projection?.length !== j.dims * D || j.mean?.length !== D || j.means?.length !== K * j.dims || j.spreads?.length !== K * j.dims * j.dims || j.logDets?.length !== K) return null;
  return {
    dims: j.dims,
    projection: Float32Array.from(j.projection),
    mean: Float32Array.from(j.mean),
    means: Float32Array.from(j.means),
    spreads: Float32Array.from(j.spreads),
    logDets: Float32Array.from(j.logDets),
  };
}

let loading: Promise<CellModel | null> | null = null;

/**
 * The model, learnt once per machine (about 9 s) and kept in the temporary directory, keyed by the
 * font files and the training's version; null when OCR-B is not installed. Learnt in steps between
 * other work on the event loop.
 */
export function cellModel(): Promise<CellModel | null> {
  loading ??= (async () => {
    const fonts = ocrbFonts();
    if (!fonts.length) return null;
    const key = crypto.createHash('sha256');
    key.update(`v${MODEL_VERSION}:${TRAINING_LINES}:${TRAINING_SEED}:${SHRINK}:${CLASS_SHRINK}`);
    for (const { file } of fonts) key.update(fs.readFileSync(file));
    const cache = path.join(os.tmpdir(), `kycflow-mrz-cells-${key.digest('hex').slice(0, 16)}.json`);
    try {
      const cached = deserialise(fs.readFileSync(cache, 'utf8'));
      if (cached) return cached;
    } catch {
      // Not learnt on this machine yet (or the file is unreadable): learnt below.
    }
    const model = await trainCellModel(fonts.map((f) => f.family));
    try {
      writeFileWhole(cache, serialise(model));
    } catch {
      // A read-only temporary directory: the model is learnt again by the next process.
    }
    return model;
  })().catch(() => null); // a font the canvas cannot draw: the reader is absent
  return loading;
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Where a line lies on the band: its centre height and the span of its print (left, right), in the band's pixels. */
export interface LinePlace {
  cy: number;
  left: number;
  right: number;
}

/** The mean of `values` over x ± radius (cut at the ends), by prefix sums: one pass, then O(1) a column. */
function windowMean(values: Float64Array, radius: number): (x: number) => number {
  const prefix = new Float64Array(values.length + 1);
  for (let x = 0; x < values.length; x++) prefix[x + 1] = prefix[x]! + values[x]!;
  return (x) => {
    const [a, b] = [Math.max(0, x - radius), Math.min(values.length, x + radius + 1)];
    return (prefix[b]! - prefix[a]!) / (b - a);
  };
}

/**
 * A line's centre height refined to its ink's (rows weighted by their ink above the slab's least),
 * and its pitch from the autocorrelation of column ink near the span's pitch.
 */
function geometryOf(r: Raster, place: LinePlace, length: number): Omit<Geometry, 'paper' | 'ink'> {
  const guess = (place.right - place.left) / length;
  const x0 = Math.max(0, Math.round(place.left));
  const x1 = Math.min(r.width, Math.round(place.right));
  const rows: number[] = [];
  const top = Math.max(0, Math.round(place.cy - 0.7 * guess));
  for (let y = top; y < Math.min(r.height, Math.round(place.cy + 0.7 * guess)); y++) {
    let s = 0;
    for (let x = x0; x < x1; x++) s += 255 - r.data[y * r.width + x]!;
    rows.push(s / Math.max(1, x1 - x0));
  }
  const base = Math.min(...rows);
  let sw = 0;
  let sy = 0;
  rows.forEach((v, i) => {
    const w = (v - base) ** 2;
    sw += w;
    sy += w * (top + i);
  });
  const cy = sw ? sy / sw : place.cy;
  const cols = new Float64Array(r.width);
  for (let x = 0; x < r.width; x++) {
    let s = 0;
    for (let y = Math.max(0, Math.round(cy - 0.3 * guess)); y < Math.min(r.height, Math.round(cy + 0.3 * guess)); y++) s += 255 - r.data[y * r.width + x]!;
    cols[x] = s;
  }
  const trend = windowMean(cols, Math.max(3, Math.round(3 * guess)));
  const detrended = cols.map((v, x) => v - trend(x));
  let pitch = guess;
  let best = -Infinity;
  for (let T = guess * 0.85; T <= guess * 1.15; T += guess / 200) {
    const t0 = Math.floor(T);
    const f = T - t0;
    let v = 0;
    for (let x = x0; x + t0 + 1 < x1; x++) v += detrended[x]! * (detrended[x + t0]! * (1 - f) + detrended[x + t0 + 1]! * f);
    if (v > best) {
      best = v;
      pitch = T;
    }
  }
  return { x0: place.left, pitch, cy };
}

/** Where the first character's cell may start, in pitches from the print's left edge (PaddleOCR's band). */
const START_REACH: [number, number] = [-0.5, 2];
const NEAR = Math.round(0.88 * STEPS);
const FAR = Math.round(1.12 * STEPS);

/**
 * The most likely reading of a line of `kinds.length` characters: a Viterbi pass over centres on a
 * 1/STEPS-pitch grid, each next centre NEAR–FAR steps on, a blank cell a pitch before the first and
 * after the last, each position's characters those its class allows ('<' never first). Returns per
 * position the distances at the centre chosen, and the path's cost.
 */
function viterbi(model: CellModel, r: Raster, geo: Geometry, kinds: string[]): { centres: number[]; distances: Float64Array[]; cost: number } {
  const n = kinds.length;
  const p = geo.pitch;
  const first = geo.x0 + (START_REACH[0] + 0.5) * p;
  // Grid columns from a pitch before the first possible centre to a pitch past the last possible one.
  const from = first - p;
  const count = Math.ceil((n + 3 + START_REACH[1] - START_REACH[0]) * STEPS);
  const columns = count + CW * 2;
  const offset = CW - 1; // strip column of grid position j's cell's first sample: j + offset − 11
  const cells = strip(r, geo, from - ((offset) * p) / STEPS, columns);
  const cell = new Float64Array(D);
  const y = new Float64Array(model.dims);
  const e = new Float64Array(model.dims);
  const cellFor = (j: number) => {
    const c = j + offset;
    let m = 0;
    for (let v = 0; v < CH; v++) {
      for (let u = 0; u < CW; u++, m++) cell[m] = cells[v * columns + c - 11 + 2 * u]! - model.mean[m]!;
    }
    return cell;
  };
  // Per position class (and for the first position, without '<'), the least distance at each centre;
  // and the blank cell's distance.
  const keyOf = kinds.map((kind, i) => `${kind}${i === 0 ? '1' : ''}`);
  const keys = [...new Set(keyOf)];
  const member = keys.map((key) => {
    const classes = [...ALLOWED[key[0] as keyof typeof ALLOWED]].filter((ch) => key.length === 1 || ch !== '<');
    return Uint8Array.from(CLASSES, (ch) => (classes.includes(ch) ? 1 : 0));
  });
  const least = keys.map(() => new Float64Array(count));
  const blank = new Float64Array(count);
  const { projection, spreads } = wide(model);
  const sought = new Float64Array(keys.length);
  // Per set, the class that was its least at the column before, and the classes already weighed.
  const nearest = new Int32Array(keys.length).fill(-1);
  const weighed = new Uint8Array(K);
  // A class's distance is worked out only as far as it could still be the least of a set it is in.
  const weigh = (k: number) => {
    weighed[k] = 1;
    let limit = -Infinity;
    for (let s = 0; s < keys.length; s++) if (member[s]![k]) limit = Math.max(limit, sought[s]!);
    if (limit === -Infinity) return;
    const distance = distanceOf(model, spreads, y, e, k, limit);
    if (distance === Infinity) return;
    for (let s = 0; s < keys.length; s++) {
      if (member[s]![k] && distance < sought[s]!) {
        sought[s] = distance;
        nearest[s] = k;
      }
    }
  };
  for (let j = 0; j < count; j++) {
    project(projection, model.dims, cellFor(j), y);
    blank[j] = distanceOf(model, spreads, y, e, BLANK, Infinity);
    sought.fill(Infinity);
    weighed.fill(0);
    // Neighbouring columns look alike: the classes least there are weighed first, so that the others
    // are given up after a few terms. The least distances are the same in any order, to the bit.
    for (let s = 0; s < keys.length; s++) if (nearest[s]! >= 0 && !weighed[nearest[s]!]) weigh(nearest[s]!);
    for (let k = 0; k < K; k++) if (!weighed[k]) weigh(k);
    for (let s = 0; s < keys.length; s++) least[s]![j] = sought[s]!;
  }
  const rows = keyOf.map((key) => least[keys.indexOf(key)]!);
  let f = new Float64Array(count).fill(Infinity);
  const back: Int32Array[] = [new Int32Array(count)];
  const startTo = Math.min(count, STEPS + Math.round((START_REACH[1] - START_REACH[0]) * STEPS));
  for (let j = STEPS; j <= startTo; j++) f[j] = rows[0]![j]! + blank[j - STEPS]!;
  for (let i = 1; i < n; i++) {
    const g = new Float64Array(count).fill(Infinity);
    const bk = new Int32Array(count);
    const row = rows[i]!;
    for (let j = NEAR; j < count; j++) {
      let v = Infinity;
      let a = -1;
      for (let d = NEAR; d <= FAR && j - d >= 0; d++) {
        if (f[j - d]! < v) {
          v = f[j - d]!;
          a = j - d;
        }
      }
      if (a < 0 || v === Infinity) continue;
      g[j] = v + row[j]!;
      bk[j] = a;
    }
    f = g;
    back.push(bk);
  }
  let end = -1;
  let cost = Infinity;
  for (let j = 0; j + STEPS < count; j++) {
    const v = f[j]! + blank[j + STEPS]!;
    if (v < cost) {
      cost = v;
      end = j;
    }
  }
  if (end < 0) return { centres: [], distances: [], cost };
  const grid: number[] = new Array<number>(n);
  for (let i = n - 1, j = end; i >= 0; i--) {
    grid[i] = j;
    j = back[i]![j]!;
  }
  return { centres: grid.map((j) => from + (j * p) / STEPS), distances: grid.map((j) => distancesOf(model, cellFor(j), y, e, new Float64Array(K))), cost };
}

/**
 * How sharp the reader's odds are: a class d units of squared distance behind the first has odds
 * exp(−d / (2 · TEMPERATURE)) against it (1: the Gaussian model's own posterior, overconfident on
 * real print the renders only approximate).
 */
const TEMPERATURE = 2;

/** A position's probabilities over MRZ_ALPHABET from its distances. */
function probabilitiesOf(distances: Float64Array): Float32Array {
  let least = Infinity;
  for (let k = 0; k < MRZ_ALPHABET.length; k++) least = Math.min(least, distances[k]!);
  const p = new Float32Array(MRZ_ALPHABET.length);
  let sum = 0;
  for (let k = 0; k < p.length; k++) sum += p[k] = Math.exp(-(distances[k]! - least) / (2 * TEMPERATURE));
  for (let k = 0; k < p.length; k++) p[k]! /= sum;
  return p;
}

/** A position's probabilities as the readings at every height see it, averaged. */
function meanProbabilities(distances: Float64Array[]): Float32Array {
  const mean = new Float32Array(MRZ_ALPHABET.length);
  for (const d of distances) {
    const p = probabilitiesOf(d);
    for (let k = 0; k < mean.length; k++) mean[k]! += p[k]! / distances.length;
  }
  return mean;
}

/**
 * Heights tried for a line's centre, in pitches below its ink's centre (the ink's centre reads high,
 * for a reason not found). On the bands of seeds 6–9 (57 lines under 12 px, 2,282 characters) the
 * ink's centre alone misread 741, 0.12 pitch below it alone 261, −0.12, 0 and 0.12 together 267;
 * with cells learnt within VERTICAL_SLACK, −0.12, 0 and 0.12 misread 209, these three 198 (five
 * heights 194, at twice the time). The cheapest reading places the characters; each position's
 * odds are every height's reading's averaged — on photo seeds 6–15, 4 fields and 4 documents more
 * than the cheapest reading's odds alone (one height's geometry is often sure of a misread the
 * others are not; weighting the heights by their cost, or reading five, gained nothing).
 */
const HEIGHTS = [0, 0.08, 0.16];

/**
 * Reads the MRZ lines of a band cut out straight (`band`, the lines at `places`) as the cell reader
 * sees them, each to its format's length. One RecognisedLine per line, a character per position.
 */
export function readMrzCells(model: CellModel, band: Image, format: MrzFormatName, places: Array<LinePlace | null>): RecognisedLine[] {
  const raster = greyCrop(band);
  const kinds = positionKinds(format);
  places = onInkSpan(raster, places, kinds[0]!.length);
  return places.map((place, l) => {
    if (!place) return { text: '', chars: [], lattice: [], confidence: 0 };
    const lineKinds = kinds[l]!;
    const base = geometryOf(raster, place, lineKinds.length);
    const reads = HEIGHTS.map((dy) => {
      const cy = base.cy + dy * base.pitch;
      return viterbi(model, raster, { ...base, cy, ...levels(raster, place.left, place.right, cy, base.pitch) }, lineKinds);
    }).filter((read) => read.distances.length === lineKinds.length);
    const best = reads.reduce<(typeof reads)[number] | null>((a, read) => (!a || read.cost < a.cost ? read : a), null);
    const chars: RecognisedChar[] = (best?.distances ?? []).map((_, i) => {
      const probabilities = meanProbabilities(reads.map((read) => read.distances[i]!));
      // The character read: the likeliest its position's class allows, by the heights' odds together.
      const allowed = ALLOWED[lineKinds[i]!];
      let top = -1;
      for (let k = 0; k < probabilities.length; k++) if ((i > 0 || k !== FILLER) && allowed.includes(MRZ_ALPHABET[k]!) && (top < 0 || probabilities[k]! > probabilities[top]!)) top = k;
      return { char: MRZ_ALPHABET[top]!, probabilities, at: (best!.centres[i]! - place.left) / Math.max(1, place.right - place.left) };
    });
    const text = chars.map((c) => c.char).join('');
    // No CTC lattice: the cell reader places a character at every position itself.
    return { text, chars, lattice: [], confidence: chars.length ? chars.reduce((s, c) => s + Math.max(...c.probabilities), 0) / chars.length : 0 };
  });
}

/** A span this many pitches wider than the lines' ink is cut to it (`onInkSpan`). */
const WIDER = 2;
/** Ink at this share of the lines' own (a pitch's mean) marks where they begin and end. */
const INK_EDGE = 0.3;

/**
 * The lines' places cut to where their ink begins and ends, where PaddleOCR's band reaches clearly
 * past it (a line read short and extended at the wrong end: the cells then start pitches early).
 * The lines' ink, column by column, is the most any line has there, averaged over a pitch; its edge
 * is the first gap a pitch wide where that falls below INK_EDGE of its level mid-line. Only where
 * every line is read (a name line alone has faint filler runs).
 */
function onInkSpan(r: Raster, places: Array<LinePlace | null>, length: number): Array<LinePlace | null> {
  const read = places.filter((p): p is LinePlace => p !== null);
  if (read.length < 2) return places;
  const { left, right } = read[0]!;
  const g = (right - left) / length;
  const joint = new Float64Array(r.width);
  for (const place of read) {
    const { paper } = levels(r, left, right, place.cy, g);
    const [y0, y1] = [Math.max(0, Math.round(place.cy - 0.5 * g)), Math.min(r.height, Math.round(place.cy + 0.5 * g))];
    for (let x = 0; x < r.width; x++) {
      let s = 0;
      for (let y = y0; y < y1; y++) s += Math.max(0, paper - r.data[y * r.width + x]!);
      joint[x] = Math.max(joint[x]!, s / Math.max(1, y1 - y0));
    }
  }
  const half = Math.max(1, Math.round(g / 2));
  const smooth = windowMean(joint, half);
  const middle: number[] = [];
  for (let x = Math.round(left + 0.3 * (right - left)); x < right - 0.3 * (right - left); x++) middle.push(smooth(x));
  if (!middle.length) return places;
  middle.sort((a, b) => a - b);
  const edge = INK_EDGE * middle[middle.length >> 1]!;
  // From mid-line outwards, the first gap a pitch wide with no ink: the lines end there (beyond it,
  // the page's edge or other print may be darker still).
  const gap = Math.max(2, Math.round(g));
  const edgeFrom = (start: number, step: number, stop: number): number | null => {
    let blank = 0;
    for (let x = start; step < 0 ? x >= stop : x <= stop; x += step) {
      blank = smooth(x) < edge ? blank + 1 : 0;
      if (blank >= gap) return x - step * gap;
    }
    return null;
  };
  const mid = Math.round((left + right) / 2);
  const inkLeft = edgeFrom(mid, -1, 0);
  const inkRight = edgeFrom(mid, 1, r.width - 1);
  const from = inkLeft !== null && inkLeft - left > WIDER * g ? inkLeft + half - 0.1 * g : left;
  const to = inkRight !== null && right - inkRight > WIDER * g ? inkRight - half + 0.1 * g : right;
  if (from === left && to === right) return places;
  return places.map((p) => p && { ...p, left: from, right: to });
}
