import { sql } from 'kysely';
import type { Db } from '../index';
import type { Attempt, Delivery, DeliveryStatus } from '../schema';
import { newId } from '../../lib/ids';
import { signingSecrets } from '../../webhooks/routing';

export interface DeliveryContext {
  delivery: Delivery;
  eventBody: string;
  eventId: string;
  eventCreatedAt: Date;
  /** Sealed secrets that sign this delivery: the endpoint's (and its previous one during a grace period) or the client's. */
  sealedSecrets: string[];
  /** null for callback deliveries; 'deleted' when the endpoint no longer exists. */
  endpointStatus: 'enabled' | 'disabled' | 'deleted' | null;
}

export async function getDeliveryContext(db: Db, deliveryId: string, now = new Date()): Promise<DeliveryContext | undefined> {
  const row = await db
    .selectFrom('deliveries as d')
    .innerJoin('events as e', 'e.id', 'd.event_id')
    .innerJoin('clients as c', 'c.id', 'd.client_id')
    .leftJoin('webhook_endpoints as w', 'w.id', 'd.endpoint_id')
    .selectAll('d')
    .select([
      'e.body as event_body',
      'e.created_at as event_created_at',
      'c.signing_secret_enc as client_secret',
      'w.status as endpoint_status',
      'w.secret_enc as endpoint_secret',
      'w.previous_secret_enc as endpoint_previous_secret',
      'w.previous_secret_expires_at as endpoint_previous_expires',
    ])
    .where('d.id', '=', deliveryId)
    .executeTakeFirst();
  if (!row) return undefined;
  const { event_body, event_created_at, client_secret, endpoint_status, endpoint_secret, endpoint_previous_secret, endpoint_previous_expires, ...delivery } = row;
  const sealedSecrets = signingSecrets(
    delivery.target,
    { client: client_secret, endpoint: endpoint_secret, previous: endpoint_previous_secret, previousExpiresAt: endpoint_previous_expires },
    now,
  );
  return {
    delivery,
    eventBody: event_body,
    eventId: delivery.event_id,
    eventCreatedAt: event_created_at,
    sealedSecrets,
    endpointStatus: delivery.target === 'callback' ? null : (endpoint_status ?? 'deleted'),
  };
}

export interface AttemptRecord {
  deliveryId: string;
  attemptNumber: number;
  webhookTimestamp: number;
  statusCode: number | null;
  durationMs: number;
  outcome: 'success' | 'failure';
  errorClass: string | null;
  responseExcerpt: string | null;
}

/** Records one HTTP attempt and folds it into the delivery row. */
/** The attempt and the delivery's counters in one statement (one round trip, atomic by itself). */
export async function recordAttempt(db: Db, a: AttemptRecord): Promise<void> {
  await db
    .with('attempt', (q) =>
      q.insertInto('attempts').values({
        id: newId('attempt'),
        delivery_id: a.deliveryId,
        attempt_number: a.attemptNumber,
        webhook_timestamp: a.webhookTimestamp,
        status_code: a.statusCode,
        duration_ms: Math.round(a.durationMs),
        outcome: a.outcome,
        error_class: a.errorClass,
        response_excerpt: a.responseExcerpt,
      }),
    )
    .updateTable('deliveries')
    .set({
      attempt_count: sql`attempt_count + 1`,
      last_status_code: a.statusCode,
      last_error: a.errorClass,
      ...(a.outcome === 'success' && { status: 'succeeded' as const, completed_at: new Date() }),
    })
    .where('id', '=', a.deliveryId)
    .execute();
}

export async function finishDelivery(db: Db, deliveryId: string, status: Exclude<DeliveryStatus, 'pending'>, error?: string): Promise<void> {
  await db
    .updateTable('deliveries')
    .set({ status, completed_at: new Date(), ...(error !== undefined && { last_error: error }) })
    .where('id', '=', deliveryId)
    .where('status', '=', 'pending')
    .execute();
}

export function listDeliveriesForEvents(db: Db, eventIds: string[]): Promise<Delivery[]> {
  if (eventIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('deliveries').selectAll().where('event_id', 'in', eventIds).orderBy('id').execute();
}

export function listAttempts(db: Db, deliveryIds: string[]): Promise<Attempt[]> {
  if (deliveryIds.length === 0) return Promise.resolve([]);
  return db.selectFrom('attempts').selectAll().where('delivery_id', 'in', deliveryIds).orderBy('delivery_id').orderBy('attempt_number').execute();
}

export function listDeliveriesForEndpoint(db: Db, endpointId: string, cursor: string | undefined, limit: number): Promise<Delivery[]> {
  let query = db.selectFrom('deliveries').selectAll().where('endpoint_id', '=', endpointId);
  if (cursor) query = query.where('id', '<', cursor);
  return query.orderBy('id', 'desc').limit(limit + 1).execute();
}

export interface ResendTarget {
  target: 'endpoint' | 'callback';
  endpointId: string | null;
  url: string;
}

/** New delivery rows for an existing event: the same event id, so receivers see the same webhook-id. */
export async function createResendDeliveries(
  db: Db,
  event: { id: string; verification_id: string; client_id: string },
  targets: ResendTarget[],
): Promise<Delivery[]> {
  if (targets.length === 0) return [];
  return db
    .insertInto('deliveries')
    .values(
      targets.map((t) => ({
        id: newId('delivery'),
        event_id: event.id,
        verification_id: event.verification_id,
        client_id: event.client_id,
        target: t.target,
        endpoint_id: t.endpointId,
        target_url: t.url,
        status: 'pending' as const,
      })),
    )
    .returningAll()
    .execute();
}
