import { Router, type Request } from 'express';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Config } from '../../config';
import type { Db } from '../../db';
import { listAttempts, listDeliveriesForEvents } from '../../db/repositories/deliveries';
import { listEvents } from '../../db/repositories/events';
import { getVerification, listVerifications } from '../../db/repositories/verifications';
import { temporalUiLink } from '../../temporal/verification-client';
import { clientScope, requireRole, tenantScope, principal } from '../auth';
import { ApiError, notFound } from '../errors';
import { multipartVerification } from '../multipart';
import { page, parseQuery } from '../pagination';
import { createVerificationSchema, idempotencyKeySchema, listVerificationsQuery, resubmitDocumentsSchema } from '../schemas/verifications';
import { caseClaimHandler, reopenHandler, reviewHandler } from './reviews';
import { documentSideSchema } from '../schemas/reviews';
import { auditRead, documentImage, liveClaims } from '../../services/review-cases';
import { cancelVerification, createVerification, resubmitDocuments } from '../../services/verifications';
import { eraseVerification } from '../../services/erasure';
import { serializeClaim, serializeDelivery, serializeEvent, serializeVerification } from '../serializers';
import { parseBody, storableParam } from '../validation';
import { assertAllowedWebhookUrl } from '../webhook-urls';

export function presenter(config: Config, temporalUiUrl: string | undefined) {
  return (v: Parameters<typeof serializeVerification>[0]) => serializeVerification(v, { temporalUi: temporalUiLink(config, v.id, temporalUiUrl) });
}

function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  const parsed = idempotencyKeySchema.safeParse(key);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({ path: 'Idempotency-Key', message: issue.message }));
  throw new ApiError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 visible ASCII characters', details);
}

export interface VerificationRouteDeps {
  config: Config;
  db: Db;
  temporal: TemporalClient;
  temporalUiUrl: string | undefined;
}

export function verificationsRouter({ config, db, temporal, temporalUiUrl }: VerificationRouteDeps): Router {
  const router = Router();
  const present = presenter(config, temporalUiUrl);
  const services = { config, db, temporal };
  const allowList = config.WEBHOOK_ALLOW_PRIVATE_HOSTS;
  router.param('id', storableParam);

  router.post('/', requireRole('client'), multipartVerification(config.MAX_DOCUMENT_BYTES), async (req, res) => {
    const idempotencyKey = idempotencyKeyOf(req);
    const request = parseBody(createVerificationSchema, req.body, { documentType: 'unsupported_document_type' });
    if (request.callbackUrl) await assertAllowedWebhookUrl(request.callbackUrl, allowList, 'callbackUrl');
    const { verification, replayed } = await createVerification(services, { scope: clientScope(req), request, idempotencyKey, fingerprint: JSON.stringify(req.body) });
    if (replayed) res.status(202).set('Idempotent-Replayed', 'true').json(present(verification));
    else res.status(202).location(`/v1/verifications/${verification.id}`).json(present(verification));
  });

  router.get('/', requireRole('client', 'analyst', 'admin'), async (req, res) => {
    const query = parseQuery(listVerificationsQuery, req.query);
    const rows = await listVerifications(db, { ...query, scope: tenantScope(req) });
    const { items, hasMore, nextCursor } = page(rows, query.limit);
    await auditRead(db, principal(req), 'verification.listed', items.map((v) => v.id));
    res.json({ object: 'list', data: items.map(present), hasMore, nextCursor });
  });

  router.post('/:id/cancel', requireRole('client', 'admin'), async (req, res) => {
    res.status(202).json(present(await cancelVerification(services, { id: String(req.params.id), scope: tenantScope(req) })));
  });

  /** A new document for a verification rejected for retryable reasons only (`final: false`). */
  router.post('/:id/documents', requireRole('client'), multipartVerification(config.MAX_DOCUMENT_BYTES), async (req, res) => {
    const documents = parseBody(resubmitDocumentsSchema, req.body);
    res.status(202).json(present(await resubmitDocuments(services, { id: String(req.params.id), scope: tenantScope(req), documents })));
  });

  router.use('/:id/review', reviewHandler({ config, db, temporal, present }));
  router.use('/:id/reopen', reopenHandler({ config, db, temporal, present }));

  router.get('/:id', requireRole('client', 'analyst', 'admin'), async (req, res) => {
    const verification = await getVerification(db, String(req.params.id), tenantScope(req));
    if (!verification) throw notFound('Verification');
    const events = await listEvents(db, verification.id);
    const actor = principal(req);
    await auditRead(db, actor, 'verification.viewed', [verification.id]);
    const [claim] = actor.role === 'client' ? [] : await liveClaims(db, [verification.id]);
    res.json({
      ...present(verification),
      events: events.map((e) => ({ id: e.id, type: e.type, sequence: e.sequence, createdAt: e.created_at.toISOString() })),
      ...(actor.role !== 'client' && { claim: claim ? serializeClaim(claim) : null }),
    });
  });

  /** Erasure: the personal data goes, a tombstone stays; idempotent. */
  router.delete('/:id', requireRole('client', 'admin'), async (req, res) => {
    res.json(present(await eraseVerification(services, { id: String(req.params.id), scope: tenantScope(req), actor: principal(req) })));
  });

  /** The stored image of one side: never cached, never under a public URL; reads by analysts are audited. */
  router.get('/:id/documents/:side', requireRole('client', 'analyst', 'admin'), async (req, res) => {
    const { side } = parseBody(documentSideSchema, { side: req.params.side });
    const image = await documentImage(db, { id: String(req.params.id), side, scope: tenantScope(req), actor: principal(req) });
    res
      .status(200)
      .set({ 'content-type': image.content_type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', 'content-disposition': `inline; filename="${side}"` })
      .send(Buffer.from(image.content));
  });

  router.use('/:id/claim', caseClaimHandler({ config, db }));

  router.get('/:id/events', requireRole('client', 'analyst', 'admin'), async (req, res) => {
    const verification = await getVerification(db, String(req.params.id), tenantScope(req));
    if (!verification) throw notFound('Verification');
    const events = await listEvents(db, verification.id);
    const deliveries = await listDeliveriesForEvents(db, events.map((e) => e.id));
    const attempts = await listAttempts(db, deliveries.map((d) => d.id));
    res.json({
      object: 'list',
      data: events.map((event) =>
        serializeEvent(
          event,
          deliveries.filter((d) => d.event_id === event.id).map((d) => serializeDelivery(d, attempts.filter((a) => a.delivery_id === d.id))),
        ),
      ),
    });
  });

  return router;
}
