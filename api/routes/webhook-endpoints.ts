import { Router } from 'express';
import type { Config } from '../../config';
import type { Db, WebhookEndpoint } from '../../db';
import { listAttempts, listDeliveriesForEndpoint } from '../../db/repositories/deliveries';
import { deleteEndpoint, getEndpoint, listEndpoints, updateEndpoint } from '../../db/repositories/webhook-endpoints';
import { createEndpoint, rotateEndpointSecret } from '../../services/webhook-endpoints';
import type { SecretBox } from '../../lib/crypto';
import { clientScope, requireRole, tenantScope } from '../auth';
import { notFound } from '../errors';
import { page, paginationSchema, parseQuery } from '../pagination';
import { createEndpointSchema, rotateSecretSchema, updateEndpointSchema } from '../schemas/webhook-endpoints';
import { serializeDelivery } from '../serializers';
import { parseBody, storableParam } from '../validation';
import { assertAllowedWebhookUrl } from '../webhook-urls';

export function serializeEndpoint(e: WebhookEndpoint) {
  return {
    id: e.id,
    object: 'webhook_endpoint',
    url: e.url,
    description: e.description,
    eventTypes: e.event_types,
    livemode: e.livemode,
    status: e.status,
    enabled: e.status === 'enabled',
    disabledReason: e.disabled_reason,
    createdAt: e.created_at.toISOString(),
    updatedAt: e.updated_at.toISOString(),
  };
}

export interface EndpointRouteDeps {
  config: Config;
  db: Db;
  secrets: SecretBox;
}

/** /v1/webhook-endpoints: a client's endpoints. The secret is shown on create and rotate only. */
export function webhookEndpointsRouter({ config, db, secrets }: EndpointRouteDeps): Router {
  const router = Router();
  const allowList = config.WEBHOOK_ALLOW_PRIVATE_HOSTS;
  router.param('id', storableParam);
  router.use(requireRole('client'));

  router.post('/', async (req, res) => {
    const body = parseBody(createEndpointSchema, req.body);
    await assertAllowedWebhookUrl(body.url, allowList);
    const { endpoint, secret } = await createEndpoint(db, secrets, { ...clientScope(req), ...body });
    res.status(201).location(`/v1/webhook-endpoints/${endpoint.id}`).json({ ...serializeEndpoint(endpoint), secret });
  });

  router.get('/', async (req, res) => {
    const { limit, cursor } = parseQuery(paginationSchema, req.query);
    const { items, hasMore, nextCursor } = page(await listEndpoints(db, tenantScope(req), cursor, limit), limit);
    res.json({ object: 'list', data: items.map(serializeEndpoint), hasMore, nextCursor });
  });

  router.get('/:id', async (req, res) => {
    const endpoint = await getEndpoint(db, String(req.params.id), tenantScope(req));
    if (!endpoint) throw notFound('Webhook endpoint');
    res.json(serializeEndpoint(endpoint));
  });

  router.patch('/:id', async (req, res) => {
    const body = parseBody(updateEndpointSchema, req.body);
    if (body.url) await assertAllowedWebhookUrl(body.url, allowList);
    const enabled = body.enabled ?? (body.status === undefined ? undefined : body.status === 'enabled');
    const endpoint = await updateEndpoint(db, String(req.params.id), tenantScope(req), { ...body, enabled });
    if (!endpoint) throw notFound('Webhook endpoint');
    res.json(serializeEndpoint(endpoint));
  });

  router.delete('/:id', async (req, res) => {
    if (!(await deleteEndpoint(db, String(req.params.id), tenantScope(req)))) throw notFound('Webhook endpoint');
    res.status(204).end();
  });

  router.post('/:id/rotate-secret', async (req, res) => {
    const { gracePeriodSeconds } = parseBody(rotateSecretSchema, req.body);
    const rotated = await rotateEndpointSecret(db, secrets, String(req.params.id), tenantScope(req), gracePeriodSeconds * 1000);
    if (!rotated) throw notFound('Webhook endpoint');
    res.json({
      ...serializeEndpoint(rotated.endpoint),
      secret: rotated.secret,
      previousSecretExpiresAt: rotated.previousSecretExpiresAt?.toISOString() ?? null,
    });
  });

  router.get('/:id/deliveries', async (req, res) => {
    const endpoint = await getEndpoint(db, String(req.params.id), tenantScope(req));
    if (!endpoint) throw notFound('Webhook endpoint');
    const { limit, cursor } = parseQuery(paginationSchema, req.query);
    const { items, hasMore, nextCursor } = page(await listDeliveriesForEndpoint(db, endpoint.id, cursor, limit), limit);
    const attempts = await listAttempts(db, items.map((d) => d.id));
    res.json({
      object: 'list',
      data: items.map((d) => serializeDelivery(d, attempts.filter((a) => a.delivery_id === d.id))),
      hasMore,
      nextCursor,
    });
  });

  return router;
}
