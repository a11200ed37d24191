import { Client } from 'pg';
import { sql, type Kysely } from 'kysely';
import { openDatabase, type Database, type DatabaseHandle } from '../../db';
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

  /** A database handle of its own, told of every lost connection; closed afterwards. */
  async function withHandle(test: (handle: DatabaseHandle, lost: Error[]) => Promise<void>): Promise<void> {
    const lost: Error[] = [];
    const handle = await openDatabase({ DATABASE_URL: database.url, DATA_DIR: '/nonexistent', onConnectionLost: (error) => lost.push(error) });
    try {
      await test(handle, lost);
    } finally {
      await handle.close();
    }
  }

  async function worksAgain(db: Kysely<Database>): Promise<boolean> {
    try {
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(db);
      return rows[0]?.one === 1;
    } catch {
      return false;
    }
  }

  async function terminateBackends(): Promise<void> {
    const admin = new Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const name = new URL(database.url).pathname.slice(1);
    try {
      // Our own client connections only: an autovacuum worker on the fresh database runs as the
      // superuser, and terminating it would need superuser rights (a flaky failure in CI).
      await admin.query(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid() and backend_type = 'client backend' and usename = current_user",
        [name],
      );
    } finally {
      await admin.end(); // an open connection would keep jest from exiting
    }
  }

  it('is reported when idle, and the next query reconnects', async () => {
    await withHandle(async (handle, lost) => {
      await sql`select 1`.execute(handle.db); // one idle connection in the pool
      await terminateBackends();
      await eventually(async () => lost.length > 0, 5_000, 'the lost connection to be reported');
      expect((lost[0] as Error & { code?: string }).code).toBe('57P01');
      const { rows } = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
      expect(rows).toEqual([{ one: 1 }]);
    });
  });

  it('is reported when checked out in an open transaction; the process lives on and the next query works', async () => {
    await withHandle(async (handle, lost) => {
      const transaction = handle.db.transaction().execute(async (trx) => {
        await sql`select 1`.execute(trx);
        // Between two statements of the transaction: no query in flight to take the error.
        await terminateBackends();
        await eventually(async () => lost.length > 0, 5_000, 'the lost connection to be reported');
        await sql`select 2`.execute(trx);
      });
      await expect(transaction).rejects.toThrow();
      expect((lost[0] as Error & { code?: string }).code).toBe('57P01');
      await eventually(() => worksAgain(handle.db), 5_000, 'a query on the same handle to work again');
    });
  });

  it('is reported when lost during a running query, which fails; the handle then works again', async () => {
    await withHandle(async (handle, lost) => {
      const slow = sql`select pg_sleep(30)`.execute(handle.db);
      await eventually(async () => {
        const admin = new Client({ connectionString: TEST_DATABASE_URL });
        await admin.connect();
        const { rowCount } = await admin.query("select 1 from pg_stat_activity where query like 'select pg_sleep(30)%' and state = 'active'");
        await admin.end();
        return (rowCount ?? 0) > 0;
      }, 5_000, 'the query to run');
      await terminateBackends();
      await expect(slow).rejects.toThrow();
      // The pool may hand out a pooled connection whose end it has not yet been told of: one more
      // query may fail (an activity retries it); then the handle works again.
      await eventually(() => worksAgain(handle.db), 5_000, 'a query on the same handle to work again');
      await eventually(async () => lost.length > 0, 5_000, 'the lost connection to be reported');
    });
  });
});
