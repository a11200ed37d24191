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
      await admin((c) => c.query(`drop database if exists ${name} with (force)`));
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
