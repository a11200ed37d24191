import { sql } from 'kysely';
import type { Db } from '../index';
import type { EventRow, Verification, VerificationUpdate } from '../schema';
import type { EventType, Reason } from '../../domain/lifecycle';
import { newId } from '../../lib/ids';
import { buildEventBody, summariseChecks } from '../../webhooks/payload';

export interface RecordedDelivery {
  deliveryId: string;
  /** Deliveries to the same target key are sent in event order. */
  targetKey: string;
}

export interface RecordedEvent {
  eventId: string | null;
  sequence: number | null;
  deliveries: RecordedDelivery[];
}

export interface StageTransition {
  verificationId: string;
  eventType: EventType;
  patch: VerificationUpdate;
}

/**
 * Applies a stage transition and records its event and deliveries in one transaction (an outbox):
 * the state a client reads and the webhooks it receives can never disagree. Idempotent per
 * (verification, event type), so an activity retry returns what the first attempt recorded.
 */
export async function recordTransition(db: Db, transition: StageTransition): Promise<RecordedEvent> {
  return db.transaction().execute(async (trx) => {
    const existing = await trx
      .selectFrom('events')
      .select(['id', 'sequence'])
      .where('verification_id', '=', transition.verificationId)
      .where('type', '=', transition.eventType)
      .executeTakeFirst();
    if (existing) {
      const deliveries = await trx.selectFrom('deliveries').select(['id', 'target', 'endpoint_id']).where('event_id', '=', existing.id).orderBy('id').execute();
      return { eventId: existing.id, sequence: existing.sequence, deliveries: deliveries.map(toRecordedDelivery) };
    }

    const verification = await trx
      .updateTable('verifications')
      .set({ ...transition.patch, updated_at: new Date() })
      .where('id', '=', transition.verificationId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const { next } = await trx
      .selectFrom('events')
      .select(sql<number>`coalesce(max(sequence), 0) + 1`.as('next'))
      .where('verification_id', '=', verification.id)
      .executeTakeFirstOrThrow();
    const sequence = Number(next);

    const eventId = newId('event');
    const body = buildEventBody(transition.eventType, new Date(), eventData(verification, sequence, transition.eventType));
    await trx
      .insertInto('events')
      .values({ id: eventId, verification_id: verification.id, client_id: verification.client_id, sequence, type: transition.eventType, body })
      .execute();

    const endpoints = await trx
      .selectFrom('webhook_endpoints')
      .select(['id', 'url', 'event_types'])
      .where('client_id', '=', verification.client_id)
      .where('status', '=', 'enabled')
      .orderBy('id')
      .execute();
    const targets: Array<{ target: 'endpoint' | 'callback'; endpoint_id: string | null; target_url: string }> = endpoints
      .filter((e) => e.event_types.length === 0 || e.event_types.includes(transition.eventType))
      .map((e) => ({ target: 'endpoint', endpoint_id: e.id, target_url: e.url }));
    if (verification.callback_url) targets.push({ target: 'callback', endpoint_id: null, target_url: verification.callback_url });

    const rows = targets.map((t) => ({
      id: newId('delivery'),
      event_id: eventId,
      verification_id: verification.id,
      client_id: verification.client_id,
      target: t.target,
      endpoint_id: t.endpoint_id,
      target_url: t.target_url,
      status: 'pending' as const,
    }));
    if (rows.length > 0) await trx.insertInto('deliveries').values(rows).execute();
    return { eventId, sequence, deliveries: rows.map(toRecordedDelivery) };
  });
}

export function toRecordedDelivery(row: { id: string; target: 'endpoint' | 'callback'; endpoint_id: string | null }): RecordedDelivery {
  return { deliveryId: row.id, targetKey: row.target === 'endpoint' ? `endpoint:${row.endpoint_id}` : 'callback' };
}

function eventData(v: Verification, sequence: number, type: EventType) {
  const decided = type === 'verification.completed';
  return {
    verificationId: v.id,
    reference: v.reference,
    sequence,
    status: v.status,
    ...(decided && v.decision !== null && { decision: v.decision }),
    ...((decided || v.status === 'failed') && { reasons: v.reasons as Reason[] }),
    ...(type === 'verification.authenticity_completed' || decided ? { checks: summariseChecks(v.checks as { result: string }[]) } : {}),
    metadata: v.metadata,
  };
}

export function listEvents(db: Db, verificationId: string): Promise<EventRow[]> {
  return db.selectFrom('events').selectAll().where('verification_id', '=', verificationId).orderBy('sequence').execute();
}

export function getEvent(db: Db, id: string, clientId: string | null = null): Promise<EventRow | undefined> {
  let query = db.selectFrom('events').selectAll().where('id', '=', id);
  if (clientId !== null) query = query.where('client_id', '=', clientId);
  return query.executeTakeFirst();
}
