import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { migrateToLatest, openDatabase, type Database } from '../../db';
import { createTestDatabase } from '../helpers/db';

const TABLES = ['api_keys', 'attempts', 'audit_events', 'case_claims', 'clients', 'console_sessions', 'deliveries', 'documents', 'events', 'verifications', 'webhook_endpoints'];

async function publicTables(db: Kysely<Database>): Promise<string[]> {
  const result = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(db);
  return result.rows.map((row) => row.table_name);
}

describe('migrations', () => {
  it('run on a real PostgreSQL and are idempotent', async () => {
    const database = await createTestDatabase(); // already migrated once
    try {
      expect(database.kind).toBe('postgres');
      expect(await publicTables(database.db)).toEqual(TABLES);
      expect(await migrateToLatest(database.db)).toEqual([]);
    } finally {
      await database.drop();
    }
  });

  it('run on the embedded default (PGlite in the data folder), which persists across restarts', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycflow-pglite-'));
    try {
      const first = await openDatabase({ DATA_DIR: dataDir });
      expect(first.kind).toBe('pglite');
      expect(await migrateToLatest(first.db)).toEqual(['20261127_0001_initial', '20261201_0002_review_console', '20261202_0003_resubmission', '20261203_0004_erasure', '20261204_0005_sandbox']);
      expect(await publicTables(first.db)).toEqual(TABLES);
      await first.db.insertInto('clients').values({ id: 'cli_persisted', name: 'kept', signing_secret_enc: 'x' }).execute();
      await first.close();

      const second = await openDatabase({ DATA_DIR: dataDir });
      expect(await migrateToLatest(second.db)).toEqual([]);
      const row = await second.db.selectFrom('clients').select('name').where('id', '=', 'cli_persisted').executeTakeFirst();
      expect(row?.name).toBe('kept');
      await second.close();
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('serialises transactions on the single PGlite connection', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycflow-pglite-'));
    const handle = await openDatabase({ DATA_DIR: dataDir });
    try {
      await migrateToLatest(handle.db);
      await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          handle.db.transaction().execute(async (trx) => {
            await trx.insertInto('clients').values({ id: `cli_${i}`, name: `c${i}`, signing_secret_enc: 'x' }).execute();
            await trx.updateTable('clients').set({ name: `done${i}` }).where('id', '=', `cli_${i}`).execute();
          }),
        ),
      );
      const names = await handle.db.selectFrom('clients').select('name').orderBy('id').execute();
      expect(names.map((n) => n.name)).toEqual(['done0', 'done1', 'done2', 'done3', 'done4']);
    } finally {
      await handle.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
