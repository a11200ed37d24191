import fs from 'node:fs';
import path from 'node:path';
import type { ManifestDocument } from './generate';

/** A corpus folder without a readable manifest, or whose manifest a photo set would overwrite: said in one line, without a stack trace. */
export class ManifestError extends Error {}

/** The documents of DIR/manifest.json (`{"documents": [...]}`, as `npm run corpus` writes it). */
export function readManifest(dir: string): ManifestDocument[] {
  const file = path.join(dir, 'manifest.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new ManifestError(`no manifest at ${file}: a corpus folder holds manifest.json ({"documents": [...]}), as npm run corpus writes it`);
  }
  let documents: unknown;
  try {
    documents = (JSON.parse(text) as { documents?: unknown }).documents;
  } catch {
    throw new ManifestError(`${file} is not JSON`);
  }
  if (!Array.isArray(documents)) throw new ManifestError(`${file} holds no "documents" list`);
  return documents as ManifestDocument[];
}
