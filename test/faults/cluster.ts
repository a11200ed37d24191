import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { ALL_SEARCH_ATTRIBUTES } from '../../domain/temporal';

export { freePort } from '../../lib/ports';

/**
 * The fault suite's production-like topology on this machine: its own PostgreSQL instance (initdb +
 * pg_ctl in a temporary folder, as the `postgres` user when run as root), a Temporal server with its
 * state in a SQLite file, and the service's processes (`npm run worker`, `npm run api`: the built
 * entrypoints under dist/) started, killed and restarted one by one. Everything listens on 127.0.0.1.
 */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs / 1000} s`);
    await sleep(250);
  }
}

const live = new Set<ChildProcess>();

/** Kills every child process still running (the suite was interrupted). */
export function killEveryChild(): void {
  for (const child of live) child.kill('SIGKILL');
}

/** A child process the suite owns: started, killed on purpose, or found dead when nobody killed it. */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private killedOnPurpose = false;
  /** Exits nobody asked for (a crash, or giving up on a dependency): a hand restart would be needed. */
  readonly unexpectedExits: string[] = [];

  constructor(
    readonly name: string,
    private readonly command: string,
    private readonly args: string[],
    private readonly env: NodeJS.ProcessEnv,
    private readonly logFile: string,
  ) {}

  get alive(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  start(): void {
    const log = fs.openSync(this.logFile, 'a');
    this.killedOnPurpose = false;
    const child = spawn(this.command, this.args, { env: this.env, stdio: ['ignore', log, log] });
    fs.closeSync(log);
    live.add(child);
    child.once('exit', (code, signal) => {
      live.delete(child);
      if (!this.killedOnPurpose) this.unexpectedExits.push(`${this.name} exited (${signal ?? `code ${code}`})`);
    });
    this.child = child;
  }

  /** Sends `signal` and waits for the exit (SIGKILL after `graceMs`). */
  async kill(signal: NodeJS.Signals = 'SIGKILL', graceMs = 20_000): Promise<void> {
    const child = this.child;
    if (!child || !this.alive) return;
    this.killedOnPurpose = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }
}

const PG_BIN_CANDIDATES = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin', '/usr/lib/postgresql/14/bin'];

function pgBin(tool: string): string {
  for (const dir of PG_BIN_CANDIDATES) if (fs.existsSync(path.join(dir, tool))) return path.join(dir, tool);
  return tool; // on PATH (Homebrew, other distributions)
}

/** A PostgreSQL instance of the suite's own, with trust authentication on 127.0.0.1 only. */
export class Postgres {
  readonly dataDir: string;
  private readonly asRoot = process.getuid?.() === 0;

  constructor(
    private readonly folder: string,
    readonly port: number,
  ) {
    this.dataDir = path.join(folder, 'pgdata');
  }

  private run(tool: string, args: string[]): void {
    const [command, argv] = this.asRoot ? ['runuser', ['-u', 'postgres', '--', pgBin(tool), ...args]] : [pgBin(tool), args];
    execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.folder });
  }

  init(): void {
    if (this.asRoot) execFileSync('chown', ['-R', 'postgres', this.folder]);
    this.run('initdb', ['-D', this.dataDir, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8']);
  }

  /** pg_ctl's arguments to start the server: its port, socket folder, log, and 127.0.0.1 only. */
  private get serverArgs(): string[] {
    const options = `-p ${this.port} -k ${this.folder} -c listen_addresses=127.0.0.1 -c max_connections=200`;
    return ['-D', this.dataDir, '-l', path.join(this.folder, 'postgres.log'), '-o', options, '-w', '-t', '60'];
  }

  start(): void {
    this.run('pg_ctl', [...this.serverArgs, 'start']);
  }

  /** A fast shutdown: open connections are closed, as in a restart or failover. */
  stop(mode: 'fast' | 'immediate' = 'fast'): void {
    this.run('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', '-t', '60', 'stop']);
  }

  restart(): void {
    this.run('pg_ctl', [...this.serverArgs, '-m', 'fast', 'restart']);
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  async createDatabase(name: string): Promise<string> {
    const client = new pg.Client({ connectionString: this.url('postgres') });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${name}`);
    } finally {
      await client.end();
    }
    return this.url(name);
  }
}

/** `temporal server start-dev` on a SQLite file: killed and restarted, it comes back on its state. */
export class TemporalServer {
  readonly process: ManagedProcess;
  readonly address: string;

  constructor(
    private readonly cli: string,
    folder: string,
    readonly port: number,
  ) {
    this.address = `127.0.0.1:${port}`;
    const attributes = ALL_SEARCH_ATTRIBUTES.flatMap((key) => ['--search-attribute', `${key.name}=${key.type === 'KEYWORD' ? 'Keyword' : key.type}`]);
    const args = ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--db-filename', path.join(folder, 'temporal.db'), '--log-level', 'error', ...attributes];
    this.process = new ManagedProcess('temporal', cli, args, process.env, path.join(folder, 'temporal.log'));
  }

  healthy(): boolean {
    try {
      const out = execFileSync(this.cli, ['operator', 'cluster', 'health', '--address', this.address], { stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
      return out.toString().includes('SERVING');
    } catch {
      return false;
    }
  }

  /**
   * Starts the server and waits until it serves. A start that dies at once (start-dev picks its
   * HTTP and metrics ports at random, and one can be taken) is tried again, up to three times.
   */
  async start(): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      this.process.start();
      await waitFor('Temporal', async () => this.healthy() || !this.process.alive, 90_000);
      if (this.process.alive) return;
      if (attempt === 3) throw new Error(`Temporal exited at start three times: ${this.process.unexpectedExits.join('; ')}`);
      this.process.unexpectedExits.length = 0; // a failed start retried, not a crash under load
    }
  }
}
