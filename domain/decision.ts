import type { Check } from './checks';
import { RETRYABLE } from './checks';
import type { Decision, Reason } from './lifecycle';
import { textProblem } from './text';

export type Assessment =
  | { outcome: 'accepted'; reasons: [] }
  | { outcome: 'rejected'; reasons: Reason[] }
  | { outcome: 'review'; reasons: Reason[] };

function reasonsFor(checks: readonly Check[], result: Check['result']): Reason[] {
  return checks
    .filter((check) => check.result === result)
    .map((check) => ({ code: check.code, retryable: RETRYABLE[check.code], ...(check.detail !== undefined && { detail: check.detail }) }));
}

/** The decision policy: any `fail` rejects; else any `consider` goes to manual review; else accepted. */
export function assess(checks: readonly Check[]): Assessment {
  const failed = reasonsFor(checks, 'fail');
  if (failed.length > 0) return { outcome: 'rejected', reasons: failed };
  const doubtful = reasonsFor(checks, 'consider');
  if (doubtful.length > 0) return { outcome: 'review', reasons: doubtful };
  return { outcome: 'accepted', reasons: [] };
}

export const REVIEW_DECISIONS = ['accepted', 'rejected'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

export interface ReviewInput {
  decision: ReviewDecision;
  /** A snake_case reason code, e.g. `document_genuine` or `photo_mismatch`. */
  reason: string;
  note?: string;
  /** The deciding key's id and name (the analyst's identity: one key each). */
  analystId?: string;
  analystName?: string;
}

export const REASON_CODE = /^[a-z][a-z0-9_]{1,63}$/;

/** Why a reason code, note and analyst are refused, or null when they can be stored. */
function reasonedProblem({ reason, note, analystId, analystName }: Record<string, unknown>): string | null {
  if (typeof reason !== 'string' || !REASON_CODE.test(reason)) return 'reason must be a snake_case reason code';
  if (note !== undefined && (typeof note !== 'string' || note.length > 2000)) return 'note must be a string of at most 2000 characters';
  // What the workflow stores must be storable, or recording the decision would fail for ever.
  for (const [field, value] of Object.entries({ note, analystId, analystName })) {
    if (value === undefined) continue;
    if (typeof value !== 'string') return `${field} must be a string`;
    const problem = textProblem(value);
    if (problem) return `${field} ${problem}`;
  }
  return null;
}

/** Why a review input is refused, or null when it is well-formed. Shared by the Update validator and the signal. */
export function reviewInputProblem(input: unknown): string | null {
  if (typeof input !== 'object' || input === null) return 'the review must be an object';
  const fields = input as Record<string, unknown>;
  if (!REVIEW_DECISIONS.includes(fields.decision as ReviewDecision)) return 'decision must be "accepted" or "rejected"';
  return reasonedProblem(fields);
}

/** Why a decided verification goes back to an analyst (fraud found later, a complaint), and who sent it back. */
export interface ReopenInput {
  reason: string;
  note?: string;
  analystId?: string;
  analystName?: string;
}

export function reopenInputProblem(input: unknown): string | null {
  if (typeof input !== 'object' || input === null) return 'the reopening must be an object';
  return reasonedProblem(input as Record<string, unknown>);
}

/** The reopening as stored: the known fields only. */
export function reopenRecord({ reason, note, analystId, analystName }: ReopenInput): ReopenInput {
  return { reason, ...(note !== undefined && { note }), ...(analystId !== undefined && { analystId }), ...(analystName !== undefined && { analystName }) };
}

/** The review as stored: the known fields only, so nothing unchecked reaches the database. */
export function reviewRecord({ decision, reason, note, analystId, analystName }: ReviewInput): ReviewInput {
  return { decision, reason, ...(note !== undefined && { note }), ...(analystId !== undefined && { analystId }), ...(analystName !== undefined && { analystName }) };
}

/** The final decision after an analyst's review. */
export function decideAfterReview(review: ReviewInput, pending: readonly Reason[]): { decision: Decision; reasons: Reason[] } {
  if (review.decision === 'accepted') return { decision: 'accepted', reasons: [] };
  return { decision: 'rejected', reasons: [{ code: review.reason, retryable: false }, ...pending] };
}
