import fs from 'node:fs';
import path from 'node:path';
import { generateDocument, pickVariant } from '../corpus/generate';
import { ManifestError } from '../corpus/manifest';
import { writePhotoSet } from '../corpus/photos';
import { seededRandom } from '../lib/random';
import { scriptOptions } from './options';

/**
 * `npm run corpus -- --out DIR --n 200 --seed 1`: renders a labelled synthetic corpus (passports
 * and ID cards, genuine and forged) and writes DIR/manifest.json. Synthetic data only.
 * `--mrz-font FILE` prints the MRZ in another font (e.g. an OCR-B .otf) to test the reader on a
 * font it has no templates for.
 * `--from SET --photos --out DIR [--seed 1] [--variants 1] [--keep-photos] [--frame 1600x1200]`:
 * camera-like photos of the scans and renders of another set (e.g. ../shared/real-documents), with
 * the same truth; `--frame 4032x3024` takes the same photos at a phone camera's full size.
 */
const USAGE = [
  'usage: npm run corpus -- --out DIR [--n 200] [--seed 1] [--mrz-font FILE]',
  '       npm run corpus -- --from SET --photos --out DIR [--seed 1] [--variants 1] [--keep-photos] [--frame 1600x1200]',
].join('\n');
const values = scriptOptions('corpus', USAGE, {
  out: { type: 'string' },
  n: { type: 'string', default: '200' },
  seed: { type: 'string', default: '1' },
  'mrz-font': { type: 'string' },
  from: { type: 'string' },
  photos: { type: 'boolean', default: false },
  variants: { type: 'string', default: '1' },
  'keep-photos': { type: 'boolean', default: false },
  frame: { type: 'string' },
});
// The photos' default frame is samplePhotoParams' own.
const frame = values.frame === undefined ? undefined : /^(\d{3,5})x(\d{3,5})$/.exec(values.frame);
if (!values.out || Boolean(values.from) !== values.photos || frame === null) {
  console.error(USAGE);
  process.exit(2);
}
const out = path.resolve(values.out);
const photoFrame = frame && { width: Number(frame[1]), height: Number(frame[2]) };
const variants = Number(values.variants);
// A nonsense count is said in one line, like a missing manifest (or --out over --from), not as a stack trace.
if (values.from && (!Number.isInteger(variants) || variants < 1)) {
  console.error('corpus: --variants must be a whole number ≥ 1');
  process.exit(2);
}

function synthetic(): void {
  const n = Number(values.n);
  const random = seededRandom(Number(values.seed));
  fs.mkdirSync(out, { recursive: true });

  const documents = [];
  const counts: Record<string, number> = {};
  for (let i = 1; i <= n; i++) {
    const variant = pickVariant(random);
    counts[variant] = (counts[variant] ?? 0) + 1;
    const { entry, files } = generateDocument(`doc-${String(i).padStart(4, '0')}`, variant, random, new Date(), { mrzFont: values['mrz-font'] });
    for (const file of files) fs.writeFileSync(path.join(out, file.name), file.bytes);
    documents.push(entry);
  }
  fs.writeFileSync(path.join(out, 'manifest.json'), JSON.stringify({ documents }, null, 2) + '\n');
  console.log(`wrote ${n} documents to ${out}`);
  console.table(counts);
}

async function photos(from: string): Promise<void> {
  const documents = await writePhotoSet(path.resolve(from), out, { seed: Number(values.seed), variants, keepPhotos: values['keep-photos'], frame: photoFrame });
  const counts: Record<string, number> = {};
  for (const doc of documents) counts[doc.kind ?? 'render'] = (counts[doc.kind ?? 'render'] ?? 0) + 1;
  console.log(`wrote ${documents.length} documents to ${out}`);
  console.table(counts);
}

if (values.from) {
  photos(values.from).catch((error: unknown) => {
    if (error instanceof ManifestError) {
      console.error(`corpus: ${error.message}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  });
} else {
  synthetic();
}
