import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import * as initial from './migrations/20261127_0001_initial';
import * as reviewConsole from './migrations/20261201_0002_review_console';
import * as resubmission from './migrations/20261202_0003_resubmission';
import * as erasure from './migrations/20261203_0004_erasure';
import * as sandbox from './migrations/20261204_0005_sandbox';

/**
 * Migrations are listed explicitly (not read from a folder) so they work the same from TypeScript
 * sources, built JavaScript and the test runner. Names are timestamps: order is by name.
 */
const migrations: Record<string, Migration> = {
  '20261127_0001_initial': initial,
  '20261201_0002_review_console': reviewConsole,
  '20261202_0003_resubmission': resubmission,
  '20261203_0004_erasure': erasure,
  '20261204_0005_sandbox': sandbox,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

export class MigrationError extends Error {
  override name = 'MigrationError';
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations are schema-agnostic by design
export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const result: MigrationResultSet = await migrator.migrateToLatest();
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new MigrationError(`Migration ${failed} failed: ${String((result.error as Error).message ?? result.error)}`);
  }
  return (result.results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
