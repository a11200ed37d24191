import type { PGlite } from '@electric-sql/pglite';
import { PostgresDialect, type PostgresPool, type PostgresPoolClient, type PostgresQueryResult } from 'kysely';

/**
 * Lets kysely's own PostgresDialect drive an embedded PGlite, so the embedded default and a real
 * PostgreSQL run the very same SQL. PGlite is one connection: checkouts are serialised so a
 * transaction never interleaves with another caller's statements.
 */
export function createPGliteDialect(pglite: PGlite): PostgresDialect {
  let queue: Promise<void> = Promise.resolve();

  const pool: PostgresPool = {
    async connect(): Promise<PostgresPoolClient> {
      let release!: () => void;
      const previous = queue;
      queue = new Promise<void>((resolve) => (release = resolve));
      await previous;
      const client = {
        async query<R>(sql: string, parameters: readonly unknown[]): Promise<PostgresQueryResult<R>> {
          const result = await pglite.query<R>(sql, [...parameters]);
          return {
            command: (result.command ?? 'SELECT') as PostgresQueryResult<R>['command'],
            rowCount: result.rowCount ?? result.affectedRows ?? result.rows.length,
            rows: result.rows,
          };
        },
        release,
      };
      return client as unknown as PostgresPoolClient;
    },
    async end(): Promise<void> {
      await queue;
      await pglite.close();
    },
  };
  return new PostgresDialect({ pool });
}
