import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Database } from './schema';
import { createPGliteDialect } from './pglite-dialect';

export * from './schema';
export { migrateToLatest, MigrationError } from './migrate';

export type Db = Kysely<Database>;

export interface DatabaseHandle {
  db: Db;
  kind: 'postgres' | 'pglite';
  close(): Promise<void>;
}

export interface DatabaseOptions {
  DATABASE_URL?: string | undefined;
  DATABASE_POOL_SIZE?: number;
  DATA_DIR: string;
  /** Told when a pooled connection is lost, idle or checked out (PostgreSQL restarted, a network cut). */
  onConnectionLost?: (error: Error) => void;
}

/** Real PostgreSQL when DATABASE_URL is set; otherwise an embedded PGlite in the data folder. */
export async function openDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.DATABASE_URL) {
    const pool = new pg.Pool({ connectionString: options.DATABASE_URL, max: options.DATABASE_POOL_SIZE ?? 10 });
    // A client's 'error' unheard crashes the process. pg-pool listens on idle clients only (and
    // re-emits on the pool), so a connection lost while checked out — PostgreSQL stopping during a
    // query or transaction — needs its own listener. The query in flight fails on its own; the pool
    // drops the broken client on release and the next query opens a new connection.
    pool.on('connect', (client) => client.on('error', (error) => options.onConnectionLost?.(error)));
    // Reported above by the client's own listener already.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, kind: 'postgres', close: () => db.destroy() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const dir = path.join(options.DATA_DIR, 'pgdata');
  fs.mkdirSync(dir, { recursive: true });
  const unlock = lockDataDir(options.DATA_DIR);
  const pglite = await PGlite.create(dir);
  const db = new Kysely<Database>({ dialect: createPGliteDialect(pglite) });
  return {
    db,
    kind: 'pglite',
    close: async () => {
      await db.destroy();
      unlock();
    },
  };
}

export class DatabaseInUseError extends Error {
  override name = 'DatabaseInUseError';
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** PGlite is single-process: a lock file keeps a second process (another start, the CLI) out. */
function lockDataDir(dataDir: string): () => void {
  const file = path.join(dataDir, 'pgdata.lock');
  try {
    const holder = Number(fs.readFileSync(file, 'utf8'));
    if (holder && holder !== process.pid && isRunning(holder)) {
      throw new DatabaseInUseError(`The embedded database in ${dataDir} is in use by process ${holder}. Stop it, or set DATABASE_URL to a PostgreSQL server.`);
    }
  } catch (error) {
    if (error instanceof DatabaseInUseError) throw error;
  }
  fs.writeFileSync(file, String(process.pid));
  return () => fs.rmSync(file, { force: true });
}

/** A round trip to the database (readiness). */
export async function pingDatabase(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
