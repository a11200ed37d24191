import { Router, type Request } from 'express';
import { WorkflowNotFoundError, type Client as TemporalClient } from '@temporalio/client';
import type { Config } from '../../config';
import type { Db, NewVerification, Verification } from '../../db';
import { isUniqueViolation } from '../../db/errors';
import { listAttempts, listDeliveriesForEvents } from '../../db/repositories/deliveries';
import { getClient } from '../../db/repositories/clients';
import { listEvents } from '../../db/repositories/events';
import { findByIdempotencyKey, getVerification, IDEMPOTENCY_CONSTRAINT, insertVerification, listVerifications, type NewDocument } from '../../db/repositories/verifications';
import { isTerminal, type Stage } from '../../domain/lifecycle';
import { workflowIdFor } from '../../domain/temporal';
import { DocumentIntakeError, intakeDocuments } from '../../documents/intake';
import { sha256Hex } from '../../lib/crypto';
import { newId } from '../../lib/ids';
import { startStoredVerificationWorkflow, startVerificationWorkflow, temporalUiLink } from '../../temporal/verification-client';
import { requireRole, tenantScope, principal } from '../auth';
import { ApiError, notFound } from '../errors';
import { multipartVerification } from '../multipart';
import { page, parseQuery } from '../pagination';
import { createVerificationSchema, idempotencyKeySchema, listVerificationsQuery, type CreateVerificationRequest } from '../schemas/verifications';
import { reviewHandler } from './reviews';
import { serializeDelivery, serializeEvent, serializeVerification } from '../serializers';
import { parseBody, storableParam } from '../validation';
import { assertAllowedWebhookUrl } from '../webhook-urls';

export function presenter(config: Config, temporalUiUrl: string | undefined) {
  return (v: Parameters<typeof serializeVerification>[0]) => serializeVerification(v, { temporalUi: temporalUiLink(config, v.id, temporalUiUrl) });
}

function intake(body: CreateVerificationRequest, maxBytes: number): NewDocument[] {
  try {
    return intakeDocuments(body, maxBytes);
  } catch (error) {
    if (!(error instanceof DocumentIntakeError)) throw error;
    const status = error.code === 'document_too_large' ? 413 : error.code === 'unsupported_media_type' ? 415 : 400;
    throw new ApiError(status, error.code, error.message, [{ path: error.path, message: error.message }]);
  }
}

function newVerificationRow(id: string, clientId: string, body: CreateVerificationRequest, idempotency: { key: string; requestHash: string } | null): NewVerification {
  return {
    id,
    client_id: clientId,
    reference: body.reference ?? null,
    document_type: body.documentType,
    issuing_country: body.issuingCountry ?? null,
    status: 'submitted',
    stage: 'submitted',
    decision: null,
    reasons: '[]',
    callback_url: body.callbackUrl ?? null,
    metadata: JSON.stringify(body.metadata ?? {}),
    applicant: JSON.stringify(body.applicant ?? null),
    extraction: 'null',
    checks: '[]',
    review: 'null',
    idempotency_key: idempotency?.key ?? null,
    request_hash: idempotency?.requestHash ?? null,
    workflow_id: workflowIdFor(id),
    updated_at: new Date(),
  };
}

