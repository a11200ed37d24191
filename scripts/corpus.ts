import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { generateDocument, pickVariant } from '../corpus/generate';
import { seededRandom } from '../lib/random';

/**
 * `npm run corpus -- --out DIR --n 200 --seed 1`: renders a labelled synthetic corpus (passports
 * and ID cards, genuine and forged) and writes DIR/manifest.json. Synthetic data only.
 * `--mrz-font FILE` prints the MRZ in another font (e.g. an OCR-B .otf) to test the reader on a
 * font it has no templates for.
 */
const { values } = parseArgs({
  options: { out: { type: 'string' }, n: { type: 'string', default: '200' }, seed: { type: 'string', default: '1' }, 'mrz-font': { type: 'string' } },
});
if (!values.out) {
  console.error('usage: npm run corpus -- --out DIR [--n 200] [--seed 1] [--mrz-font FILE]');
  process.exit(2);
}
const out = path.resolve(values.out);
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
