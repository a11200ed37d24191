import { z } from 'zod';
import { REASON_CODE, REVIEW_DECISIONS } from '../../domain/decision';
import { text } from './text';

export const submitReviewSchema = z
  .object({
    decision: z.enum(REVIEW_DECISIONS),
    reason: z.string().regex(REASON_CODE, 'must be a snake_case reason code, e.g. document_genuine'),
    note: text().max(2000).optional(),
  })
  .strict();
