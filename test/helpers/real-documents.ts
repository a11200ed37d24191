import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './env';

/**
 * The shared development set of real documents (never copied into the repository): where
 * KYCFLOW_REAL_DOCUMENTS says, else next to this checkout (`../shared/real-documents`), else next to
 * the local repository it was cloned from (CI runs in a fresh clone in a temporary folder). Throws
 * when none exists: a test that measures real documents must not pass without them.
 */
export function realDocumentsDir(): string {
  const beside = (root: string) => path.resolve(root, '..', 'shared', 'real-documents');
  const candidates = process.env.KYCFLOW_REAL_DOCUMENTS ? [process.env.KYCFLOW_REAL_DOCUMENTS] : [beside(PROJECT_ROOT), ...clonedFrom().map(beside)];
  const found = candidates.find((dir) => fs.existsSync(path.join(dir, 'manifest.json')));
  if (!found) throw new Error(`The real-document development set is missing (looked in ${candidates.join(', ')}; set KYCFLOW_REAL_DOCUMENTS)`);
  return found;
}

/** The local repository this checkout was cloned from, if its origin is a folder on this machine. */
function clonedFrom(): string[] {
  try {
    const origin = execFileSync('git', ['config', '--get', 'remote.origin.url'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).trim();
    return origin && fs.existsSync(origin) ? [origin] : [];
  } catch {
    return [];
  }
}
