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
import type { Activities, RecordStageInput, ReviewRecord } from '../activities';
import type { Check } from '../domain/checks';
import { assess, decideAfterReview, reopenInputProblem, reopenRecord, reviewInputProblem, reviewRecord, type ReopenInput, type ReviewInput } from '../domain/decision';
import { isTerminal, stageAfter, TRANSITIONS, type Decision, type Reason, type TransitionName } from '../domain/lifecycle';
import { RunFailure } from '../domain/failures';
import { documentsTaskQueue, SearchAttributes } from '../domain/temporal';
import { activityPresets } from './activity-options';
import {
  cancelUpdate,
  getStatusQuery,
  reopenUpdate,
  resubmitUpdate,
  reviewDecisionSignal,
  submitReviewUpdate,
  type VerificationStatus,
  type VerificationWorkflowInput,
} from './messages';
import { WebhookOutbox } from './webhook-outbox';

/** Histories from before `extracting` was recorded by the stage activity (the extraction activity wrote it). */
const RECORD_EXTRACTING = 'record-extracting-status';
/** Histories from before a retryable rejection waited for a new document. */
const RESUBMISSION = 'resubmission';

/** How long a run started to reopen waits for its reopen Update. */
const REOPEN_ARRIVAL_MS = 60_000;

/** How one attempt ended: the decision, and the analyst's review when there was one. */
interface Outcome {
  decision: Decision;
  reasons: Reason[];
  review?: ReviewRecord;
}

