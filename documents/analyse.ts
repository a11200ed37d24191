import { editingSoftware } from './image-metadata';
import { extractFromMrz, UnreadableDocumentError, type Extraction } from './mrz/extraction';
import { checkDigitCount, formatOf, validCheckDigits } from './mrz/layout';
import type { MrzReader } from './readers/mrz-reader';
import type { VizLine } from './readers/viz-reader';
import { compareVisualZone } from './visual-zone';

/** The page's text compared with the MRZ read from it, when the page could be read. */
function visualZoneOf(lines: VizLine[], extraction: Extraction, now: Date): Pick<Extraction, 'visualZone'> {
  const visualZone = compareVisualZone(lines, extraction.fields, now);
  return visualZone ? { visualZone } : {};
}

export interface DocumentInput {
  images: Buffer[];
  mrzText?: string | null;
}

/**
 * Extraction from what a client sent: MRZ text skips OCR; otherwise the images (front, then back)
 * are read until one yields an MRZ whose check digits all agree, else the best read is kept. Image
 * quality is that of the image the MRZ was read from; traces of editing software are looked for in
 * every image. Both are kept with the extraction for the checks. Null when nothing was readable.
 */
export async function extractDocument(reader: Pick<MrzReader, 'read'>, input: DocumentInput, onProgress?: () => void, now = new Date()): Promise<Extraction | null> {
  const edited = input.images.map(editingSoftware).find((software) => software !== null) ?? null;
  const image = input.images.length > 0 ? { editingSoftware: edited } : undefined;
  if (input.mrzText) {
    try {
      return { ...extractFromMrz(input.mrzText, 'mrz_text', now), ...(image && { image: { ...image, width: 0, height: 0, sharpness: null } }) };
    } catch (error) {
      if (!(error instanceof UnreadableDocumentError)) throw error;
    }
  }
  // The MRZ may be on any image (an ID card's is on the back): each is read in turn; the read with
  // the most agreeing check digits wins, and one whose check digits all agree ends the search.
  // Several images are first each looked at quickly (the whole frame only), and only those where no
  // MRZ was found that way are then searched thoroughly: a card's front, which has none, would
  // otherwise cost every look there is (seconds) before its back is read.
  type Read = { extraction: Extraction; agreeing: number; settled: boolean; allAgree: boolean };
  // Images read to the end already: an MRZ was found, or the file is no image at all.
  const done = new Set<Buffer>();
  const readImage = async (bytes: Buffer, quick: boolean): Promise<Read | null> => {
    let result;
    try {
      result = await reader.read(bytes, onProgress, { quick });
    } catch {
      // A file that only looks like an image (right magic bytes, corrupt data) cannot be read.
      done.add(bytes);
      return null;
    }
    const format = result.lines ? formatOf(result.lines) : null;
    if (!result.lines || !format) return null;
    done.add(bytes);
    let extraction: Extraction;
    try {
      extraction = extractFromMrz(result.lines.join('\n'), 'ocr', now);
    } catch (error) {
      if (!(error instanceof UnreadableDocumentError)) throw error;
      return null;
    }
    const agreeing = validCheckDigits(format, result.lines);
    return {
      agreeing,
      settled: result.settled,
      allAgree: agreeing === checkDigitCount(format, result.lines),
      extraction: {
        ...extraction,
        confidence: Number((extraction.confidence * Math.max(0.5, result.confidence)).toFixed(3)),
        checkDigitsGuessed: result.guessed,
        image: { ...result.quality, editingSoftware: edited },
        ...visualZoneOf(result.visualZone, extraction, now),
      },
    };
  };
  let best: Read | null = null;
  for (const quick of input.images.length > 1 ? [true, false] : [false]) {
    for (const bytes of input.images) {
      if (done.has(bytes)) continue;
      const read = await readImage(bytes, quick);
      if (!read) continue;
      if (!best || read.agreeing > best.agreeing || (read.agreeing === best.agreeing && read.settled && !best.settled)) best = read;
      if (read.allAgree) return best.extraction;
    }
  }
  return best?.extraction ?? null;
}
