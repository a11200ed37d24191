import { sql } from 'kysely';
import type { Db } from '../index';
import type { DocumentRow, NewVerification, TenantScope, Verification, VerificationUpdate } from '../schema';
import type { Decision, Stage } from '../../domain/lifecycle';

export interface NewDocument {
  id: string;
  side: string;
  contentType: string;
  content: Uint8Array | null;
  mrzText: string | null;
  sizeBytes: number;
  sha256: string;
}

/** Stores the verification and its documents in one transaction. */
export async function insertVerification(db: Db, verification: NewVerification, documents: NewDocument[]): Promise<Verification> {
  return db.transaction().execute(async (trx) => {
    const row = await trx.insertInto('verifications').values(verification).returningAll().executeTakeFirstOrThrow();
    await addDocuments(trx, row.id, 1, documents);
    return row;
  });
}

/** The unique index on (verification_id, attempt, side) (see the resubmission migration). */
export const DOCUMENT_ATTEMPT_CONSTRAINT = 'documents_verification_attempt_side';

/** Stores one attempt's documents; a second store of the same attempt breaks DOCUMENT_ATTEMPT_CONSTRAINT. */
export async function addDocuments(db: Db, verificationId: string, attempt: number, documents: NewDocument[]): Promise<void> {
  if (documents.length === 0) return;
  await db
    .insertInto('documents')
    .values(
      documents.map((d) => ({
        id: d.id,
        verification_id: verificationId,
        attempt,
        side: d.side,
        content_type: d.contentType,
        content: d.content,
        mrz_text: d.mrzText,
        size_bytes: d.sizeBytes,
        sha256: d.sha256,
      })),
    )
    .execute();
}

/** Takes back an attempt's documents that the workflow did not accept. */
export async function removeDocuments(db: Db, verificationId: string, attempt: number): Promise<void> {
  await db.deleteFrom('documents').where('verification_id', '=', verificationId).where('attempt', '=', attempt).execute();
}

/** A client key sees only its own verifications of its mode; analysts and admins (scope null) see all. */
export function getVerification(db: Db, id: string, scope: TenantScope = null): Promise<Verification | undefined> {
  let query = db.selectFrom('verifications').selectAll().where('id', '=', id);
  if (scope !== null) query = query.where('client_id', '=', scope.clientId).where('livemode', '=', scope.livemode);
  return query.executeTakeFirst();
}

/** The unique constraint on (client_id, livemode, idempotency_key) (see the sandbox migration): keys are per mode. */
export const IDEMPOTENCY_CONSTRAINT = 'verifications_idempotency_mode';

export function findByIdempotencyKey(db: Db, scope: NonNullable<TenantScope>, key: string): Promise<Verification | undefined> {
  return db
    .selectFrom('verifications')
    .selectAll()
    .where('client_id', '=', scope.clientId)
    .where('livemode', '=', scope.livemode)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
}

export function updateVerification(db: Db, id: string, patch: VerificationUpdate): Promise<Verification | undefined> {
  return db
    .updateTable('verifications')
    .set({ ...patch, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

/** One attempt's documents. */
export function listDocuments(db: Db, verificationId: string, attempt: number): Promise<DocumentRow[]> {
  return db.selectFrom('documents').selectAll().where('verification_id', '=', verificationId).where('attempt', '=', attempt).orderBy('id').execute();
}

/** A stored image of one side (`front`, `back`) of an attempt; undefined when that side was sent as MRZ text or not at all. */
export function getDocumentImage(db: Db, verificationId: string, side: string, attempt: number): Promise<{ content_type: string; content: Uint8Array } | undefined> {
  return db
    .selectFrom('documents')
    .select(['content_type', 'content'])
    .where('verification_id', '=', verificationId)
    .where('attempt', '=', attempt)
    .where('side', '=', side)
    .where('content', 'is not', null)
    .$narrowType<{ content: Uint8Array }>()
    .executeTakeFirst();
}

export interface VerificationFilter {
  scope: TenantScope;
  status?: Stage | undefined;
  decision?: Decision | undefined;
  reference?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Newest first; `cursor` is the id of the last verification of the previous page. Fetches limit + 1. */
export function listVerifications(db: Db, filter: VerificationFilter): Promise<Verification[]> {
  let query = db.selectFrom('verifications').selectAll();
  if (filter.scope !== null) query = query.where('client_id', '=', filter.scope.clientId).where('livemode', '=', filter.scope.livemode);
  if (filter.status) query = query.where('status', '=', filter.status);
  if (filter.decision) query = query.where('decision', '=', filter.decision);
  if (filter.reference) query = query.where('reference', '=', filter.reference);
  if (filter.cursor) query = query.where('id', '<', filter.cursor);
  return query.orderBy('id', 'desc').limit(filter.limit + 1).execute();
}

/**
 * Verifications stored before `before` whose workflow never ran: still `submitted` and without any
 * event (a workflow's first step records `verification.submitted`). Oldest first.
 */
export function listUnstartedVerifications(db: Db, before: Date, limit: number): Promise<Array<Pick<Verification, 'id' | 'client_id' | 'reference'>>> {
  return db
    .selectFrom('verifications')
    .select(['id', 'client_id', 'reference'])
    .where('status', '=', 'submitted')
    .where('created_at', '<', before)
    .where(({ not, exists, selectFrom }) => not(exists(selectFrom('events').select('events.id').whereRef('events.verification_id', '=', 'verifications.id'))))
    .orderBy('created_at')
    .limit(limit)
    .execute();
}

/** The analysts' queue: verifications awaiting review, oldest first. */
export function listAwaitingReview(
  db: Db,
  { cursor, limit, reason, clientId }: { cursor?: string | undefined; limit: number; reason?: string | undefined; clientId?: string | undefined },
): Promise<Verification[]> {
  // Sandbox cases are decided by their own test key, never by analysts.
  let query = db.selectFrom('verifications').selectAll().where('status', '=', 'awaiting_review').where('livemode', '=', true);
  if (cursor) query = query.where('id', '>', cursor);
  if (clientId) query = query.where('client_id', '=', clientId);
  if (reason) query = query.where(sql<boolean>`reasons @> ${JSON.stringify([{ code: reason }])}::jsonb`);
  return query.orderBy('id', 'asc').limit(limit + 1).execute();
}

/** How many verifications there are by status and decision (for the metrics scrape). */
export function countByStatusAndDecision(db: Db): Promise<Array<{ status: string; decision: string | null; count: number }>> {
  return db
    .selectFrom('verifications')
    .select(['status', 'decision', sql<number>`count(*)::int`.as('count')])
    .groupBy(['status', 'decision'])
    .execute();
}

/** Who the client's other verifications with this document number were issued to (at most 20). */
export function holdersOfDocumentNumber(
  db: Db,
  { clientId, documentNumber, except }: { clientId: string; documentNumber: string; except: string },
): Promise<Array<{ lastName: string | null; birthDate: string | null }>> {
  return db
    .selectFrom('verifications')
    .select(sql<string | null>`extraction->'fields'->>'lastName'`.as('lastName'))
    .select(sql<string | null>`extraction->'fields'->>'birthDate'`.as('birthDate'))
    .where('client_id', '=', clientId)
    .where('id', '!=', except)
    .where(sql`extraction->'fields'->>'documentNumber'`, '=', documentNumber)
    .limit(20)
    .execute();
}
