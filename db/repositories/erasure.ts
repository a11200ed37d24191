import { sql } from 'kysely';
import type { Db } from '../index';
import type { Verification } from '../schema';
import { toRecordedDelivery, type RecordedDelivery } from './events';

/**
 * Removes a verification's personal data, leaving a tombstone: id, client, reference, status,
 * decision, reasons, attempt and dates stay; images and MRZ text (every attempt), the applicant, the
 * extracted fields, the checks, metadata, the declared issuing country, the analyst's note and the
 * request's fingerprint go, as do metadata in stored webhook bodies, receivers' response excerpts
 * and any claim on the case. Idempotent. Returns the deliveries still pending, in event order, so
 * they can go out after the verification's own run is gone.
 */
export async function scrubVerification(db: Db, verificationId: string): Promise<RecordedDelivery[]> {
  return db.transaction().execute(async (trx) => {
    const verification = await trx.selectFrom('verifications').select(['review']).where('id', '=', verificationId).forUpdate().executeTakeFirst();
    if (!verification) return [];
    await trx
      .updateTable('verifications')
      .set({
        applicant: 'null',
        extraction: 'null',
        checks: '[]',
        metadata: '{}',
        issuing_country: null,
        request_hash: null,
        review: JSON.stringify(withoutNotes(verification.review)),
        // Its run is gone: a rejection that still took a new document no longer does.
        final: sql<boolean | null>`case when final is false then true else final end`,
        resubmit_until: null,
        updated_at: new Date(),
      })
      .where('id', '=', verificationId)
      .execute();
    await trx.deleteFrom('documents').where('verification_id', '=', verificationId).execute();
    await trx.deleteFrom('case_claims').where('verification_id', '=', verificationId).execute();
    // Bodies are thin (no extracted data); the client's metadata is the one part that may be personal.
    const events = await trx.selectFrom('events').select(['id', 'body']).where('verification_id', '=', verificationId).execute();
    for (const event of events) {
      const body = JSON.parse(event.body) as { data: Record<string, unknown> };
      if (!('metadata' in body.data)) continue;
      delete body.data.metadata;
      await trx.updateTable('events').set({ body: JSON.stringify(body) }).where('id', '=', event.id).execute();
    }
    await trx
      .updateTable('attempts')
      .set({ response_excerpt: null })
      .where('delivery_id', 'in', (eb) => eb.selectFrom('deliveries').select('id').where('verification_id', '=', verificationId))
      .execute();
    const pending = await trx
      .selectFrom('deliveries as d')
      .innerJoin('events as e', 'e.id', 'd.event_id')
      .select(['d.id', 'd.target', 'd.endpoint_id'])
      .where('d.verification_id', '=', verificationId)
      .where('d.status', '=', 'pending')
      .orderBy('e.sequence')
      .orderBy('d.id')
      .execute();
    return pending.map(toRecordedDelivery);
  });
}

/** The review as kept: times, decision and reason codes; no note, no reopening note. */
function withoutNotes(review: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!review) return null;
  const { note: _note, ...kept } = review;
  const reopened = kept.reopened as Record<string, unknown> | undefined;
  if (!reopened) return kept;
  const { note: _reopenNote, ...reopenKept } = reopened;
  return { ...kept, reopened: reopenKept };
}

/**
 * Decided verifications whose decision is older than `before`, not erased yet, not waiting for a
 * new document and not in `skip`: the retention purge's next batch, oldest first.
 */
export function listExpiredVerifications(db: Db, before: Date, limit: number, skip: readonly string[] = []): Promise<Array<Pick<Verification, 'id'>>> {
  let query = db.selectFrom('verifications');
  if (skip.length > 0) query = query.where('id', 'not in', skip);
  return query
    .select('id')
    .where('erased_at', 'is', null)
    .where('completed_at', '<', before)
    .where('status', 'in', ['completed', 'cancelled', 'failed'])
    .where((eb) => eb.or([eb('final', 'is', null), eb('final', '=', true)]))
    .orderBy('completed_at')
    .limit(limit)
    .execute();
}
