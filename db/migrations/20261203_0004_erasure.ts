import { sql, type Kysely } from 'kysely';

// Migrations never import app code: they describe the schema as it was on the day they were written.

/** Erasure: a verification's personal data is removed and a tombstone kept; this says when. */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('verifications').addColumn('erased_at', 'timestamptz').execute();
  // The retention purge looks for decided verifications by completion time.
  await db.schema.createIndex('verifications_completed_unerased').on('verifications').column('completed_at').where(sql.ref('erased_at'), 'is', null).execute();
}