// ---- workflow -------------------------------------------------------------------------------
export async function verificationWorkflow(input: VerificationWorkflowInput): Promise<VerificationStatus> {
  const { recordStage } = proxyLocalActivities<Activities>(activityPresets.stage);
  const analysis = proxyActivities<Activities>(activityPresets.analysis(documentsTaskQueue(workflowInfo().taskQueue)));
  const outbox = new WebhookOutbox(input.webhooks);
  const reopenedRun = input.reopened;
  const state: VerificationStatus = reopenedRun
    ? { verificationId: input.verificationId, status: 'completed', stage: 'awaiting_review', decision: null, reasons: [], attempt: reopenedRun.attempt }
    : { verificationId: input.verificationId, status: 'submitted', stage: 'submitted', decision: null, reasons: [], attempt: 1 };
  let review: ReviewInput | undefined;
  /** True once how it ended (completed, cancelled, failed) is stored, so an Update caller reads it from the API. */
  let ended = reopenedRun !== undefined;
  /** One pass through the lifecycle (first submission, each resubmission, each reopening): events are recorded once per type and round. */
  let round = reopenedRun?.round ?? 1;
  /** A reopening waiting to be taken up, and whether one is under way. */
  let reopenRequest: ReopenInput | undefined;
  let reopening = false;
  /** Set while a rejected verification waits for a new document; then the attempt the document is for. */
  let awaitingDocument = false;
  let resubmitted: number | undefined;

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
  setHandler(
    resubmitUpdate,
    async ({ attempt }) => {
      resubmitted = attempt;
      // Answers once `verification.resubmitted` is recorded.
      await condition(() => state.attempt >= attempt);
      return state;
    },
    {
      validator: ({ attempt }) => {
        if (!awaitingDocument || resubmitted !== undefined || reopenRequest !== undefined) throw new Error('The verification does not accept a new document');
        if (attempt !== state.attempt + 1) throw new Error(`The next attempt is ${state.attempt + 1}`);
      },
    },
  );

  setHandler(
    reopenUpdate,
    async (request) => {
      reopenRequest = reopenRecord(request);
      // Answers once `verification.reopened` is recorded.
      await condition(() => reopenRequest === undefined);
      return state;
    },
    {
      validator: (request) => {
        if (state.status !== 'completed' || reopenRequest !== undefined || resubmitted !== undefined) throw new Error('Only a completed verification can be reopened');
        const problem = reopenInputProblem(request);
        if (problem) throw new Error(problem);
      },
    },
  );

  /** Takes one lifecycle step (domain/lifecycle.ts): the status, and the step's event and its webhooks, recorded together. */
  async function move(transition: TransitionName, extra: Omit<RecordStageInput, 'verificationId' | 'transition' | 'stage' | 'round'> = {}): Promise<void> {
    state.status = TRANSITIONS[transition].status;
    state.stage = stageAfter(transition, state.stage);
    upsertSearchAttributes([{ key: SearchAttributes.stage, value: state.status }]);
    outbox.dispatch(await recordStage({ verificationId: input.verificationId, transition, stage: state.stage, round, ...extra }));
    ended = isTerminal(state.status);
  }

  async function complete({ decision, reasons, review: record }: Outcome, resubmission?: RecordStageInput['resubmission']): Promise<void> {
    state.decision = decision;
    state.reasons = reasons;
    upsertSearchAttributes([{ key: SearchAttributes.decision, value: decision }]);
    await move('completed', { decision, reasons, ...(record && { review: record }), ...(resubmission && { resubmission }) });
  }

  /** One attempt: the document is read and checked, and an analyst decides when the checks are in doubt. */
  async function readAndDecide(): Promise<Outcome> {
    if (patched(RECORD_EXTRACTING)) await move('extracting');
    else {
      state.status = 'extracting';
      state.stage = 'extracting';
      upsertSearchAttributes([{ key: SearchAttributes.stage, value: 'extracting' }]);
    }
    const extraction = await analysis.extractDocument(input.verificationId);
    if (!extraction.readable) {
      await move('unreadable');
      return { decision: 'rejected', reasons: [{ code: 'document_unreadable', retryable: true }] };
    }
    await move('extracted');
    const checks: Check[] = await analysis.checkAuthenticity(input.verificationId);
    const assessment = assess(checks);
    await move('analysed');
    if (assessment.outcome !== 'review') return { decision: assessment.outcome, reasons: assessment.reasons };
    if (!input.review.enabled) return { decision: 'review_required', reasons: assessment.reasons };

    const startedAt = new Date();
    const deadline = new Date(startedAt.getTime() + input.review.deadlineMs);
    await move('reviewStarted', {
      reasons: assessment.reasons,
      review: { startedAt: startedAt.toISOString(), deadline: deadline.toISOString() },
    });
    if (!(await condition(() => review !== undefined, input.review.deadlineMs))) {
      // An analyst not answering in time is a business outcome, not an error.
      return { decision: 'review_required', reasons: [{ code: 'review_timeout', retryable: false }, ...assessment.reasons] };
    }
    const outcome = review!;
    const final = decideAfterReview(outcome, assessment.reasons);
    return { ...final, review: { startedAt: startedAt.toISOString(), deadline: deadline.toISOString(), completedAt: new Date().toISOString(), ...outcome } };
  }

  /** A rejection whose every reason may be retried, with attempts left, waits for a new document (histories from before never did). */
  function mayResubmit({ decision, reasons }: Outcome): boolean {
    const settings = input.resubmission;
    if (!settings || decision !== 'rejected' || reasons.length === 0 || !reasons.every((r) => r.retryable)) return false;
    return state.attempt < settings.maxAttempts && patched(RESUBMISSION);
  }

  /** Waits up to the window for a new document; the attempt it is for, or undefined when none came (or the wait was cancelled). */
  async function awaitDocument(windowMs: number): Promise<number | undefined> {
    awaitingDocument = true;
    try {
      // A reopening closes the window: an analyst takes the case over.
      await condition(() => resubmitted !== undefined || reopenRequest !== undefined, windowMs);
    } catch (error) {
      // Cancelling a verification that already has its decision closes its window.
      if (!isCancellation(error)) throw error;
    }
    awaitingDocument = false;
    return resubmitted;
  }

  async function pipeline(): Promise<void> {
    await move('submitted');
    for (;;) {
      const outcome = await readAndDecide();
      if (!mayResubmit(outcome)) return complete(outcome);
      const { windowMs } = input.resubmission!;
      await complete(outcome, { final: false, until: new Date(Date.now() + windowMs).toISOString() });
      const attempt = await awaitDocument(windowMs);
      if (attempt === undefined) {
        return CancellationScope.nonCancellable(() => move('resubmissionClosed', { resubmission: { final: true } }));
      }
      round += 1;
      review = undefined;
      state.decision = null;
      state.reasons = [];
      upsertSearchAttributes([{ key: SearchAttributes.decision, value: null }]);
      await move('resubmitted', { attempt });
      state.attempt = attempt;
      resubmitted = undefined;
    }
  }

  /** A decided verification back with an analyst: a review as for a doubtful case, decided again. */
  async function reopenRound(request: ReopenInput): Promise<void> {
    reopening = true;
    round += 1;
    review = undefined;
    state.decision = null;
    state.reasons = [{ code: request.reason, retryable: false }];
    upsertSearchAttributes([{ key: SearchAttributes.decision, value: null }]);
    const startedAt = new Date();
    const deadline = new Date(startedAt.getTime() + input.review.deadlineMs);
    const times = { startedAt: startedAt.toISOString(), deadline: deadline.toISOString() };
    await move('reopened', { reasons: state.reasons, review: { ...times, reopened: { ...request, at: startedAt.toISOString() } } });
    reopenRequest = undefined;
    const pending = state.reasons;
    if (!(await condition(() => review !== undefined, input.review.deadlineMs))) {
      await complete({ decision: 'review_required', reasons: [{ code: 'review_timeout', retryable: false }, ...pending] });
    } else {
      const outcome = review!;
      const decided = decideAfterReview(outcome, pending);
      await complete({ ...decided, review: { ...times, completedAt: new Date().toISOString(), reopened: { ...request, at: times.startedAt }, ...outcome } });
    }
    reopening = false;
  }

  /**
   * The verification's life in this run: read and decided (unless the run was started to reopen),
   * then, while its webhooks are still going out (or from the start, for a reopening run), any
   * reopening sends it back to an analyst.
   */
  async function lifecycle(): Promise<void> {
    if (!reopenedRun) await pipeline();
    // Its reopen Update comes with the start (update-with-start); a start without one ends soon.
    else await condition(() => reopenRequest !== undefined, REOPEN_ARRIVAL_MS);
    for (;;) {
      if (reopenRequest === undefined) await Promise.race([outbox.drain(), condition(() => reopenRequest !== undefined)]);
      if (reopenRequest === undefined) return;
      await reopenRound(reopenRequest);
    }
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
        if (reopening) throw new Error('A reopened verification is decided by an analyst, not cancelled');
      },
    },
  );
  try {
    await running.run(lifecycle);
  } catch (error) {
    // Record how it ended even though the workflow is being cancelled, then deliver what is pending.
    await CancellationScope.nonCancellable(async () => {
      if (isCancellation(error)) {
        // A cancellation after the decision (the Web UI's, while webhooks still go out) changes nothing.
        if (!ended) await move('cancelled');
      } else {
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
