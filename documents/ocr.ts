import path from 'node:path';
import os from 'node:os';
import { createCanvas, loadImage, type Image } from '@napi-rs/canvas';
import { createWorker, PSM, type Worker } from 'tesseract.js';
import { readMrzGlyphs, type GlyphRead } from './glyph-reader';
import { bestReading } from './readers/fusion';
import { PaddleOcr } from './readers/paddle';
import { readMrzWithPaddle, type PaddleMrzRead } from './readers/paddle-mrz';
import { luma, otsuThreshold } from './raster';
import { measureQuality, type ImageQuality } from './image-quality';
import { checkDigitCount, formatOf, repairMrzWithCertainty, validCheckDigits } from './mrz-repair';

const MRZ_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<';
/** Share of clearly read positions above which the glyph reader's reading is final. */
const DECISIVE_GLYPH_CONFIDENCE = 0.85;

interface Pass {
  /** Where the crop starts, as a share of the page height (the MRZ is at the bottom). */
  top: number;
  scale: number;
  binarize: boolean;
}

const PASSES: Pass[] = [
  { top: 0.6, scale: 1, binarize: false },
  { top: 0.6, scale: 1.5, binarize: true },
  { top: 0, scale: 1, binarize: false },
  { top: 0.6, scale: 2, binarize: false },
  { top: 0.6, scale: 0.8, binarize: false },
];

/** Otsu's threshold: ink black, paper white. */
function binarize(g: ReturnType<ReturnType<typeof createCanvas>['getContext']>, width: number, height: number): void {
  const image = g.getImageData(0, 0, width, height);
  const data = image.data;
  const grey = new Uint8Array(width * height);
  for (let i = 0; i < grey.length; i++) grey[i] = luma(data, i * 4);
  const threshold = otsuThreshold(grey);
  for (let i = 0; i < grey.length; i++) {
    const value = grey[i]! > threshold ? 255 : 0;
    data[i * 4] = data[i * 4 + 1] = data[i * 4 + 2] = value;
  }
  g.putImageData(image, 0, 0);
}

interface ImageReads {
  image: Image;
  quality: ImageQuality;
  glyphs: GlyphRead | null;
  paddle: PaddleMrzRead | null;
}

export interface OcrResult {
  /** The MRZ lines after repair, or null when none were found. */
  lines: string[] | null;
  rawText: string;
  /** Tesseract's mean confidence, 0..1. */
  confidence: number;
  /** A check digit had to be guessed from an ambiguous letter (see repairMrzWithCertainty). */
  guessed: boolean;
  /** The read is final: every check digit agrees, or the glyph reader was sure of every character. */
  settled: boolean;
  quality: ImageQuality;
}

/** Lines that look like an MRZ: long runs of MRZ characters, the last two (TD2/TD3) or three (TD1). */
export function mrzLinesFrom(text: string): string[] | null {
  const candidates = text
    .split('\n')
    .map((line) => line.replace(/\s+/g, '').toUpperCase())
    .filter((line) => line.length >= 26 && /^[A-Z0-9<]+$/.test(line) && line.includes('<'));
  if (candidates.length < 2) return null;
  const lastThree = candidates.slice(-3);
  if (lastThree.length === 3 && lastThree.every((l) => l.length >= 26 && l.length <= 33)) return lastThree;
  const lastTwo = candidates.slice(-2);
  return formatOf(lastTwo) ? lastTwo : null;
}

/**
 * Reads the machine-readable zone of a document image offline: tesseract.js with the English model
 * installed from npm (@tesseract.js-data/eng), restricted to MRZ characters, on the bottom of the
 * page first and the whole page if that finds nothing. A small pool bounds CPU use.
 */
export class MrzReader {
  private readonly idle: Worker[] = [];
  private readonly waiting: Array<(worker: Worker) => void> = [];
  private created = 0;

  constructor(private readonly size = 1) {}

  private async newWorker(): Promise<Worker> {
    const worker = await createWorker('eng', 1, {
      langPath: path.dirname(require.resolve('@tesseract.js-data/eng/4.0.0_best_int/eng.traineddata.gz')),
      cachePath: path.join(os.tmpdir(), 'kycflow-tesseract'),
      gzip: true,
    });
    await worker.setParameters({ tessedit_char_whitelist: MRZ_CHARS, tessedit_pageseg_mode: PSM.SINGLE_BLOCK });
    return worker;
  }

