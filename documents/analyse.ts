import { editingSoftware } from './image-metadata';
import { extractFromMrz, UnreadableDocumentError, type Extraction } from './extraction';
import type { MrzReader } from './ocr';

export interface DocumentInput {
  images: Buffer[];
  mrzText?: string | null;
}

/**
 * Extraction from what a client sent: MRZ text skips OCR; otherwise each image (front, then back)
 * is read until one yields an MRZ. Image quality and metadata are measured on the first image and
 * kept with the extraction for the checks. Returns null when nothing readable was found.
 */
export async function extractDocument(reader: MrzReader, input: DocumentInput, onProgress?: () => void, now = new Date()): Promise<Extraction | null> {
  const first = input.images[0];
  const image = first ? { editingSoftware: editingSoftware(first) } : undefined;
  if (input.mrzText) {
    try {
      return { ...extractFromMrz(input.mrzText, 'mrz_text', now), ...(image && { image: { ...image, width: 0, height: 0, sharpness: null } }) };
    } catch (error) {
      if (!(error instanceof UnreadableDocumentError)) throw error;
    }
  }
  let quality: { width: number; height: number; sharpness: number | null } | undefined;
  for (const bytes of input.images) {
    let result;
    try {
      result = await reader.read(bytes, onProgress);
    } catch {
      // A file that only looks like an image (right magic bytes, corrupt data) cannot be read.
      continue;
    }
    quality ??= result.quality;
    if (!result.lines) continue;
    try {
      const extraction = extractFromMrz(result.lines.join('\n'), 'ocr', now);
      return {
        ...extraction,
        confidence: Number((extraction.confidence * Math.max(0.5, result.confidence)).toFixed(3)),
        checkDigitsGuessed: result.guessed,
        image: { ...quality, editingSoftware: image?.editingSoftware ?? null },
      };
    } catch (error) {
      if (!(error instanceof UnreadableDocumentError)) throw error;
    }
  }
  return null;
}
