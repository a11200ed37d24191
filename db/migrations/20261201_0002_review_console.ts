import { sql, type Kysely } from 'kysely';

// Migrations never import app code: they describe the schema as it was on the day they were written.

/** The analyst console: case claims, console sessions and the audit trail. */
export async function up(db: Kysely<unknown>): Promise<void> {
  const now = sql`now()`;

  // One analyst holds a case for a while; an expired claim is free to take.
  await db.schema
    .createTable('case_claims')
    .addColumn('verification_id', 'text', (c) => c.primaryKey().references('verifications.id').onDelete('cascade'))
    .addColumn('key_id', 'text', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
    .addColumn('claimed_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute();

  // A console sign-in: the cookie carries a random token, only its SHA-256 is stored.
  await db.schema
    .createTable('console_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('key_id', 'text', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('ended_at', 'timestamptz')
    .execute();

  // Who read or decided what, when: ids only, never personal data. No foreign keys, so that
  // nothing deleted elsewhere can take a row with it; a trigger refuses UPDATE and DELETE.
  await db.schema
    .createTable('audit_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('actor_key_id', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text', (c) => c.notNull())
    .addColumn('actor_role', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('verification_id', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(now))
    .execute();
  await db.schema.createIndex('audit_events_verification').on('audit_events').columns(['verification_id', 'id']).execute();
  await db.schema.createIndex('audit_events_actor').on('audit_events').columns(['actor_key_id', 'id']).execute();
  await sql`
    CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_events is append-only';
    END
    $$`.execute(db);
  await sql`
    CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('audit_events').execute();
  await sql`DROP FUNCTION audit_events_append_only()`.execute(db);
  await db.schema.dropTable('console_sessions').execute();
  await db.schema.dropTable('case_claims').execute();
}
