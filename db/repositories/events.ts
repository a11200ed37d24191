import { sql, type ExpressionBuilder } from 'kysely';
import { jsonArrayFrom } from 'kysely/helpers/postgres';
import type { Db } from '../index';
import type { Database, EventRow, TenantScope, Verification, VerificationUpdate } from '../schema';
import type { EventType } from '../../domain/lifecycle';
import { newId } from '../../lib/ids';
import { buildEventBody, eventDataOf } from '../../webhooks/payload';
import { deliveryTargets, targetKey } from '../../webhooks/routing';

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
  /** One pass through the lifecycle: an event type is recorded once per round. */
  round: number;
  patch: VerificationUpdate;
}

/**
 * Applies a stage transition and records its event and deliveries in one transaction (an outbox):
 * the state a client reads and the webhooks it receives can never disagree. Idempotent per
 * (verification, event type, round), so an activity retry returns what the first attempt recorded.
 */
export async function recordTransition(db: Db, transition: StageTransition): Promise<RecordedEvent> {
  // Three statements in the transaction (each a round trip): whether the event exists, the next
  // sequence and the decision a new one would supersede; the verification's update with the client's enabled endpoints; the event with its
  // deliveries.
  return db.transaction().execute(async (trx) => {
    const { verificationId, eventType, round } = transition;
    const same = (eb: ExpressionBuilder<Database, never>) =>
      eb.selectFrom('events').where('verification_id', '=', verificationId).where('type', '=', eventType).where('round', '=', round);
    const head = await trx
      .selectNoFrom((eb) => [
        same(eb).select('id').as('existing_id'),
        same(eb).select('sequence').as('existing_sequence'),
        eb.selectFrom('events').select(sql<number>`coalesce(max(sequence), 0) + 1`.as('next')).where('verification_id', '=', verificationId).as('next'),
        eb
          .selectFrom('events')
          .select('id')
          .where('verification_id', '=', verificationId)
          .where('type', '=', 'verification.completed')
          .orderBy('sequence', 'desc')
          .limit(1)
          .as('previous_completion'),
      ])
      .executeTakeFirstOrThrow();
    if (head.existing_id) {
      const deliveries = await trx.selectFrom('deliveries').select(['id', 'target', 'endpoint_id']).where('event_id', '=', head.existing_id).orderBy('id').execute();
      return { eventId: head.existing_id, sequence: head.existing_sequence, deliveries: deliveries.map(toRecordedDelivery) };
    }

    const row = await trx
      .with('v', (q) => q.updateTable('verifications').set({ ...transition.patch, updated_at: new Date() }).where('id', '=', verificationId).returningAll())
      .selectFrom('v')
      .selectAll('v')
      .select((eb) =>
        jsonArrayFrom(
          eb
            .selectFrom('webhook_endpoints as w')
            .select(['w.id', 'w.url', 'w.event_types'])
            .whereRef('w.client_id', '=', 'v.client_id')
            // Live and test data never mix: an endpoint hears only events of its own mode.
            .whereRef('w.livemode', '=', 'v.livemode')
            .where('w.status', '=', 'enabled')
            .orderBy('w.id'),
        ).as('endpoints'),
      )
      .executeTakeFirstOrThrow();
    const { endpoints, ...verification } = row;
    const sequence = Number(head.next);

    const eventId = newId('event');
    const body = buildEventBody(eventType, new Date(), eventDataOf(verification as Verification, sequence, eventType, head.previous_completion));
    const targets = deliveryTargets(eventType, endpoints, verification.callback_url);

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
    const event = { id: eventId, verification_id: verification.id, client_id: verification.client_id, sequence, type: eventType, round, body };
    if (rows.length > 0) await trx.with('e', (q) => q.insertInto('events').values(event)).insertInto('deliveries').values(rows).execute();
    else await trx.insertInto('events').values(event).execute();
    return { eventId, sequence, deliveries: rows.map(toRecordedDelivery) };
  });
}

export function toRecordedDelivery(row: { id: string; target: 'endpoint' | 'callback'; endpoint_id: string | null }): RecordedDelivery {
  return { deliveryId: row.id, targetKey: targetKey(row) };
}

export function listEvents(db: Db, verificationId: string): Promise<EventRow[]> {
  return db.selectFrom('events').selectAll().where('verification_id', '=', verificationId).orderBy('sequence').execute();
}

export function getEvent(db: Db, id: string, scope: TenantScope = null): Promise<EventRow | undefined> {
  let query = db.selectFrom('events').selectAll().where('id', '=', id);
  if (scope !== null) {
    query = query
      .where('client_id', '=', scope.clientId)
      .where('verification_id', 'in', db.selectFrom('verifications').select('id').where('client_id', '=', scope.clientId).where('livemode', '=', scope.livemode));
  }
  return query.executeTakeFirst();
}

/** The last round recorded for a verification (0 before its first event). */
export async function lastRound(db: Db, verificationId: string): Promise<number> {
  const row = await db.selectFrom('events').select((eb) => eb.fn.max('round').as('round')).where('verification_id', '=', verificationId).executeTakeFirst();
  return Number(row?.round ?? 0);
}
