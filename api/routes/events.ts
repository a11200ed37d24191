import { Router } from 'express';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Config } from '../../config';
import type { Db } from '../../db';
import { getEvent } from '../../db/repositories/events';
import { resendEvent } from '../../services/resend';
import { requireRole, tenantScope } from '../auth';
import { notFound } from '../errors';
import { resendSchema } from '../schemas/webhook-endpoints';
import { serializeDelivery } from '../serializers';
import { parseBody, storableParam } from '../validation';

export interface EventRouteDeps {
  config: Config;
  db: Db;
  temporal: TemporalClient;
}

/** POST /v1/events/:id/resend: delivers an event again, with the same `webhook-id`. */
export function eventsRouter({ config, db, temporal }: EventRouteDeps): Router {
  const router = Router();
  router.param('id', storableParam);

  router.post('/:id/resend', requireRole('client', 'admin'), async (req, res) => {
    const event = await getEvent(db, String(req.params.id), tenantScope(req));
    if (!event) throw notFound('Event');
    const { endpointId } = parseBody(resendSchema, req.body);
    const deliveries = await resendEvent(db, temporal, config, event, endpointId);
    res.status(202).json({ object: 'list', data: deliveries.map((d) => serializeDelivery(d)) });
  });

  return router;
}
