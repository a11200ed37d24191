import {
  ApplicationFailure,
  CancellationScope,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  isCancellation,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, RecordStageInput } from '../activities';
import type { Check } from '../domain/checks';
import { assess, decideAfterReview, reviewInputProblem, reviewRecord, type ReviewInput } from '../domain/decision';
import type { Decision, EventType, Reason, Stage } from '../domain/lifecycle';
import { documentsTaskQueue, SearchAttributes } from '../domain/temporal';
import { activityPresets, type WebhookRetrySettings } from './activity-options';
import { WebhookOutbox } from './webhook-outbox';

// ---- messages -------------------------------------------------------------------------------
export interface VerificationStatus {
  verificationId: string;
  status: Stage;
  stage: Stage;
  decision: Decision | null;
  reasons: Reason[];
}

export const getStatusQuery = defineQuery<VerificationStatus>('getStatus');
/**
 * An analyst's outcome; the validator refuses it unless the verification awaits review and the input
 * can be stored (domain/text.ts): an accepted review that cannot be recorded would wedge the case.
 */
export const submitReviewUpdate = defineUpdate<VerificationStatus, [ReviewInput]>('submitReview');
/** The same outcome as a signal, for the Temporal CLI and Web UI (invalid input is ignored). */
export const reviewDecisionSignal = defineSignal<[ReviewInput]>('reviewDecision');

// ---- types ----------------------------------------------------------------------------------
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

// ---- workflow -------------------------------------------------------------------------------
export async function verificationWorkflow(input: VerificationWorkflowInput): Promise<VerificationStatus> {
  const { recordStage } = proxyLocalActivities<Activities>(activityPresets.stage);
  const analysis = proxyActivities<Activities>(activityPresets.analysis(documentsTaskQueue(workflowInfo().taskQueue)));
  const outbox = new WebhookOutbox(input.webhooks);
  const state: VerificationStatus = { verificationId: input.verificationId, status: 'submitted', stage: 'submitted', decision: null, reasons: [] };
  let review: ReviewInput | undefined;
  /** True once the decision is stored, so an Update caller reads the final state from the API. */
  let decided = false;

  setHandler(getStatusQuery, () => state);
  setHandler(
    submitReviewUpdate,
    async (outcome) => {
      review ??= reviewRecord(outcome);
      await condition(() => decided || state.status === 'cancelled' || state.status === 'failed');
      return state;
    },
    {
      validator: (outcome) => {
        if (state.status !== 'awaiting_review' || review !== undefined) throw new Error('The verification is not awaiting review');
        const problem = reviewInputProblem(outcome);
        if (problem) throw new Error(problem);
      },
    },
  );
  setHandler(reviewDecisionSignal, (outcome) => {
    if (state.status === 'awaiting_review' && review === undefined && reviewInputProblem(outcome) === null) review = reviewRecord(outcome);
  });

  /** Moves to a status; the stage's event (if any) and its webhooks are recorded in the same step. */
  async function enter(status: Stage, eventType: EventType | undefined, extra: Partial<RecordStageInput> = {}): Promise<void> {
    state.status = status;
    if (status !== 'completed' && status !== 'cancelled' && status !== 'failed') state.stage = status;
    upsertSearchAttributes([{ key: SearchAttributes.stage, value: status }]);
    outbox.dispatch(await recordStage({ verificationId: input.verificationId, eventType, status, stage: state.stage, ...extra }));
  }

  async function complete(decision: Decision, reasons: Reason[], extra: Partial<RecordStageInput> = {}): Promise<void> {
    state.decision = decision;
    state.reasons = reasons;
    upsertSearchAttributes([{ key: SearchAttributes.decision, value: decision }]);
    await enter('completed', 'verification.completed', { decision, reasons, completed: true, ...extra });
    decided = true;
  }

  async function pipeline(): Promise<void> {
    await enter('submitted', 'verification.submitted');
    state.status = 'extracting';
    state.stage = 'extracting';
    upsertSearchAttributes([{ key: SearchAttributes.stage, value: 'extracting' }]);
    const extraction = await analysis.extractDocument(input.verificationId);
    if (!extraction.readable) {
      await enter('extracting', 'verification.extraction_completed');
      return complete('rejected', [{ code: 'document_unreadable', retryable: true }]);
    }
    await enter('checking_authenticity', 'verification.extraction_completed');
    const checks: Check[] = await analysis.checkAuthenticity(input.verificationId);
    const assessment = assess(checks);
    await enter('checking_authenticity', 'verification.authenticity_completed');
    if (assessment.outcome !== 'review') return complete(assessment.outcome, assessment.reasons);
    if (!input.review.enabled) return complete('review_required', assessment.reasons);

    const startedAt = new Date();
    const deadline = new Date(startedAt.getTime() + input.review.deadlineMs);
    await enter('awaiting_review', 'verification.review_started', {
      reasons: assessment.reasons,
      review: { startedAt: startedAt.toISOString(), deadline: deadline.toISOString() },
    });
    if (!(await condition(() => review !== undefined, input.review.deadlineMs))) {
      // An analyst not answering in time is a business outcome, not an error.
      return complete('review_required', [{ code: 'review_timeout', retryable: false }, ...assessment.reasons]);
    }
    const outcome = review!;
    const final = decideAfterReview(outcome, assessment.reasons);
    return complete(final.decision, final.reasons, {
      review: { startedAt: startedAt.toISOString(), deadline: deadline.toISOString(), completedAt: new Date().toISOString(), ...outcome },
    });
  }

  if (workflowInfo().typedSearchAttributes.get(SearchAttributes.clientId) === undefined) {
    upsertSearchAttributes([{ key: SearchAttributes.clientId, value: input.clientId }]);
  }
  let failure: unknown;
  try {
    await pipeline();
  } catch (error) {
    // Record how it ended even though the workflow is being cancelled, then deliver what is pending.
    await CancellationScope.nonCancellable(async () => {
      if (isCancellation(error)) await enter('cancelled', 'verification.cancelled', { completed: true });
      else {
        failure = error;
        state.reasons = [{ code: 'processing_failed', retryable: true }];
        await enter('failed', 'verification.failed', { reasons: state.reasons, completed: true });
      }
    });
  }
  await CancellationScope.nonCancellable(() => outbox.drain());
  if (failure) throw ApplicationFailure.nonRetryable('The verification failed', 'VerificationFailed', String(failure));
  return state;
}
