import { defineQuery, defineSignal, defineUpdate } from '@temporalio/workflow';
import type { ReviewInput } from '../domain/decision';
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
