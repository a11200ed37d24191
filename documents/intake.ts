import { sha256Hex } from '../lib/crypto';
import { newId } from '../lib/ids';
import type { NewDocument } from '../db/repositories/verifications';

export class DocumentIntakeError extends Error {
  override name = 'DocumentIntakeError';
  constructor(
    readonly code: 'invalid_base64' | 'unsupported_media_type' | 'document_too_large',
    readonly path: string,
    message: string,
  ) {
    super(message);
  }
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const DATA_URL = /^data:[a-z]+\/[a-z0-9.+-]+;base64,/i;

export function sniffImageType(bytes: Uint8Array): 'image/png' | 'image/jpeg' | null {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return 'image/png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'image/jpeg';
  return null;
}

/** Decoding more than this many pixels would take gigabytes of memory (a "decompression bomb"). */
export const MAX_IMAGE_PIXELS = 40_000_000;

/** Width and height from a PNG's IHDR or a JPEG's start-of-frame, without decoding; null if not found. */
export function imageDimensions(bytes: Uint8Array): { width: number; height: number } | null {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  if (sniffImageType(bytes) === 'image/png') {
    // Only a real IHDR chunk says anything; a corrupt file is left to the reader (document_unreadable).
    return bytes.length >= 24 && view.toString('latin1', 12, 16) === 'IHDR' ? { width: view.readUInt32BE(16), height: view.readUInt32BE(20) } : null;
  }
  if (sniffImageType(bytes) !== 'image/jpeg') return null;
  let offset = 2;
  while (offset + 9 < bytes.length) {
    if (bytes[offset] !== 0xff) return null;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset++;
      continue;
    }
    // Start-of-frame markers (baseline, progressive, …), not DHT (C4), JPG (C8) or DAC (CC).
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return { height: view.readUInt16BE(offset + 5), width: view.readUInt16BE(offset + 7) };
    }
    offset += 2 + view.readUInt16BE(offset + 2);
  }
  return null;
}

export function decodeImage(path: string, encoded: string, maxBytes: number): { bytes: Buffer; contentType: string } {
  const compact = encoded.replace(DATA_URL, '').replace(/\s+/g, '');
  if (compact.length % 4 !== 0 || !BASE64.test(compact)) throw new DocumentIntakeError('invalid_base64', path, `${path} is not valid base64`);
  if ((compact.length / 4) * 3 > maxBytes + 2) throw new DocumentIntakeError('document_too_large', path, `${path} is larger than ${maxBytes} bytes`);
  const bytes = Buffer.from(compact, 'base64');
  if (bytes.length > maxBytes) throw new DocumentIntakeError('document_too_large', path, `${path} is larger than ${maxBytes} bytes`);
  const contentType = sniffImageType(bytes);
  if (!contentType) throw new DocumentIntakeError('unsupported_media_type', path, `${path} must be a PNG or JPEG image`);
  const size = imageDimensions(bytes);
  if (size && size.width * size.height > MAX_IMAGE_PIXELS) {
    throw new DocumentIntakeError('document_too_large', path, `${path} is ${size.width}×${size.height} pixels; at most ${MAX_IMAGE_PIXELS / 1e6} megapixels`);
  }
  return { bytes, contentType };
}

export function imageDocument(side: string, bytes: Buffer, contentType: string): NewDocument {
  return { id: newId('document'), side, contentType, content: bytes, mrzText: null, sizeBytes: bytes.length, sha256: sha256Hex(bytes) };
}

export function mrzDocument(mrz: string): NewDocument {
  const text = mrz.trim().replace(/\r\n/g, '\n');
  return { id: newId('document'), side: 'mrz', contentType: 'text/plain', content: null, mrzText: text, sizeBytes: Buffer.byteLength(text), sha256: sha256Hex(text) };
}

/** A request's document: images (base64; an array, front then back, or {front, back}) and/or MRZ text. */
export interface DocumentsInput {
  images?: string[] | { front: string; back?: string | undefined } | undefined;
  mrz?: string | undefined;
}

/** Turns the request's images and MRZ text into documents. */
export function intakeDocuments(input: DocumentsInput, maxBytes: number): NewDocument[] {
  const sides: Array<[string, string]> = [];
  if (Array.isArray(input.images)) input.images.forEach((image, i) => sides.push([i === 0 ? 'front' : 'back', image]));
  else if (input.images) {
    sides.push(['front', input.images.front]);
    if (input.images.back) sides.push(['back', input.images.back]);
  }
  const documents = sides.map(([side, encoded]) => {
    const path = Array.isArray(input.images) ? `images.${side === 'front' ? 0 : 1}` : `images.${side}`;
    const { bytes, contentType } = decodeImage(path, encoded, maxBytes);
    return imageDocument(side, bytes, contentType);
  });
  if (input.mrz) documents.push(mrzDocument(input.mrz));
  return documents;
}
