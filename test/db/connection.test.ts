import { Client } from 'pg';
import { sql } from 'kysely';
import { openDatabase } from '../../db';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { TEST_DATABASE_URL } from '../helpers/env';
import { eventually } from '../helpers/wait';

/** PostgreSQL dropping a pooled connection (a restart, an administrator) must not take the process down. */
describe('a lost database connection', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  it('is reported, and the next query reconnects', async () => {
    const lost: Error[] = [];
    const handle = await openDatabase({ DATABASE_URL: database.url, DATA_DIR: '/nonexistent', onConnectionLost: (error) => lost.push(error) });
    try {
      await sql`select 1`.execute(handle.db); // one idle connection in the pool
      const admin = new Client({ connectionString: TEST_DATABASE_URL });
      await admin.connect();
      const name = new URL(database.url).pathname.slice(1);
      await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name]);
      await admin.end();
      await eventually(async () => lost.length > 0, 5_000, 'the lost connection to be reported');
      expect((lost[0] as Error & { code?: string }).code).toBe('57P01');
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
      expect(rows).toEqual([{ one: 1 }]);
    } finally {
      await handle.close();
    }
  });
});
