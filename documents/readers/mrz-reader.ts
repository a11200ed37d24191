import os from 'node:os';
import { loadImage, type Image } from '@napi-rs/canvas';
import { measureQuality, type ImageQuality } from '../image-quality';
import { checkDigitCount, MRZ_LINE_LENGTHS, NAME_FIELD, validCheckDigits } from '../mrz/layout';
import { cellModel, readMrzCells } from './cell-reader';
import { bandPitch, bestReading, CELL_PITCH, DECISIVE_CONFIDENCE, fuse, settledAlone, settledByPaddle, SMALL_PITCH } from './fusion';
import { MAX_SKEW, readMrzGlyphs, zerosAmongDigits, type GlyphRead } from './glyph-reader';
import { cutOut, PaddleOcr, type TextBox } from './paddle';
import { correctFromPage } from './page-fusion';
import { readVisualZone, type VizLine } from './viz-reader';
import { BAND_WIDTH, levelLine, locateMrz, rereadStraight, type PaddleMrzRead } from './paddle-mrz';

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
  /** The printed text of the page above the MRZ (empty when no MRZ was found). */
  visualZone: VizLine[];
}

/** What the readers saw of one image, before their readings are fused and settled. */
export interface Sighting {
  quality: ImageQuality;
  /** PaddleOCR's reads of the MRZ: the first find and its band read again (none when no MRZ was found). */
  paddle: PaddleMrzRead[];
  glyphs: GlyphRead | null;
  /** The page's text above the MRZ (empty when no MRZ was found). */
  visualZone: VizLine[];
}

/**
 * The readers' readings fused (readers/fusion.ts), corrected from the page (readers/page-fusion.ts)
 * and settled by the check digits.
 */
export function conclude({ quality, paddle, glyphs, visualZone }: Sighting): OcrResult {
  const fused = bestReading(paddle, glyphs);
  if (!fused) return nothingRead(quality);
  // The glyph reader's own ranking is in template distances: the page is weighed against its odds.
  const readings = fused.sources === 'glyphs' && glyphs ? fuse(fused.format, null, glyphs).readings : fused.readings;
  const lines = zerosAmongDigits(fused.format, correctFromPage(fused.format, fused.lines, readings, visualZone).lines);
  const agreeing = validCheckDigits(fused.format, lines);
  // A confident read stands even when check digits disagree: a forged digit must stay forged.
  const settled = agreeing === checkDigitCount(fused.format, lines) || (fused.confidence >= DECISIVE_CONFIDENCE && fused.complete && agreeing >= 2);
  return { lines, confidence: fused.confidence, guessed: fused.guessed, settled, quality, visualZone };
}

/** The result of an image where no MRZ was read. */
const nothingRead = (quality: ImageQuality): OcrResult => ({ lines: null, confidence: 0, guessed: false, settled: false, quality, visualZone: [] });

/** The glyph reader is sure of a band when it laid out every position and read this share clearly. */
const SURE_GLYPHS = 0.9;
/** For the cell reader the band is cut out at this many times its size in the image (larger print: as if it were SMALL_PITCH). */
const CELL_SCALE = 4;
/**
 * From CELL_PITCH up to this pitch (px) the cell reader reads a doubtful band's name line only,
 * heard only to tell OCR-B's M and I from the R, N and T PaddleOCR's recognisers read for them
 * (fusion.ts, `letterFromCells`).
 */
