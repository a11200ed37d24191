import fs from 'node:fs';
import { MrzReader } from './documents/ocr';
import { extractDocument } from './documents/analyse';
(async () => {
  const r = new MrzReader(1);
  const m = JSON.parse(fs.readFileSync('/tmp/corpus200/manifest.json', 'utf8')).documents.slice(0, 40);
  for (const d of m) {
    const e = await extractDocument(r, { images: d.images.map((i: string) => fs.readFileSync('/tmp/corpus200/' + i)), mrzText: d.mrz });
    if (e?.fields.documentNumber !== d.truth.documentNumber) console.log(d.id, d.expected, e?.fields.documentNumber, d.truth.documentNumber, e?.mrzLines.join(' / '));
  }
  await r.close();
})();
