import type { Kysely } from 'kysely';

// Migrations never import app code: they describe the schema as it was on the day they were written.

/**
 * A verification's later life: a rejected one may be sent again (attempts), and one event type may
 * now occur more than once per verification, once per round.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Which document attempt the verification is on; whether its rejection is final, and until when a
  // new document is accepted when it is not.
  await db.schema
    .alterTable('verifications')
    .addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('final', 'boolean')
    .addColumn('resubmit_until', 'timestamptz')
    .execute();

  // Every attempt keeps its images (for the analyst and the audit); one row per side and attempt.
  await db.schema.alterTable('documents').addColumn('attempt', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.createIndex('documents_verification_attempt_side').unique().on('documents').columns(['verification_id', 'attempt', 'side']).execute();

  // Recording an event stays idempotent per (verification, type, round): a round is one pass
  // through the lifecycle (the first submission, each resubmission, each reopening).
  await db.schema.alterTable('events').addColumn('round', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('events').dropConstraint('events_verification_type').execute();
  await db.schema.alterTable('events').addUniqueConstraint('events_verification_type_round', ['verification_id', 'type', 'round']).execute();
}
