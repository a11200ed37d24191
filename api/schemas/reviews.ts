import { z } from 'zod';
import { REASON_CODE, REVIEW_DECISIONS } from '../../domain/decision';
import { AUDIT_ACTIONS } from '../../db/schema';
import { paginationSchema } from '../pagination';
import { text } from './text';

export const submitReviewSchema = z
  .object({
    decision: z.enum(REVIEW_DECISIONS),
    reason: z.string().regex(REASON_CODE, 'must be a snake_case reason code, e.g. document_genuine'),
    note: text().max(2000).optional(),
  })
  .strict();

/** Why a decided verification goes back to an analyst. */
export const reopenSchema = z
  .object({
    reason: z.string().regex(REASON_CODE, 'must be a snake_case reason code, e.g. suspected_fraud'),
    note: text().max(2000).optional(),
  })
  .strict();

/** The queue's filters: a reason code among the case's reasons, a client. */
export const reviewQueueQuery = paginationSchema.extend({
  reason: z.string().regex(REASON_CODE, 'must be a snake_case reason code').optional(),
  clientId: text().max(64).optional(),
});

export const claimSchema = z
  .object({
    /** Admins only: take a case another analyst holds. */
    override: z.boolean().optional(),
  })
  .strict();

export const documentSideSchema = z.object({ side: z.enum(['front', 'back']) });

export const auditEventsQuery = paginationSchema.extend({
  verificationId: text().max(64).optional(),
  actorKeyId: text().max(64).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
});
