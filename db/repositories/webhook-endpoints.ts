import type { Db } from '../index';
import type { TenantScope, WebhookEndpoint } from '../schema';
import { newId } from '../../lib/ids';

/** Stores an endpoint, enabled; its signing secret comes encrypted (services/webhook-endpoints.ts makes it). */
export function insertEndpoint(
  db: Db,
  input: { clientId: string; livemode: boolean; url: string; eventTypes: string[]; description?: string | undefined; secretEnc: string },
): Promise<WebhookEndpoint> {
  return db
    .insertInto('webhook_endpoints')
    .values({
      id: newId('endpoint'),
      client_id: input.clientId,
      livemode: input.livemode,
      url: input.url,
      description: input.description ?? null,
      event_types: JSON.stringify(input.eventTypes),
      status: 'enabled',
      secret_enc: input.secretEnc,
      updated_at: new Date(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function getEndpoint(db: Db, id: string, scope: TenantScope): Promise<WebhookEndpoint | undefined> {
  let query = db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id);
  if (scope !== null) query = query.where('client_id', '=', scope.clientId).where('livemode', '=', scope.livemode);
  return query.executeTakeFirst();
}

export function listEndpoints(db: Db, scope: TenantScope, cursor: string | undefined, limit: number): Promise<WebhookEndpoint[]> {
  let query = db.selectFrom('webhook_endpoints').selectAll();
  if (scope !== null) query = query.where('client_id', '=', scope.clientId).where('livemode', '=', scope.livemode);
  if (cursor) query = query.where('id', '>', cursor);
  return query.orderBy('id').limit(limit + 1).execute();
}

export interface EndpointPatch {
  url?: string | undefined;
  eventTypes?: string[] | undefined;
  description?: string | null | undefined;
  enabled?: boolean | undefined;
}

export function updateEndpoint(db: Db, id: string, scope: TenantScope, patch: EndpointPatch): Promise<WebhookEndpoint | undefined> {
  let query = db
    .updateTable('webhook_endpoints')
    .set({
      updated_at: new Date(),
      ...(patch.url !== undefined && { url: patch.url }),
      ...(patch.eventTypes !== undefined && { event_types: JSON.stringify(patch.eventTypes) }),
      ...(patch.description !== undefined && { description: patch.description }),
      ...(patch.enabled !== undefined && { status: patch.enabled ? ('enabled' as const) : ('disabled' as const), disabled_reason: patch.enabled ? null : 'manual' }),
    })
    .where('id', '=', id);
  if (scope !== null) query = query.where('client_id', '=', scope.clientId).where('livemode', '=', scope.livemode);
  return query.returningAll().executeTakeFirst();
}

/** Deletes the endpoint; its pending deliveries are given up first so nothing is signed with the wrong secret. */
export async function deleteEndpoint(db: Db, id: string, scope: TenantScope): Promise<boolean> {
  if (!(await getEndpoint(db, id, scope))) return false;
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('deliveries')
      .set({ status: 'failed', last_error: 'endpoint_deleted', completed_at: new Date() })
      .where('endpoint_id', '=', id)
      .where('status', '=', 'pending')
      .execute();
    await trx.deleteFrom('webhook_endpoints').where('id', '=', id).execute();
  });
  return true;
}

/** Replaces an endpoint's signing secret (encrypted), keeping the previous one until `previousSecretExpiresAt` (or not). */
export function replaceEndpointSecret(
  db: Db,
  id: string,
  secrets: { secretEnc: string; previousSecretEnc: string | null; previousSecretExpiresAt: Date | null },
): Promise<WebhookEndpoint> {
  return db
    .updateTable('webhook_endpoints')
    .set({ secret_enc: secrets.secretEnc, previous_secret_enc: secrets.previousSecretEnc, previous_secret_expires_at: secrets.previousSecretExpiresAt, updated_at: new Date() })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Disables an endpoint that answered 410 Gone: nothing more is sent to it until the client enables it. */
export async function disableGoneEndpoint(db: Db, id: string): Promise<void> {
  await db.updateTable('webhook_endpoints').set({ status: 'disabled', disabled_reason: 'gone', updated_at: new Date() }).where('id', '=', id).execute();
}
