import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../../db';
import { TEST_DATABASE_URL } from './env';

export interface TestDatabase extends DatabaseHandle {
  url: string;
  drop(): Promise<void>;
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/**
 * Drops a test database: our own leftover connections are terminated first; a plain DROP then
 * stops an autovacuum worker on it by itself. (`WITH (FORCE)` would try to terminate that worker
 * too, which runs as the superuser — an error for a role that is not one: a flaky CI failure.)
 */
async function dropDatabase(name: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await admin(async (c) => {
        await c.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and backend_type = 'client backend' and usename = current_user", [name]);
        await c.query(`drop database if exists ${name}`);
      });
      return;
    } catch (error) {
      // 55006: still being accessed (a connection closing as we dropped); try again shortly.
      if ((error as { code?: string }).code !== '55006' || attempt === 10) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

/** A fresh PostgreSQL database for one test file (migrated unless `migrate` is false); dropped afterwards. */
export async function createTestDatabase({ migrate = true } = {}): Promise<TestDatabase> {
  const name = `kycflow_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`create database ${name}`));
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ DATABASE_URL: url.toString(), DATA_DIR: '/nonexistent', DATABASE_POOL_SIZE: 5 });
  if (migrate) await migrateToLatest(handle.db);
  let closed = false;
  const close = async () => {
    if (!closed) await handle.db.destroy();
    closed = true;
  };
  return {
    ...handle,
    url: url.toString(),
    close,
    drop: async () => {
      await close();
      await dropDatabase(name);
    },
  };
}

/** The embedded PGlite in a temporary folder, migrated, for unit tests (no PostgreSQL server); the folder goes on close. */
export async function openEmbeddedTestDatabase(): Promise<DatabaseHandle> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycflow-pglite-'));
  const handle = await openDatabase({ DATA_DIR: dataDir });
  await migrateToLatest(handle.db);
  return {
    ...handle,
    close: async () => {
      await handle.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
