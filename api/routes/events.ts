import { Router } from 'express';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Config } from '../../config';
import type { Db } from '../../db';
import { createResendDeliveries, listDeliveriesForEvents, type ResendTarget } from '../../db/repositories/deliveries';
import { getEvent } from '../../db/repositories/events';
import { getVerification } from '../../db/repositories/verifications';
import { getEndpoint } from '../../db/repositories/webhook-endpoints';
import { startResendWorkflow } from '../../temporal/verification-client';
import { requireRole, tenantScope } from '../auth';
import { ApiError, notFound } from '../errors';
import { resendSchema } from '../schemas/webhook-endpoints';
import { serializeDelivery } from '../serializers';
import { parseBody } from '../validation';

export interface EventRouteDeps {
  config: Config;
  db: Db;
  temporal: TemporalClient;
}

/** POST /v1/events/:id/resend: delivers an event again, with the same `webhook-id`. */
export function eventsRouter({ config, db, temporal }: EventRouteDeps): Router {
  const router = Router();

  router.post('/:id/resend', requireRole('client', 'admin'), async (req, res) => {
    const scope = tenantScope(req);
    const event = await getEvent(db, String(req.params.id), scope);
    if (!event) throw notFound('Event');
    const { endpointId } = parseBody(resendSchema, req.body);

    let targets: ResendTarget[];
    if (endpointId) {
      const endpoint = await getEndpoint(db, endpointId, event.client_id);
      if (!endpoint) throw notFound('Webhook endpoint');
      if (endpoint.status !== 'enabled') throw new ApiError(409, 'endpoint_disabled', 'The webhook endpoint is disabled');
      targets = [{ target: 'endpoint', endpointId: endpoint.id, url: endpoint.url }];
    } else {
      targets = await originalTargets(db, event.id, event.verification_id, event.client_id);
    }
    if (targets.length === 0) throw new ApiError(409, 'no_delivery_target', 'The event has no enabled endpoint or callback URL to deliver to');

    const deliveries = await createResendDeliveries(db, event, targets);
    await startResendWorkflow(temporal, config, deliveries);
    res.status(202).json({ object: 'list', data: deliveries.map((d) => serializeDelivery(d)) });
  });

  return router;
}

/** Every target the event went to before that can still receive: enabled endpoints and the callback URL. */
async function originalTargets(db: Db, eventId: string, verificationId: string, clientId: string): Promise<ResendTarget[]> {
  const previous = await listDeliveriesForEvents(db, [eventId]);
  const targets: ResendTarget[] = [];
  for (const endpointId of new Set(previous.filter((d) => d.endpoint_id).map((d) => d.endpoint_id!))) {
    const endpoint = await getEndpoint(db, endpointId, clientId);
    if (endpoint?.status === 'enabled') targets.push({ target: 'endpoint', endpointId, url: endpoint.url });
  }
  const verification = await getVerification(db, verificationId);
  if (previous.some((d) => d.target === 'callback') && verification?.callback_url) {
    targets.push({ target: 'callback', endpointId: null, url: verification.callback_url });
  }
  return targets;
}
