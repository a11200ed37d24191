import type { Db } from '../index';
import type { WebhookEndpoint } from '../schema';
import type { SecretBox } from '../../lib/crypto';
import { newId } from '../../lib/ids';
import { generateSecret } from '../../webhooks/signing';

export interface EndpointWithSecret {
  endpoint: WebhookEndpoint;
  /** Plaintext secret: shown on create and rotate only. */
  secret: string;
}

export async function createEndpoint(
  db: Db,
  box: SecretBox,
  input: { clientId: string; url: string; eventTypes: string[]; description?: string | undefined },
): Promise<EndpointWithSecret> {
  const secret = generateSecret();
  const endpoint = await db
    .insertInto('webhook_endpoints')
    .values({
      id: newId('endpoint'),
      client_id: input.clientId,
      url: input.url,
      description: input.description ?? null,
      event_types: JSON.stringify(input.eventTypes),
      status: 'enabled',
      secret_enc: box.encrypt(secret),
      updated_at: new Date(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { endpoint, secret };
}

export function getEndpoint(db: Db, id: string, clientId: string | null): Promise<WebhookEndpoint | undefined> {
  let query = db.selectFrom('webhook_endpoints').selectAll().where('id', '=', id);
  if (clientId !== null) query = query.where('client_id', '=', clientId);
  return query.executeTakeFirst();
}

export function listEndpoints(db: Db, clientId: string | null, cursor: string | undefined, limit: number): Promise<WebhookEndpoint[]> {
  let query = db.selectFrom('webhook_endpoints').selectAll();
  if (clientId !== null) query = query.where('client_id', '=', clientId);
  if (cursor) query = query.where('id', '>', cursor);
  return query.orderBy('id').limit(limit + 1).execute();
}

export interface EndpointPatch {
  url?: string | undefined;
  eventTypes?: string[] | undefined;
  description?: string | null | undefined;
  enabled?: boolean | undefined;
}

export function updateEndpoint(db: Db, id: string, clientId: string | null, patch: EndpointPatch): Promise<WebhookEndpoint | undefined> {
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
  if (clientId !== null) query = query.where('client_id', '=', clientId);
  return query.returningAll().executeTakeFirst();
}

/** Deletes the endpoint; its pending deliveries are given up first so nothing is signed with the wrong secret. */
export async function deleteEndpoint(db: Db, id: string, clientId: string | null): Promise<boolean> {
  if (!(await getEndpoint(db, id, clientId))) return false;
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

/** A new secret; the old one keeps signing (a second signature) until the grace period ends. */
export async function rotateEndpointSecret(
  db: Db,
  box: SecretBox,
  id: string,
  clientId: string | null,
  graceMs: number,
): Promise<(EndpointWithSecret & { previousSecretExpiresAt: Date | null }) | undefined> {
  const current = await getEndpoint(db, id, clientId);
  if (!current) return undefined;
  const secret = generateSecret();
  const expires = graceMs > 0 ? new Date(Date.now() + graceMs) : null;
  const endpoint = await db
    .updateTable('webhook_endpoints')
    .set({
      secret_enc: box.encrypt(secret),
      previous_secret_enc: expires ? current.secret_enc : null,
      previous_secret_expires_at: expires,
      updated_at: new Date(),
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
  return { endpoint, secret, previousSecretExpiresAt: expires };
}

/** Disables an endpoint that answered 410 Gone: nothing more is sent to it until the client enables it. */
export async function disableGoneEndpoint(db: Db, id: string): Promise<void> {
  await db.updateTable('webhook_endpoints').set({ status: 'disabled', disabled_reason: 'gone', updated_at: new Date() }).where('id', '=', id).execute();
}