export const NAME_PITCH = 24;
/** The longer side of the frame the pitches above were measured at (the photo sets' 1600 × 1200). */
const FRAME_SIDE = 1600;

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
    // Learnt (or read from the machine's cache) while the models load: wanted for small print only.
    void cellModel();
    this.paddle ??= PaddleOcr.load(Math.max(1, Math.min(2, os.availableParallelism() - this.slots + 1)));
    return this.paddle;
  }

  /**
   * Reads one image. A `quick` read looks only at the whole frame (`locateMrz`'s first passes) and
   * gives up where those find no MRZ, without the closer looks or the glyph reader's search of the
   * whole page: for a document sent as several images, most of which (a card's front) hold none.
   */
  async read(bytes: Buffer, onProgress?: () => void, options: { quick?: boolean } = {}): Promise<OcrResult> {
    return conclude(await this.gather(bytes, onProgress, options));
  }

  /** What the readers saw of one image (the costly part of `read`): see `conclude`. */
  protected async gather(bytes: Buffer, onProgress?: () => void, { quick = false }: { quick?: boolean } = {}): Promise<Sighting> {
    const image = await loadImage(bytes);
    const quality = measureQuality(image);
    const ocr = await this.prepare();
    const wholeFrame: TextBox[] = [];
    const found = await locateMrz(ocr, image, onProgress, { quick, wholeFrame });
    if (!found && quick) return { quality, paddle: [], glyphs: null, visualZone: [] };
    const paddle = found ? [found] : [];
    // Where PaddleOCR found no MRZ, the glyph reader searches the whole page — a page it can read:
    // level (its skew search spans ±8°, its turns are quarter turns) and printed large enough for
    // PaddleOCR to see lines at the whole frame's scale. Elsewhere (a small page in a photo's
    // clutter, at a slant) its search cost 0.6–2.3 s and never found an MRZ.
    let glyphs = found || levelLine(wholeFrame, (MAX_SKEW * Math.PI) / 180) ? await this.readGlyphs(image, found) : null;
    onProgress?.();
    // A doubtful read (a photo: small, tilted print) is read again on its band cut out straight —
    // unless the glyph reader read the band surely: another, weaker reading would only give the check
    // digits more ways to agree with a misread (or a forgery).
    const glyphsSure = glyphs !== null && glyphs.complete && glyphs.confidence >= SURE_GLYPHS;
    if (found && !settledAlone(found)) {
      if (glyphsSure) {
        // Read surely by the glyph reader, not by PaddleOCR's first model: the cell reader still reads
        // the name line, to tell OCR-B's M and I from the R, N and T the others read there (seed 130's
        // `CHRTSTOPHE`, the glyph reader sure of the band at 0.91). About 0.1 s, on a tenth of photos.
        await this.hearCells(image, found, { nameOnly: true });
      } else {
        const again = await rereadStraight(ocr, image, found, onProgress);
        // Small print is read by the cell reader too: on the band read again — or the first find's,
        // where the band read again lost one of its lines (a card's three lines found as two, read as
        // TD2: the cells' places, and so all they read, wrong).
        await this.hearCells(image, again && again.lines.length >= found.lines.length ? again : found);
        if (again) {
          paddle.push(again);
          const closer = await this.readGlyphs(image, again);
          if (closer && (!glyphs || closer.confidence > glyphs.confidence)) glyphs = closer;
        }
      }
    }
    const visualZone = found ? await readVisualZone(ocr, image, found, onProgress) : [];
    return { quality, paddle, glyphs, visualZone };
  }

  /**
   * The cell reader's reading of a band whose print is small (below CELL_PITCH, as at FRAME_SIDE),
   * heard in the fusion beside PaddleOCR's (on larger print the cell reader misreads more than
   * PaddleOCR's recognisers do); up to NAME_PITCH, and on a band PaddleOCR's models settle alone
   * (`settledByPaddle`: the fusion would hear nothing else of it), or with `nameOnly`, of its name
   * line only (`nameCells`); cut out so that its pitch in the image is at most small print's.
   */
  private async hearCells(image: Image, read: PaddleMrzRead, { nameOnly = false } = {}): Promise<void> {
    const lengths = MRZ_LINE_LENGTHS[read.format];
    const pitch = bandPitch(read);
    // How small the print is as at the photos' usual frame: a phone's full-size frame prints a page
    // at more pixels a character, and blurs it over as many more.
    const framePitch = pitch * Math.min(1, FRAME_SIDE / Math.max(image.width, image.height));
    if (framePitch >= NAME_PITCH) return;
    const model = await cellModel();
    if (!model) return;
    const everyLine = !nameOnly && framePitch < CELL_PITCH && !settledByPaddle(read);
    const scale = CELL_SCALE * Math.min(1, SMALL_PITCH / pitch);
    const band = cutOut(image, read.band, read.band.width * scale);
    const spacing = (read.band.height - 2 * read.margin) / lengths.length;
    const [nameLine] = NAME_FIELD[read.format];
    const places = lengths.map((_, l) =>
      everyLine || l === nameLine ? { cy: (read.margin + (l + 0.5) * spacing) * scale, left: read.margin * scale, right: (read.band.width - read.margin) * scale } : null,
    );
    const lines = readMrzCells(model, band, read.format, places);
    if (everyLine) read.cells = lines;
    else read.nameCells = lines;
  }

  /**
   * The glyph reader on the MRZ band PaddleOCR found, cut out straight (a photo's tilt, turn and
   * scale undone; the band read again when there was one); on the whole page only when PaddleOCR
   * found no MRZ (on a photo the whole page costs seconds and finds no more than the band).
   */
  private readGlyphs(image: Image, paddle: PaddleMrzRead | null): Promise<GlyphRead | null> {
    return paddle ? readMrzGlyphs(cutOut(image, paddle.band, BAND_WIDTH), { band: true }) : readMrzGlyphs(image);
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
