import fs from 'node:fs';
import path from 'node:path';
import { evaluateDocument, summarise, type DocumentResult } from '../corpus/evaluate';
import { ManifestError, readManifest } from '../corpus/manifest';
import { loadConfig, loadDotEnv } from '../config';
import { MrzReader } from '../documents/readers/mrz-reader';
import { SightingsReader } from '../corpus/sightings';
import { scriptOptions } from './options';

/**
 * `npm run eval -- --corpus DIR [--json OUT] [--sightings CACHE]`: extraction and checks on every
 * document of a corpus (DIR/manifest.json), then field accuracy, decision accuracy with a confusion
 * matrix, per-reason recall and time per document. The checks run with the worker's configuration
 * (MINIMUM_AGE). With `--sightings`, what the readers saw of each image is kept in CACHE and read
 * from there on the next run (corpus/sightings.ts): for changes to the fusion rules only.
 */
async function main(): Promise<void> {
  const usage = 'usage: npm run eval -- --corpus DIR [--json OUT] [--sightings CACHE]';
  const values = scriptOptions('eval', usage, { corpus: { type: 'string' }, json: { type: 'string' }, sightings: { type: 'string' } });
  if (!values.corpus) {
    console.error(usage);
    process.exit(2);
  }
  const dir = path.resolve(values.corpus);
  const documents = readManifest(dir);
  loadDotEnv();
  const { MINIMUM_AGE: minimumAge } = loadConfig();
  const reader = values.sightings ? new SightingsReader(path.resolve(values.sightings)) : new MrzReader(1);
  const seen = new Map<string, string>();
  const results: DocumentResult[] = [];
  try {
    for (const doc of documents) results.push(await evaluateDocument(reader, dir, doc, seen, { minimumAge }));
  } finally {
    await reader.close();
  }
  const report = summarise(results);

  console.log(`\n${report.documents} documents from ${dir}\n`);
  console.log(`field accuracy: ${(report.fieldAccuracy.overall * 100).toFixed(2)} %, documents with every field right: ${report.fieldAccuracy.documentsFullyRead}/${report.documents}`);
  console.table(Object.fromEntries(Object.entries(report.fieldAccuracy.perField).map(([k, v]) => [k, `${(v * 100).toFixed(2)} %`])));
  console.log(`decision accuracy: ${(report.decisionAccuracy * 100).toFixed(2)} %   (rows: expected, columns: actual)`);
  console.table(report.confusion);
  console.log('reason recall');
  console.table(Object.fromEntries(Object.entries(report.reasonRecall).map(([k, v]) => [k, `${v.found}/${v.expected} (${(v.recall * 100).toFixed(1)} %)`])));
  if (values.sightings) console.log(`(--sightings: images already kept in ${values.sightings} were not read again; their times below are not reading times)`);
  console.log(`time per document: p50 ${report.msPerDocument.p50} ms, p95 ${report.msPerDocument.p95} ms; per image read: p50 ${report.msPerImage.p50} ms, p95 ${report.msPerImage.p95} ms; slowest: ${report.slowest.map((s) => `${s.id} ${s.ms} ms`).join(', ')}`);
  console.log('by kind of image');
  console.table(
    Object.fromEntries(
      Object.entries(report.byKind).map(([kind, k]) => [
        kind,
        {
          documents: k.documents,
          fields: `${(k.overall * 100).toFixed(2)} %`,
          'fully read': `${k.documentsFullyRead}/${k.documents}`,
          'p50 ms': k.msPerDocument.p50,
          'p95 ms': k.msPerDocument.p95,
          'p50 ms/image': k.msPerImage.p50,
          'p95 ms/image': k.msPerImage.p95,
        },
      ]),
    ),
  );
  if (report.byPageShare) {
    console.log("by the page's share of the frame's side (photo sets)");
    console.table(
      Object.fromEntries(
        Object.entries(report.byPageShare).map(([share, k]) => [share, { documents: k.documents, fields: `${(k.overall * 100).toFixed(2)} %`, 'fully read': `${k.documentsFullyRead}/${k.documents}` }]),
      ),
    );
  }
  // The process's peak resident memory: the models, the reader and the documents of this run.
  const peakRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  console.log(`peak RSS: ${peakRssMiB} MiB`);
  const page = report.visualZone;
  console.log(`visual zone (viz_mrz_mismatch): pass ${page.pass}, consider ${page.consider}, absent ${page.absent}${page.considered.map((c) => `\n  consider ${c.id}: ${c.disagreeing.join(', ')}`).join('')}`);
  if (report.failures.length) {
    console.log('\nmisclassified:');
    for (const f of report.failures) console.log(`  ${f.id}: expected ${f.expected} [${f.expectedReasons.join(', ')}], got ${f.actual} [${f.reasons.join(', ')}]`);
  }
  if (report.misread.length) {
    console.log('\nmisread fields:');
    for (const m of report.misread) console.log(`  ${m.id}: ${m.field} read ${JSON.stringify(m.read)}, printed ${JSON.stringify(m.truth)}`);
  }
  if (values.json) {
    const { failures: _failures, misread: _misread, documents: _count, ...numbers } = report;
    // Each document's times too, so that runs over several corpora (photo seeds) can be pooled.
    const times = results.map((r) => ({ id: r.id, ms: Math.round(r.ms), imageMs: r.imageMs.map(Math.round) }));
    fs.writeFileSync(values.json, JSON.stringify({ ...numbers, documents: report.documents, peakRssMiB, failures: report.failures, misread: report.misread, times }, null, 2) + '\n');
  }
}

main().catch((error: unknown) => {
  if (error instanceof ManifestError) {
    console.error(`eval: ${error.message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
