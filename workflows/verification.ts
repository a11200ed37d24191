import {
  ApplicationFailure,
  CancellationScope,
  condition,
  isCancellation,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, RecordStageInput } from '../activities';
import type { Check } from '../domain/checks';
import { assess, decideAfterReview, reviewInputProblem, reviewRecord, type ReviewInput } from '../domain/decision';
import { isTerminal, stageAfter, TRANSITIONS, type Decision, type Reason, type TransitionName } from '../domain/lifecycle';
import { RunFailure } from '../domain/failures';
import { documentsTaskQueue, SearchAttributes } from '../domain/temporal';
import { activityPresets } from './activity-options';
import { cancelUpdate, getStatusQuery, reviewDecisionSignal, submitReviewUpdate, type VerificationStatus, type VerificationWorkflowInput } from './messages';
import { WebhookOutbox } from './webhook-outbox';

/** Histories from before `extracting` was recorded by the stage activity (the extraction activity wrote it). */
const RECORD_EXTRACTING = 'record-extracting-status';

// ---- workflow -------------------------------------------------------------------------------
export async function verificationWorkflow(input: VerificationWorkflowInput): Promise<VerificationStatus> {
  const { recordStage } = proxyLocalActivities<Activities>(activityPresets.stage);
  const analysis = proxyActivities<Activities>(activityPresets.analysis(documentsTaskQueue(workflowInfo().taskQueue)));
  const outbox = new WebhookOutbox(input.webhooks);
  const state: VerificationStatus = { verificationId: input.verificationId, status: 'submitted', stage: 'submitted', decision: null, reasons: [] };
  let review: ReviewInput | undefined;
  /** True once how it ended (completed, cancelled, failed) is stored, so an Update caller reads it from the API. */
  let ended = false;

  setHandler(getStatusQuery, () => state);
  setHandler(
    submitReviewUpdate,
    async (outcome) => {
      review ??= reviewRecord(outcome);
      await condition(() => ended);
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

  /** Takes one lifecycle step (domain/lifecycle.ts): the status, and the step's event and its webhooks, recorded together. */
  async function move(transition: TransitionName, extra: Omit<RecordStageInput, 'verificationId' | 'transition' | 'stage'> = {}): Promise<void> {
    state.status = TRANSITIONS[transition].status;
    state.stage = stageAfter(transition, state.stage);
    upsertSearchAttributes([{ key: SearchAttributes.stage, value: state.status }]);
    outbox.dispatch(await recordStage({ verificationId: input.verificationId, transition, stage: state.stage, ...extra }));
    if (isTerminal(state.status)) ended = true;
  }

  async function complete(decision: Decision, reasons: Reason[], extra: Pick<RecordStageInput, 'review'> = {}): Promise<void> {
    state.decision = decision;
    state.reasons = reasons;
    upsertSearchAttributes([{ key: SearchAttributes.decision, value: decision }]);
    await move('completed', { decision, reasons, ...extra });
  }

  async function pipeline(): Promise<void> {
    await move('submitted');
    if (patched(RECORD_EXTRACTING)) await move('extracting');
    else {
      state.status = 'extracting';
      state.stage = 'extracting';
      upsertSearchAttributes([{ key: SearchAttributes.stage, value: 'extracting' }]);
    }
    const extraction = await analysis.extractDocument(input.verificationId);
    if (!extraction.readable) {
      await move('unreadable');
      return complete('rejected', [{ code: 'document_unreadable', retryable: true }]);
    }
    await move('extracted');
    const checks: Check[] = await analysis.checkAuthenticity(input.verificationId);
    const assessment = assess(checks);
    await move('analysed');
    if (assessment.outcome !== 'review') return complete(assessment.outcome, assessment.reasons);
    if (!input.review.enabled) return complete('review_required', assessment.reasons);

    const startedAt = new Date();
    const deadline = new Date(startedAt.getTime() + input.review.deadlineMs);
    await move('reviewStarted', {
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
  // The pipeline runs in a scope of its own: the cancel Update cancels it as the Web UI's cancel
  // request cancels the whole workflow.
  const running = new CancellationScope();
  setHandler(
    cancelUpdate,
    async () => {
      running.cancel();
      await condition(() => ended);
      return state;
    },
    {
      validator: () => {
        if (isTerminal(state.status)) throw new Error(`The verification is already ${state.status}`);
      },
    },
  );
  try {
    await running.run(pipeline);
  } catch (error) {
    // Record how it ended even though the workflow is being cancelled, then deliver what is pending.
    await CancellationScope.nonCancellable(async () => {
      if (isCancellation(error)) await move('cancelled');
      else {
        failure = error;
        state.reasons = [{ code: 'processing_failed', retryable: true }];
        await move('failed', { reasons: state.reasons });
      }
    });
  }
  await CancellationScope.nonCancellable(() => outbox.drain());
  if (failure) throw ApplicationFailure.nonRetryable('The verification failed', RunFailure.verificationFailed, String(failure));
  return state;
}
