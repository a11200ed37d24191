import { Router } from 'express';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Config } from '../../config';
import type { Db } from '../../db';
import { listAwaitingReview } from '../../db/repositories/verifications';
import { auditRead, claimReviewCase, liveClaims, releaseReviewCase } from '../../services/review-cases';
import { reopenVerification, reviewVerification } from '../../services/verifications';
import { principal, requireRole, tenantScope } from '../auth';
import { ApiError } from '../errors';
import { page, parseQuery } from '../pagination';
import { claimSchema, reopenSchema, reviewQueueQuery, submitReviewSchema } from '../schemas/reviews';
import { serializeClaim, type serializeVerification } from '../serializers';
import { parseBody } from '../validation';

export interface ReviewRouteDeps {
  config: Config;
  db: Db;
  temporal: TemporalClient;
  present: (v: Parameters<typeof serializeVerification>[0]) => ReturnType<typeof serializeVerification>;
}

/**
 * GET /v1/reviews: the analysts' queue, oldest first, filtered by reason code or client. Each case
 * says who holds it (`claim`, or null); `review.deadline` is when it completes unreviewed.
 */
export function reviewQueueRouter({ db, present }: ReviewRouteDeps): Router {
  const router = Router();
  router.get('/', requireRole('analyst', 'admin'), async (req, res) => {
    const query = parseQuery(reviewQueueQuery, req.query);
    const { items, hasMore, nextCursor } = page(await listAwaitingReview(db, query), query.limit);
    const ids = items.map((v) => v.id);
    const claims = await liveClaims(db, ids);
    await auditRead(db, principal(req), 'verification.listed', ids);
    res.json({
      object: 'list',
      data: items.map((v) => {
        const claim = claims.find((c) => c.verificationId === v.id);
        return { ...present(v), claim: claim ? serializeClaim(claim) : null };
      }),
      hasMore,
      nextCursor,
    });
  });
  return router;
}

/** POST /v1/verifications/:id/review: an analyst's outcome, through the workflow's `submitReview` Update. */
export function reviewHandler({ config, db, temporal, present }: ReviewRouteDeps): Router {
  const router = Router({ mergeParams: true });
  router.post('/', requireRole('analyst', 'admin', 'client'), async (req, res) => {
    const actor = principal(req);
    // The sandbox plays the analyst too: a test key decides its own sandbox cases (scoped to them).
    if (actor.role === 'client' && actor.livemode) throw new ApiError(403, 'forbidden', 'Analysts and admins review verifications; a test key (kyc_test_…) may decide its own sandbox ones');
    const body = parseBody(submitReviewSchema, req.body);
    const verification = await reviewVerification(
      { config, db, temporal },
      {
        id: String(req.params.id),
        review: { ...body, analystId: actor.keyId, analystName: actor.name },
        ...(actor.role === 'client' ? { scope: tenantScope(req) } : { actor }),
      },
    );
    res.json(present(verification));
  });
  return router;
}

/** POST /v1/verifications/:id/reopen: a decided verification back to an analyst, through the workflow's `reopen` Update. */
export function reopenHandler({ config, db, temporal, present }: ReviewRouteDeps): Router {
  const router = Router({ mergeParams: true });
  router.post('/', requireRole('analyst', 'admin'), async (req, res) => {
    const reopen = parseBody(reopenSchema, req.body);
    res.json(present(await reopenVerification({ config, db, temporal }, { id: String(req.params.id), reopen, actor: principal(req) })));
  });
  return router;
}

/**
 * POST /v1/verifications/:id/claim: hold a case awaiting review for `CLAIM_TTL_MS` (again to renew;
 * `{"override": true}` lets an admin take it from another analyst) — 409 `case_claimed` while
 * someone else holds it. DELETE lets go of it.
 */
export function caseClaimHandler({ config, db }: { config: Config; db: Db }): Router {
  const router = Router({ mergeParams: true });
  router.post('/', requireRole('analyst', 'admin'), async (req, res) => {
    const { override } = parseBody(claimSchema, req.body ?? {});
    const holder = await claimReviewCase({ config, db }, { id: String(req.params.id), actor: principal(req), override: override ?? false });
    res.json(serializeClaim(holder));
  });
  router.delete('/', requireRole('analyst', 'admin'), async (req, res) => {
    await releaseReviewCase(db, { id: String(req.params.id), actor: principal(req) });
    res.status(204).end();
  });
  return router;
}
