import type { Kysely } from 'kysely';

// Migrations never import app code: they describe the schema as it was on the day they were written.

/**
 * The sandbox: test-mode client keys (`kyc_test_…`) whose verifications never run OCR and whose
 * outcome the request chooses. Live and test data never mix: keys, verifications and webhook
 * endpoints carry their mode, and idempotency keys are per mode.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_keys').addColumn('livemode', 'boolean', (c) => c.notNull().defaultTo(true)).execute();
  await db.schema
    .alterTable('verifications')
    .addColumn('livemode', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('sandbox', 'jsonb')
    .execute();
  await db.schema.alterTable('webhook_endpoints').addColumn('livemode', 'boolean', (c) => c.notNull().defaultTo(true)).execute();
  await db.schema.alterTable('verifications').dropConstraint('verifications_idempotency').execute();
  await db.schema.alterTable('verifications').addUniqueConstraint('verifications_idempotency_mode', ['client_id', 'livemode', 'idempotency_key']).execute();
  await db.schema.createIndex('verifications_client_mode_created').on('verifications').columns(['client_id', 'livemode', 'id']).execute();
}
