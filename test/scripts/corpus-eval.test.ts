import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { PROJECT_ROOT } from '../helpers/env';

const run = promisify(execFile);
const tsx = path.join(PROJECT_ROOT, 'node_modules/.bin/tsx');

describe('npm run corpus and npm run eval', () => {
  it('render a labelled corpus in the manifest format and evaluate it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycflow-corpus-'));
    try {
      await run(tsx, [path.join(PROJECT_ROOT, 'scripts/corpus.ts'), '--out', dir, '--n', '8', '--seed', '3'], { cwd: PROJECT_ROOT });
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
      expect(manifest.documents).toHaveLength(8);
      for (const doc of manifest.documents) {
        expect(doc).toMatchObject({ id: expect.stringMatching(/^doc-\d{4}$/), documentType: expect.stringMatching(/^(passport|id_card)$/), expected: expect.stringMatching(/^(accepted|rejected|review)$/) });
        expect(Object.keys(doc.truth).sort()).toEqual(['birthDate', 'documentNumber', 'expirationDate', 'firstName', 'issuingState', 'lastName', 'nationality', 'sex']);
        for (const image of doc.images) expect(fs.existsSync(path.join(dir, image))).toBe(true);
        expect(doc.images.length > 0 || typeof doc.mrz === 'string').toBe(true);
      }
      // The same seed renders the same corpus.
      const again = fs.mkdtempSync(path.join(os.tmpdir(), 'kycflow-corpus-'));
      await run(tsx, [path.join(PROJECT_ROOT, 'scripts/corpus.ts'), '--out', again, '--n', '8', '--seed', '3'], { cwd: PROJECT_ROOT });
      expect(fs.readFileSync(path.join(again, 'manifest.json'), 'utf8')).toBe(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8'));
      fs.rmSync(again, { recursive: true, force: true });

      const out = path.join(dir, 'report.json');
      const { stdout } = await run(tsx, [path.join(PROJECT_ROOT, 'scripts/eval.ts'), '--corpus', dir, '--json', out], { cwd: PROJECT_ROOT });
      expect(stdout).toContain('field accuracy');
      const report = JSON.parse(fs.readFileSync(out, 'utf8'));
      expect(report).toEqual(
        expect.objectContaining({
          fieldAccuracy: expect.objectContaining({ overall: expect.any(Number) }),
          decisionAccuracy: expect.any(Number),
          confusion: expect.objectContaining({ accepted: expect.any(Object), rejected: expect.any(Object), review: expect.any(Object) }),
          reasonRecall: expect.any(Object),
          msPerDocument: { p50: expect.any(Number), p95: expect.any(Number) },
        }),
      );
      const total = Object.values(report.confusion as Record<string, Record<string, number>>).flatMap((row) => Object.values(row)).reduce((a, b) => a + b, 0);
      expect(total).toBe(8);
      expect(report.decisionAccuracy).toBeGreaterThan(0.5);
      // Each document's times, one per image read, to pool several runs' percentiles.
      const documents = manifest.documents as Array<{ id: string; images: string[] }>;
      const times = report.times as Array<{ id: string; ms: number; imageMs: number[] }>;
      expect(times.map((t) => t.id)).toEqual(documents.map((d) => d.id));
      times.forEach((t, i) => {
        // An MRZ sent as text has no image to read; a two-sided card may need both read.
        expect(t.imageMs.length).toBeLessThanOrEqual(documents[i]!.images.length);
        expect(t.ms).toBeGreaterThanOrEqual(Math.max(0, ...t.imageMs) - 1);
      });
      expect(times.some((t) => t.imageMs.length > 0)).toBe(true);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('say in one line, with exit code 2 and no stack trace, that a folder holds no manifest or an option makes no sense', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycflow-corpus-'));
    try {
      for (const args of [
        ['scripts/eval.ts', '--corpus', dir],
        ['scripts/corpus.ts', '--from', dir, '--photos', '--out', path.join(dir, 'photos')],
      ]) {
        const failed = await run(tsx, [path.join(PROJECT_ROOT, args[0]!), ...args.slice(1)], { cwd: PROJECT_ROOT }).then(
          () => null,
          (error: { code: number; stderr: string }) => error,
        );
        expect(failed?.code).toBe(2);
        expect(failed?.stderr.trim()).toBe(`${args[0] === 'scripts/eval.ts' ? 'eval' : 'corpus'}: no manifest at ${path.join(dir, 'manifest.json')}: a corpus folder holds manifest.json ({"documents": [...]}), as npm run corpus writes it`);
      }
      fs.writeFileSync(path.join(dir, 'manifest.json'), '{"docs": []}');
      const failed = await run(tsx, [path.join(PROJECT_ROOT, 'scripts/eval.ts'), '--corpus', dir], { cwd: PROJECT_ROOT }).catch((error: { code: number; stderr: string }) => error);
      expect(failed).toMatchObject({ code: 2, stderr: expect.stringContaining('holds no "documents" list') });
      // The photo set written over its own source, or a nonsense count of variants: one line too.
      for (const [args, said] of [
        [['--out', dir], 'corpus: the photo set needs its own folder: --out would overwrite the source manifest'],
        [['--out', path.join(dir, 'photos'), '--variants', '0'], 'corpus: --variants must be a whole number ≥ 1'],
      ] as const) {
        const refused = await run(tsx, [path.join(PROJECT_ROOT, 'scripts/corpus.ts'), '--from', dir, '--photos', ...args], { cwd: PROJECT_ROOT }).catch((error: { code: number; stderr: string }) => error);
        expect(refused).toMatchObject({ code: 2, stderr: `${said}\n` });
      }
      // An unknown option: said with the usage, not as parseArgs' stack trace; --help prints the usage.
      for (const script of ['eval', 'corpus']) {
        const file = path.join(PROJECT_ROOT, `scripts/${script}.ts`);
        const unknown = await run(tsx, [file, '--bogus'], { cwd: PROJECT_ROOT }).catch((error: { code: number; stderr: string }) => error);
        expect(unknown).toMatchObject({ code: 2, stderr: expect.stringMatching(new RegExp(`^${script}: Unknown option '--bogus'\\nusage: npm run ${script} -- `)) });
        expect((unknown as { stderr: string }).stderr).not.toMatch(/\n\s+at /);
        const help = await run(tsx, [file, '--help'], { cwd: PROJECT_ROOT });
        expect(help.stdout).toMatch(new RegExp(`^usage: npm run ${script} -- --`));
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('prints the MRZ in another font with --mrz-font, and the reader still reads every field', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycflow-corpus-'));
    try {
      // A bold weight: the reader's templates are regular prints of this family.
      const font = require.resolve('@fontsource/noto-sans-mono/files/noto-sans-mono-latin-700-normal.woff2');
      await run(tsx, [path.join(PROJECT_ROOT, 'scripts/corpus.ts'), '--out', dir, '--n', '6', '--seed', '11', '--mrz-font', font], { cwd: PROJECT_ROOT });
      const out = path.join(dir, 'report.json');
      await run(tsx, [path.join(PROJECT_ROOT, 'scripts/eval.ts'), '--corpus', dir, '--json', out], { cwd: PROJECT_ROOT });
      const report = JSON.parse(fs.readFileSync(out, 'utf8'));
      expect(report.misread).toEqual([]);
      expect(report.fieldAccuracy.overall).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
