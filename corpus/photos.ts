import fs from 'node:fs';
import path from 'node:path';
import { seededRandom } from '../lib/random';
import type { ManifestDocument } from './generate';
import { ManifestError, readManifest } from './manifest';
import { samplePhotoParams, type PhotoParams } from './photo-geometry';
import { photograph } from './photo-scene';

/** Flat images of a page become photos; real photos are photos already. */
const SOURCE_KINDS = new Set(['scan', 'render']);

export interface PhotoSetOptions {
  seed: number;
  /** Photos per source document. */
  variants: number;
  /** Copy the source set's own photos through unchanged (their files and entries). */
  keepPhotos?: boolean;
  /** The camera's frame, landscape (a portrait page turns it); 1600 × 1200 unless given. */
  frame?: { width: number; height: number };
}

/** FNV-1a: each photo's randomness follows from the seed and its id alone, not from the order of the set. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export function isPhotoSource(doc: ManifestDocument): boolean {
  return SOURCE_KINDS.has(doc.kind ?? '') && doc.images.length > 0;
}

/** The entry of photo `n` of `doc`: the same truth, MRZ lines and expectations, new images, `source` naming the original. */
export function photoEntry(doc: ManifestDocument, n: number): ManifestDocument {
  const id = `${doc.id}-p${n}`;
  const images = doc.images.length === 1 ? [`${id}.jpg`] : doc.images.map((_, i) => `${id}-${i + 1}.jpg`);
  return { ...doc, id, images, kind: 'photo', source: doc.id };
}

/**
 * Turns the scans and renders of the set in `from` (a manifest.json in the format of `npm run eval`)
 * into camera-like photos in `out`, each image of a document photographed separately, and writes
 * `out/manifest.json`. Returns the new manifest's documents.
 */
export async function writePhotoSet(from: string, out: string, options: PhotoSetOptions): Promise<ManifestDocument[]> {
  if (path.resolve(from) === path.resolve(out)) throw new ManifestError('the photo set needs its own folder: --out would overwrite the source manifest');
  const documents = readManifest(from);
  fs.mkdirSync(out, { recursive: true });
  const written: ManifestDocument[] = [];
  for (const doc of documents) {
    if (options.keepPhotos && doc.kind === 'photo') {
      for (const image of doc.images) fs.copyFileSync(path.join(from, image), path.join(out, image));
      written.push(doc);
    }
    if (!isPhotoSource(doc)) continue;
    for (let n = 1; n <= options.variants; n++) {
      const entry = photoEntry(doc, n);
      const photos = await photographDocument(from, doc, n, options);
      for (const [i, { jpeg }] of photos.entries()) fs.writeFileSync(path.join(out, entry.images[i]!), jpeg);
      written.push({ ...entry, pageShare: Number(photos[0]!.params.fill.toFixed(3)) });
    }
  }
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ documents: written }, null, 2) + '\n');
  return written;
}

/**
 * Photo `n` of `doc` (its images in `from`) as `writePhotoSet` takes it with these options: one JPEG
 * per image, the same bytes whether the set is made whole or this photo alone (a test's), and how
 * each was taken.
 */
export async function photographDocument(
  from: string,
  doc: ManifestDocument,
  n: number,
  options: Pick<PhotoSetOptions, 'seed' | 'frame'>,
): Promise<Array<{ jpeg: Buffer; params: PhotoParams }>> {
  const random = seededRandom(hash(`${options.seed}:${photoEntry(doc, n).id}`));
  const photos: Array<{ jpeg: Buffer; params: PhotoParams }> = [];
  for (const image of doc.images) {
    const params = samplePhotoParams(random, options.frame);
    photos.push({ jpeg: (await photograph(fs.readFileSync(path.join(from, image)), random, params)).jpeg, params });
  }
  return photos;
}