  private async acquire(): Promise<Worker> {
    const idle = this.idle.pop();
    if (idle) return idle;
    if (this.created < this.size) {
      this.created++;
      return this.newWorker();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(worker: Worker): void {
    const next = this.waiting.shift();
    if (next) next(worker);
    else this.idle.push(worker);
  }

  /**
   * The decoded image, its quality and its glyph read, kept as long as its bytes are: extraction
   * reads each image with the glyph reader alone first and, if nothing settled, again with Tesseract.
   */
  private readonly glyphReads = new WeakMap<Buffer, Promise<ImageReads>>();
  private paddle: Promise<PaddleOcr> | null = null;

  /** PaddleOCR's models, loaded once per reader (that is, per worker process). */
  prepare(): Promise<PaddleOcr> {
    this.paddle ??= PaddleOcr.load(Math.max(1, Math.min(2, os.availableParallelism() - this.size + 1)));
    return this.paddle;
  }

  private glyphRead(bytes: Buffer, onProgress?: () => void): Promise<ImageReads> {
    let read = this.glyphReads.get(bytes);
    if (!read) {
      read = (async () => {
        const image = await loadImage(bytes);
        const glyphs = await readMrzGlyphs(image);
        onProgress?.();
        const paddle = await readMrzWithPaddle(await this.prepare(), image, onProgress);
        return { image, quality: measureQuality(image), glyphs, paddle };
      })();
      this.glyphReads.set(bytes, read);
    }
    return read;
  }

  private async recognize(image: Image, pass: Pass, onProgress?: () => void): Promise<{ text: string; confidence: number }> {
    const top = Math.floor(image.height * pass.top);
    const height = image.height - top;
    // Small images are enlarged; large photos are brought down to a size Tesseract reads quickly.
    const scale = (image.width < 1000 ? 2 : Math.min(1, 1600 / image.width)) * pass.scale;
    const canvas = createCanvas(Math.round(image.width * scale), Math.round(height * scale));
    const g = canvas.getContext('2d');
    g.fillStyle = '#fff';
    g.fillRect(0, 0, canvas.width, canvas.height);
    g.drawImage(image, 0, top, image.width, height, 0, 0, canvas.width, canvas.height);
    if (pass.binarize) binarize(g, canvas.width, canvas.height);
    const worker = await this.acquire();
    try {
      onProgress?.();
      const { data } = await worker.recognize(canvas.toBuffer('image/png'));
      return { text: data.text, confidence: data.confidence / 100 };
    } finally {
      this.release(worker);
    }
  }

  /**
   * Several passes (the bottom of the page as is, enlarged and binarised, the whole page, other
   * scales) until every check digit agrees. Lines read by different passes are combined too, since
   * passes misread different lines; the read whose MRZ has the most agreeing check digits wins.
   */
  async read(bytes: Buffer, onProgress?: () => void, { tesseract = true }: { tesseract?: boolean } = {}): Promise<OcrResult> {
    const { image, quality, glyphs, paddle } = await this.glyphRead(bytes, onProgress);
    let best: OcrResult = { lines: null, rawText: '', confidence: 0, quality, guessed: false, settled: false };
    let bestScore = -1;
    const reads: string[][] = [];
    const consider = (lines: string[], rawText: string, confidence: number, glyphRead?: { guessed: boolean }) => {
      // Tesseract's text needs the generic repair; the glyph reader has resolved its own ambiguities.
      const { lines: repaired, guessed } = glyphRead ? { lines, guessed: glyphRead.guessed } : repairMrzWithCertainty(lines);
      const format = formatOf(repaired);
      // A read without guesses beats an equally valid read with them.
      const score = format ? validCheckDigits(format, repaired) * 2 + (guessed ? 0 : 1) : -1;
      if (score > bestScore) {
        bestScore = score;
        best = { lines: repaired, rawText, confidence, quality, guessed, settled: false };
      }
      const settled = format !== null && score === checkDigitCount(format) * 2 + 1;
      if (settled) best.settled = true;
      return settled;
    };
    // PaddleOCR and the glyph reader, fused per position (readers/fusion.ts). A confident read
    // stands even when check digits disagree (a forged digit must stay forged); Tesseract only
    // helps where neither found the MRZ or the fused read doubted many characters.
    onProgress?.();
    const fused = bestReading(paddle, glyphs);
    if (fused) {
      if (consider(fused.lines, fused.lines.join('\n'), fused.confidence, fused)) return best;
      const decisive = fused.confidence >= DECISIVE_GLYPH_CONFIDENCE && fused.complete && validCheckDigits(fused.format, fused.lines) >= 2;
      if (decisive) return { ...best, settled: true };
      reads.push(fused.lines);
    }
    if (!tesseract) return best;
    for (const pass of PASSES) {
      const { text, confidence } = await this.recognize(image, pass, onProgress);
      if (!best.rawText) best = { ...best, rawText: text, confidence };
      const found = mrzLinesFrom(text);
      if (!found) continue;
      if (consider(found, text, confidence)) return best;
      // Different passes misread different lines: also try each line of this read with the others.
      for (const earlier of reads.filter((r) => r.length === found.length)) {
        for (let i = 0; i < found.length; i++) {
          const mixed = earlier.map((line, k) => (k === i ? found[i]! : line));
          if (consider(mixed, text, confidence)) return best;
        }
      }
      reads.push(found);
    }
    return best;
  }

  async close(): Promise<void> {
    const paddle = this.paddle;
    this.paddle = null;
    await Promise.all([...this.idle.splice(0).map((worker) => worker.terminate()), paddle?.then((ocr) => ocr.release(), () => undefined)]);
  }
}
