import os from 'node:os';
import { loadImage, type Image } from '@napi-rs/canvas';
import { measureQuality, type ImageQuality } from '../image-quality';
import { checkDigitCount, validCheckDigits } from '../mrz/layout';
import { bestReading } from './fusion';
import { readMrzGlyphs, type GlyphRead } from './glyph-reader';
import { cutOut, PaddleOcr } from './paddle';
import { readMrzWithPaddle, type PaddleMrzRead } from './paddle-mrz';

export interface OcrResult {
  /** The MRZ lines read, or null when none were found. */
  lines: string[] | null;
  /** Share of positions read clearly, 0..1. */
  confidence: number;
  /** A check digit was settled by swapping a clearly printed look-alike (an analyst should look). */
  guessed: boolean;
  /** The read is final: every check digit agrees, or the readers were sure of nearly every character. */
  settled: boolean;
  quality: ImageQuality;
}

/** Share of clearly read positions above which a reading is final even if check digits disagree. */
const DECISIVE_CONFIDENCE = 0.85;
/** The MRZ band is cut out this wide for the glyph reader (a page's width at its working scale). */
const BAND_WIDTH = 1200;

/**
 * Reads the machine-readable zone of a document image offline with two readers: PaddleOCR
 * (detection finds the MRZ anywhere on the page; recognition trained on real images) and the glyph
 * reader (templates of MRZ fonts, calibrated on the document's own prints), fused per position and
 * settled by the check digits (readers/fusion.ts). The models load once per reader, that is once
 * per worker process.
 */
export class MrzReader {
  private paddle: Promise<PaddleOcr> | null = null;

  /** @param slots documents read at once (the worker's OCR_CONCURRENCY), to share the CPU between them. */
  constructor(private readonly slots = 1) {}

  prepare(): Promise<PaddleOcr> {
    this.paddle ??= PaddleOcr.load(Math.max(1, Math.min(2, os.availableParallelism() - this.slots + 1)));
    return this.paddle;
  }

  async read(bytes: Buffer, onProgress?: () => void): Promise<OcrResult> {
    const image = await loadImage(bytes);
    const quality = measureQuality(image);
    const paddle = await readMrzWithPaddle(await this.prepare(), image, onProgress);
    const glyphs = await this.readGlyphs(image, paddle);
    onProgress?.();
    const fused = bestReading(paddle, glyphs);
    if (!fused) return { lines: null, confidence: 0, guessed: false, settled: false, quality };
    const agreeing = validCheckDigits(fused.format, fused.lines);
    // A confident read stands even when check digits disagree: a forged digit must stay forged.
    const settled = agreeing === checkDigitCount(fused.format) || (fused.confidence >= DECISIVE_CONFIDENCE && fused.complete && agreeing >= 2);
    return { lines: fused.lines, confidence: fused.confidence, guessed: fused.guessed, settled, quality };
  }

  /**
   * The glyph reader on the MRZ band PaddleOCR found, cut out straight (a photo's tilt, turn and
   * scale undone); on the whole page when no band was found or the band read poorly.
   */
  private async readGlyphs(image: Image, paddle: PaddleMrzRead | null): Promise<GlyphRead | null> {
    const banded = paddle ? await readMrzGlyphs(cutOut(image, paddle.band, BAND_WIDTH)) : null;
    if (banded && banded.complete && banded.confidence >= DECISIVE_CONFIDENCE) return banded;
    const whole = await readMrzGlyphs(image);
    if (!banded || !whole) return banded ?? whole;
    const score = (read: GlyphRead) => validCheckDigits(read.format, read.lines) + read.confidence;
    return score(whole) > score(banded) ? whole : banded;
  }

  async close(): Promise<void> {
    const paddle = this.paddle;
    this.paddle = null;
    await paddle?.then(
      (ocr) => ocr.release(),
      () => undefined,
    );
  }
}
