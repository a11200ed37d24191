import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ReopenInput, ReviewInput } from '../domain/decision';
import type { Decision, Reason, Stage } from '../domain/lifecycle';
import type { WebhookRetrySettings } from './activity-options';

/**
 * The verification workflow's messages and input: what the API, the CLI and the tests send it and
 * read from it (one module, as the Temporal samples' `shared.ts`). Safe to import outside workflows.
 */

export interface VerificationStatus {
  verificationId: string;
  status: Stage;
  stage: Stage;
  decision: Decision | null;
  reasons: Reason[];
  /** The document attempt: 1, then one more per resubmission. */
  attempt: number;
}

export interface VerificationWorkflowInput {
  verificationId: string;
  clientId: string;
  webhooks: WebhookRetrySettings;
  review: {
    /** False when the client opted out of manual review: doubtful cases end as review_required. */
    enabled: boolean;
    deadlineMs: number;
  };
  /**
   * A rejection for retryable reasons only waits this long for a new document, up to `maxAttempts`
   * documents in all (absent in runs from before resubmission: it never waits).
   */
  resubmission?: { windowMs: number; maxAttempts: number };
  /**
   * A run started to reopen a decided verification whose run had closed: it reads and decides
   * nothing itself, it takes the `reopen` Update sent with its start. `round` is the last round
   * recorded, `attempt` the verification's document attempt.
   */
  reopened?: { round: number; attempt: number };
}

export const getStatusQuery = defineQuery<VerificationStatus>('getStatus');
/**
 * An analyst's outcome; the validator refuses it unless the verification awaits review and the input
 * can be stored (domain/text.ts): an accepted review that cannot be recorded would wedge the case.
 */
export const submitReviewUpdate = defineUpdate<VerificationStatus, [ReviewInput]>('submitReview');
/** The same outcome as a signal, for the Temporal CLI and Web UI (invalid input is ignored). */
export const reviewDecisionSignal = defineSignal<[ReviewInput]>('reviewDecision');
/**
 * Cancels the verification and answers once it has ended (cancelled; or completed or failed when it
 * got there first). Refused when it has already ended. The Web UI's cancel request does the same,
 * without an answer.
 */
export const cancelUpdate = defineUpdate<VerificationStatus>('cancel');
/**
 * A new document for a rejected verification that accepts one (its images are stored first, under
 * `attempt`); answers once `verification.resubmitted` is recorded. Refused when the verification
 * does not wait for a document (not rejected for retryable reasons only, the window closed, no
 * attempts left) or `attempt` is not the next one.
 */
export const resubmitUpdate = defineUpdate<VerificationStatus, [{ attempt: number }]>('resubmit');
/**
 * Sends a decided verification back to an analyst (reason code, note, who): `verification.reopened`,
 * then a review as for a doubtful case, whose decision is a new `verification.completed` naming the
 * one it supersedes. Answers once the verification awaits review. Refused unless the verification
 * is completed (and no new document is on its way). Sent with update-with-start: to the open run,
 * or to a new run under the same workflow id when the last one has closed.
 */
export const reopenUpdate = defineUpdate<VerificationStatus, [ReopenInput]>('reopen');
