import { Router } from 'express';
import { WorkflowUpdateFailedError, type Client as TemporalClient } from '@temporalio/client';
import type { Db } from '../../db';
import { getVerification, listAwaitingReview } from '../../db/repositories/verifications';
import { workflowIdFor } from '../../domain/temporal';
import { submitReviewUpdate } from '../../workflows';
import { principal, requireRole } from '../auth';
import { ApiError, notFound } from '../errors';
import { page, paginationSchema, parseQuery } from '../pagination';
import { submitReviewSchema } from '../schemas/reviews';
import type { serializeVerification } from '../serializers';
import { parseBody } from '../validation';

export interface ReviewRouteDeps {
  db: Db;
  temporal: TemporalClient;
  present: (v: Parameters<typeof serializeVerification>[0]) => ReturnType<typeof serializeVerification>;
}

/** GET /v1/reviews: the analysts' queue, oldest first. */
export function reviewQueueRouter({ db, present }: ReviewRouteDeps): Router {
  const router = Router();
  router.get('/', requireRole('analyst', 'admin'), async (req, res) => {
    const { limit, cursor } = parseQuery(paginationSchema, req.query);
    const { items, hasMore, nextCursor } = page(await listAwaitingReview(db, cursor, limit), limit);
    res.json({ object: 'list', data: items.map(present), hasMore, nextCursor });
  });
  return router;
}

const notAwaiting = () => new ApiError(409, 'not_awaiting_review', 'The verification is not awaiting review');

/** POST /v1/verifications/:id/review: an analyst's outcome, through the workflow's `submitReview` Update. */
export function reviewHandler({ db, temporal, present }: ReviewRouteDeps): Router {
  const router = Router({ mergeParams: true });
  router.post('/', requireRole('analyst', 'admin'), async (req, res) => {
    const id = String(req.params.id);
    const body = parseBody(submitReviewSchema, req.body);
    const verification = await getVerification(db, id);
    if (!verification) throw notFound('Verification');
    if (verification.status !== 'awaiting_review') throw notAwaiting();
    try {
      await temporal.workflow.getHandle(workflowIdFor(id)).executeUpdate(submitReviewUpdate, { args: [{ ...body, analystId: principal(req).keyId }] });
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) throw notAwaiting();
      throw error;
    }
    res.json(present((await getVerification(db, id))!));
  });
  return router;
}
