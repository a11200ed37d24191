import fs from 'node:fs';
import path from 'node:path';
import { assess } from '../domain/decision';
import { runChecks } from '../documents/checks';
import { extractDocument } from '../documents/analyse';
import type { ManifestDocument } from './generate';
import type { MrzReader } from '../documents/readers/mrz-reader';

export const TRUTH_FIELDS = ['documentNumber', 'lastName', 'firstName', 'birthDate', 'expirationDate', 'nationality', 'issuingState', 'sex'] as const;
type Outcome = 'accepted' | 'rejected' | 'review';
const OUTCOMES: Outcome[] = ['accepted', 'rejected', 'review'];

export interface DocumentResult {
  id: string;
  kind: string;
  expected: Outcome;
  actual: Outcome;
  expectedReasons: string[];
  reasons: string[];
  fieldsCorrect: Record<string, boolean>;
  /** Fields read differently from the truth: what was read, and what is printed. */
  misread: Array<{ field: string; read: string | null; truth: string }>;
  /** The viz_mrz_mismatch check's result (null: absent, the page's text was not read) and the fields it found differing. */
  visualZone: { result: 'pass' | 'consider' | null; disagreeing: string[] };
  ms: number;
  /** Time of each image read (a two-sided card may need both). */
  imageMs: number[];
  /** The manifest's `pageShare`, for a photo set `npm run corpus -- --photos` made. */
  pageShare?: number;
}

export interface FieldAccuracy {
  overall: number;
  perField: Record<string, number>;
  /** Documents with every field read right. */
  documentsFullyRead: number;
}

export interface EvaluationReport {
  documents: number;
  fieldAccuracy: FieldAccuracy;
  /** The same per kind of image (scan, photo, render) when the manifest says. */
  byKind: Record<string, FieldAccuracy & { documents: number; msPerDocument: { p50: number; p95: number }; msPerImage: { p50: number; p95: number } }>;
  /**
   * The same by how large the page lies in the frame (the manifest's `pageShare`, in PAGE_SHARES'
   * ranges), for a photo set that says: absent otherwise.
   */
  byPageShare?: Record<string, FieldAccuracy & { documents: number }>;
  decisionAccuracy: number;
  /** confusion[expected][actual] */
  confusion: Record<Outcome, Record<Outcome, number>>;
  reasonRecall: Record<string, { expected: number; found: number; recall: number }>;
  msPerDocument: { p50: number; p95: number };
  msPerImage: { p50: number; p95: number };
  /** The three slowest documents. */
  slowest: Array<{ id: string; ms: number }>;
  failures: Array<Pick<DocumentResult, 'id' | 'expected' | 'actual' | 'expectedReasons' | 'reasons'>>;
  misread: Array<{ id: string; field: string; read: string | null; truth: string }>;
  /** The visual zone check over the corpus: how often it passed, said consider (with the fields) or was absent. */
  visualZone: { pass: number; consider: number; absent: number; considered: Array<{ id: string; disagreeing: string[] }> };
}

const normalise = (value: unknown) => String(value ?? '').toUpperCase().replace(/[^A-Z0-9-]+/g, ' ').trim();
/** Dates are compared as printed (YYMMDD): the century is a parsing rule, not a reading. */
const printedDate = (value: unknown) => String(value ?? '').replace(/-/g, '').slice(2);
const sameField = (field: (typeof TRUTH_FIELDS)[number], read: unknown, truth: unknown) =>
  field === 'birthDate' || field === 'expirationDate' ? printedDate(read) === printedDate(truth) : normalise(read) === normalise(truth);

/** Runs extraction and the checks on one manifest document, as the worker does for a verification (with its minimum age). */
export async function evaluateDocument(reader: MrzReader, dir: string, doc: ManifestDocument, seen: Map<string, string>, { minimumAge }: { minimumAge: number }): Promise<DocumentResult> {
  const started = performance.now();
  const images = doc.images.map((name) => fs.readFileSync(path.join(dir, name)));
  // Time per image, over every read of it (a quick look, then a thorough search where that found nothing).
  const msByImage = new Map<Buffer, number>();
  const timed = {
    read: async (...args: Parameters<MrzReader['read']>) => {
      const start = performance.now();
      try {
        return await reader.read(...args);
      } finally {
        msByImage.set(args[0], (msByImage.get(args[0]) ?? 0) + performance.now() - start);
      }
    },
  };
  const extraction = await extractDocument(timed, { images, mrzText: doc.mrz });
  let reasons: string[];
  let actual: Outcome;
  if (!extraction) {
    reasons = ['document_unreadable'];
    actual = 'rejected';
  } else {
    const number = extraction.fields.documentNumber ?? '';
    const holder = normalise(`${extraction.fields.lastName} ${extraction.fields.birthDate}`);
    const duplicate = seen.has(number) && seen.get(number) !== holder;
    if (number && !seen.has(number)) seen.set(number, holder);
    const assessment = assess(runChecks(extraction, { applicant: doc.applicant ?? null, now: new Date(), minimumAge, duplicateOfOtherPerson: duplicate }));
    reasons = assessment.reasons.map((r) => r.code);
    actual = assessment.outcome;
  }
  const fieldsCorrect = Object.fromEntries(
    TRUTH_FIELDS.map((field) => [field, extraction !== null && sameField(field, extraction.fields[field], doc.truth[field])]),
  );
  const misread = TRUTH_FIELDS.filter((field) => !fieldsCorrect[field]).map((field) => ({
    field,
    read: extraction?.fields[field] ?? null,
    truth: doc.truth[field],
  }));
  const page = extraction?.visualZone;
  const visualZone = { result: page ? (page.disagreeing.length ? ('consider' as const) : ('pass' as const)) : null, disagreeing: page?.disagreeing ?? [] };
  return {
    id: doc.id,
    kind: doc.kind ?? 'render',
    expected: doc.expected,
    actual,
    expectedReasons: doc.expectedReasons,
    reasons,
    fieldsCorrect,
    misread,
    visualZone,
    ms: performance.now() - started,
    imageMs: [...msByImage.values()],
    ...(doc.pageShare !== undefined && { pageShare: doc.pageShare }),
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!) : 0;
}