function idempotencyKeyOf(req: Request): string | undefined {
  const key = req.get('idempotency-key');
  if (key === undefined) return undefined;
  const parsed = idempotencyKeySchema.safeParse(key);
  if (parsed.success) return parsed.data;
  const details = parsed.error.issues.map((issue) => ({ path: 'Idempotency-Key', message: issue.message }));
  throw new ApiError(400, 'invalid_idempotency_key', 'Idempotency-Key must be 1 to 255 characters', details);
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
  const allowList = config.WEBHOOK_ALLOW_PRIVATE_HOSTS;
  router.param('id', storableParam);

  router.post('/', requireRole('client'), multipartVerification(config.MAX_DOCUMENT_BYTES), async (req, res) => {
    const clientId = principal(req).clientId!;
    const client = await getClient(db, clientId);
    if (!client) throw new ApiError(401, 'unauthenticated', 'The API key has no client');
    const idempotencyKey = idempotencyKeyOf(req);
    const body = parseBody(createVerificationSchema, req.body, { documentType: 'unsupported_document_type' });
    if (body.callbackUrl) await assertAllowedWebhookUrl(body.callbackUrl, allowList, 'callbackUrl');
    const requestHash = sha256Hex(JSON.stringify(req.body));
    /** The answer to a request whose Idempotency-Key was seen: the same verification, or a conflict. */
    const replay = async (existing: Verification) => {
      if (existing.request_hash !== requestHash) {
        throw new ApiError(409, 'idempotency_key_reused', 'This Idempotency-Key was used with a different request body');
      }
      await startVerificationWorkflow(temporal, config, existing, client);
      res.status(202).set('Idempotent-Replayed', 'true').json(present(existing));
    };

    const seen = idempotencyKey ? await findByIdempotencyKey(db, clientId, idempotencyKey) : undefined;
    if (seen) return replay(seen);

    const documents = intake(body, config.MAX_DOCUMENT_BYTES);
    const id = newId('verification');
    let verification: Verification;
    try {
      verification = await insertVerification(db, newVerificationRow(id, clientId, body, idempotencyKey ? { key: idempotencyKey, requestHash } : null), documents);
    } catch (error) {
      // A concurrent request with the same key won the insert; PostgreSQL made this one wait until
      // that one committed, so its verification is there to replay.
      if (!idempotencyKey || !isUniqueViolation(error, IDEMPOTENCY_CONSTRAINT)) throw error;
      return replay((await findByIdempotencyKey(db, clientId, idempotencyKey))!);
    }
    await startVerificationWorkflow(temporal, config, verification, client);
    res.status(202).location(`/v1/verifications/${id}`).json(present(verification));
  });

  router.get('/', requireRole('client', 'analyst', 'admin'), async (req, res) => {
    const query = parseQuery(listVerificationsQuery, req.query);
    const rows = await listVerifications(db, { ...query, clientId: tenantScope(req) });
    const { items, hasMore, nextCursor } = page(rows, query.limit);
    res.json({ object: 'list', data: items.map(present), hasMore, nextCursor });
  });

  router.post('/:id/cancel', requireRole('client', 'admin'), async (req, res) => {
    const verification = await getVerification(db, String(req.params.id), tenantScope(req));
    if (!verification) throw notFound('Verification');
    if (isTerminal(verification.status as Stage)) {
      throw new ApiError(409, 'verification_completed', `The verification is already ${verification.status} and cannot be cancelled`);
    }
    const workflow = temporal.workflow.getHandle(workflowIdFor(verification.id));
    try {
      await workflow.cancel();
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      // Stored but never started (the API stopped in between): started as the worker's reconciler
      // would, the cancellation is then recorded and delivered like any other.
      await startStoredVerificationWorkflow(temporal, config, db, verification);
      await workflow.cancel();
    }
    // The workflow records the cancellation within moments; answer with it when it has.
    let current = verification;
    for (let i = 0; i < 50 && !isTerminal(current.status as Stage); i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      current = (await getVerification(db, verification.id))!;
    }
    res.status(202).json(present(current));
  });

  router.use('/:id/review', reviewHandler({ db, temporal, present }));

  router.get('/:id', requireRole('client', 'analyst', 'admin'), async (req, res) => {
    const verification = await getVerification(db, String(req.params.id), tenantScope(req));
    if (!verification) throw notFound('Verification');
    const events = await listEvents(db, verification.id);
    res.json({
      ...present(verification),
      events: events.map((e) => ({ id: e.id, type: e.type, sequence: e.sequence, createdAt: e.created_at.toISOString() })),
    });
  });

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
