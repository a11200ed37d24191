import type { Client as TemporalClient } from '@temporalio/client';
import type { Config } from '../config';
import type { Db, Delivery, EventRow, TenantScope } from '../db';
import { createResendDeliveries, listDeliveriesForEvents, type ResendTarget } from '../db/repositories/deliveries';
import { getVerification } from '../db/repositories/verifications';
import { getEndpoint } from '../db/repositories/webhook-endpoints';
import { startResendWorkflow } from '../temporal/verification-client';
import { assertNotErased, ServiceError } from './errors';

/**
 * Delivers an event again, with the same event id (`webhook-id`) and body: to one endpoint, or to
 * every target it went to before that can still receive (enabled endpoints and the callback URL).
 */
export async function resendEvent(db: Db, temporal: TemporalClient, config: Config, event: EventRow, endpointId?: string): Promise<Delivery[]> {
  const verification = await getVerification(db, event.verification_id);
  if (verification) assertNotErased(verification);
  // The event's own client and mode: a test event goes to test endpoints only.
  const scope = { clientId: event.client_id, livemode: verification?.livemode ?? true };
  let targets: ResendTarget[];
  if (endpointId) {
    const endpoint = await getEndpoint(db, endpointId, scope);
    if (!endpoint) throw new ServiceError('endpoint_not_found', 'Webhook endpoint not found');
    if (endpoint.status !== 'enabled') throw new ServiceError('endpoint_disabled', 'The webhook endpoint is disabled');
    targets = [{ target: 'endpoint', endpointId: endpoint.id, url: endpoint.url }];
  } else {
    targets = await originalTargets(db, event, scope, verification?.callback_url ?? null);
  }
  if (targets.length === 0) throw new ServiceError('no_delivery_target', 'The event has no enabled endpoint or callback URL to deliver to');
  const deliveries = await createResendDeliveries(db, event, targets);
  await startResendWorkflow(temporal, config, deliveries);
  return deliveries;
}

async function originalTargets(db: Db, event: EventRow, scope: NonNullable<TenantScope>, callbackUrl: string | null): Promise<ResendTarget[]> {
  const previous = await listDeliveriesForEvents(db, [event.id]);
  const targets: ResendTarget[] = [];
  for (const endpointId of new Set(previous.filter((d) => d.endpoint_id).map((d) => d.endpoint_id!))) {
    const endpoint = await getEndpoint(db, endpointId, scope);
    if (endpoint?.status === 'enabled') targets.push({ target: 'endpoint', endpointId, url: endpoint.url });
  }
  if (previous.some((d) => d.target === 'callback') && callbackUrl) {
    targets.push({ target: 'callback', endpointId: null, url: callbackUrl });
  }
  return targets;
}
