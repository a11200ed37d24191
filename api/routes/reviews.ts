import { Router } from 'express';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Config } from '../../config';
import type { Db } from '../../db';
import { reviewVerification } from '../../services/verifications';
import { listAwaitingReview } from '../../db/repositories/verifications';
import { principal, requireRole } from '../auth';
import { page, paginationSchema, parseQuery } from '../pagination';
import { submitReviewSchema } from '../schemas/reviews';
import type { serializeVerification } from '../serializers';
import { parseBody } from '../validation';

export interface ReviewRouteDeps {
  config: Config;
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

/** POST /v1/verifications/:id/review: an analyst's outcome, through the workflow's `submitReview` Update. */
export function reviewHandler({ config, db, temporal, present }: ReviewRouteDeps): Router {
  const router = Router({ mergeParams: true });
  router.post('/', requireRole('analyst', 'admin'), async (req, res) => {
    const body = parseBody(submitReviewSchema, req.body);
    const verification = await reviewVerification({ config, db, temporal }, { id: String(req.params.id), review: { ...body, analystId: principal(req).keyId } });
    res.json(present(verification));
  });
  return router;
}
