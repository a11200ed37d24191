import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { PROJECT_ROOT } from '../helpers/env';

const run = promisify(execFile);

describe('npm run migrate', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await database.drop();
  });

  const migrate = async (env: Record<string, string>) =>
    run(path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), [path.join(PROJECT_ROOT, 'scripts/migrate.ts')], { cwd: PROJECT_ROOT, env: { ...process.env, NODE_OPTIONS: '', ...env } });

  const tables = async () =>
    (await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public' and table_name = 'verifications'`.execute(database.db)).rows;

  it('brings an empty database to the latest schema, then has nothing left to apply', async () => {
    expect(await tables()).toEqual([]);
    const first = JSON.parse((await migrate({ DATABASE_URL: database.url })).stdout);
    expect(first).toEqual({ database: 'postgres', applied: ['20261127_0001_initial', '20261201_0002_review_console', '20261202_0003_resubmission', '20261203_0004_erasure', '20261204_0005_sandbox'] });
    expect(await tables()).toEqual([{ table_name: 'verifications' }]);
    expect(JSON.parse((await migrate({ DATABASE_URL: database.url })).stdout)).toEqual({ database: 'postgres', applied: [] });
  });

  it('fails with a short message and exit code 1 when the database cannot be reached', async () => {
    const failed = await migrate({ DATABASE_URL: 'postgres://nobody:secret-password@127.0.0.1:1/none' }).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failed?.code).toBe(1);
    expect(failed?.stderr).toMatch(/^migration failed: /);
    expect(failed?.stderr).not.toContain('secret-password');
  });
});