const round = (x: number) => Number(x.toFixed(4));

function fieldAccuracy(results: DocumentResult[]): FieldAccuracy {
  const perField = Object.fromEntries(TRUTH_FIELDS.map((f) => [f, results.filter((r) => r.fieldsCorrect[f]).length / results.length]));
  return {
    overall: round(Object.values(perField).reduce((a, b) => a + b, 0) / TRUTH_FIELDS.length),
    perField: Object.fromEntries(Object.entries(perField).map(([k, v]) => [k, round(v)])),
    documentsFullyRead: results.filter((r) => TRUTH_FIELDS.every((f) => r.fieldsCorrect[f])).length,
  };
}

/**
 * The ranges of a photo's page share the report breaks accuracy down by: a page a quarter to a
 * third of the frame's side prints its MRZ 5–8 px a character at 1600 × 1200.
 */
const PAGE_SHARES: Array<{ name: string; from: number; to: number }> = [
  { name: '0.25–0.3', from: 0, to: 0.3 },
  { name: '0.3–0.4', from: 0.3, to: 0.4 },
  { name: '0.4–0.5', from: 0.4, to: 0.5 },
  { name: '0.5–1', from: 0.5, to: Infinity },
];

function byPageShare(results: DocumentResult[]): EvaluationReport['byPageShare'] {
  const shared = results.filter((r) => r.pageShare !== undefined);
  if (!shared.length) return undefined;
  return Object.fromEntries(
    PAGE_SHARES.flatMap(({ name, from, to }) => {
      const subset = shared.filter((r) => r.pageShare! >= from && r.pageShare! < to);
      return subset.length ? [[name, { documents: subset.length, ...fieldAccuracy(subset) }]] : [];
    }),
  );
}

const spread = (ms: number[]) => ({ p50: percentile(ms, 50), p95: percentile(ms, 95) });
const timing = (results: DocumentResult[]) => spread(results.map((r) => r.ms));
const imageTiming = (results: DocumentResult[]) => spread(results.flatMap((r) => r.imageMs));

export function summarise(results: DocumentResult[]): EvaluationReport {
  const confusion = Object.fromEntries(OUTCOMES.map((e) => [e, Object.fromEntries(OUTCOMES.map((a) => [a, 0]))])) as EvaluationReport['confusion'];
  for (const r of results) confusion[r.expected][r.actual]++;
  const reasonRecall: EvaluationReport['reasonRecall'] = {};
  for (const r of results) {
    for (const code of r.expectedReasons) {
      const entry = (reasonRecall[code] ??= { expected: 0, found: 0, recall: 0 });
      entry.expected++;
      if (r.reasons.includes(code)) entry.found++;
    }
  }
  for (const entry of Object.values(reasonRecall)) entry.recall = entry.found / entry.expected;
  const kinds = [...new Set(results.map((r) => r.kind))].sort();
  const shares = byPageShare(results);
  return {
    documents: results.length,
    fieldAccuracy: fieldAccuracy(results),
    byKind: Object.fromEntries(
      kinds.map((kind) => {
        const subset = results.filter((r) => r.kind === kind);
        return [kind, { documents: subset.length, ...fieldAccuracy(subset), msPerDocument: timing(subset), msPerImage: imageTiming(subset) }];
      }),
    ),
    ...(shares && { byPageShare: shares }),
    decisionAccuracy: round(results.filter((r) => r.actual === r.expected).length / results.length),
    confusion,
    reasonRecall,
    msPerDocument: timing(results),
    msPerImage: imageTiming(results),
    slowest: [...results].sort((a, b) => b.ms - a.ms).slice(0, 3).map((r) => ({ id: r.id, ms: Math.round(r.ms) })),
    failures: results.filter((r) => r.actual !== r.expected).map(({ id, expected, actual, expectedReasons, reasons }) => ({ id, expected, actual, expectedReasons, reasons })),
    misread: results.flatMap((r) => r.misread.map((m) => ({ id: r.id, ...m }))),
    visualZone: {
      pass: results.filter((r) => r.visualZone.result === 'pass').length,
      consider: results.filter((r) => r.visualZone.result === 'consider').length,
      absent: results.filter((r) => r.visualZone.result === null).length,
      considered: results.filter((r) => r.visualZone.result === 'consider').map((r) => ({ id: r.id, disagreeing: r.visualZone.disagreeing })),
    },
  };
}
