import type { ActivityDeps } from './deps';
import type { VerificationUpdate } from '../db/schema';
import { recordTransition, type RecordedEvent } from '../db/repositories/events';
import { updateVerification } from '../db/repositories/verifications';
import type { ReopenInput, ReviewInput } from '../domain/decision';
import { TRANSITIONS, type Decision, type Reason, type Stage, type TransitionName } from '../domain/lifecycle';

/** The review's times, and the analyst's outcome once given. */
export interface ReviewRecord extends Partial<ReviewInput> {
  startedAt: string;
  deadline: string;
  completedAt?: string;
  /** When the review is of a reopened verification: why, who sent it back, when. */
  reopened?: ReopenInput & { at: string };
}

export interface RecordStageInput {
  verificationId: string;
  /** The lifecycle step (domain/lifecycle.ts TRANSITIONS): its status, its event, its payload. */
  transition: TransitionName;
  /** The stage the verification is in after the step. */
  stage: Stage;
  /** One pass through the lifecycle (1, then one more per resubmission); absent in histories from before rounds: 1. */
  round?: number;
  /** With `resubmitted`: the new document attempt, which starts over from extraction. */
  attempt?: number;
  decision?: Decision;
  reasons?: Reason[];
  review?: ReviewRecord;
  /** With `completed` and `resubmissionClosed`: whether the decision is final (absent: it is), and until when a new document is accepted when not. */
  resubmission?: { final: boolean; until?: string };
}

/** What a step changes on the verification besides its status and stage. */
function stepPatch(input: RecordStageInput, status: Stage): VerificationUpdate {
  const json = (value: unknown) => JSON.stringify(value);
  const ends = status === 'completed' || status === 'cancelled' || status === 'failed';
  return {
    ...(input.decision !== undefined && { decision: input.decision }),
    ...(input.reasons !== undefined && { reasons: json(input.reasons) }),
    ...(input.review !== undefined && { review: json(input.review) }),
    // Closing the resubmission window keeps the time the decision was made.
    ...(ends && input.transition !== 'resubmissionClosed' && { completed_at: new Date() }),
    ...((input.transition === 'completed' || input.resubmission) && {
      final: input.resubmission?.final ?? true,
      resubmit_until: input.resubmission?.until ?? null,
    }),
    // Reopened: the decision no longer stands until the analyst decides again.
    ...(input.transition === 'reopened' && { decision: null, final: null, resubmit_until: null, completed_at: null }),
    // A new document: what the previous attempt read, found and decided no longer stands.
    ...(input.transition === 'resubmitted' && {
      attempt: input.attempt!,
      decision: null,
      reasons: '[]',
      checks: '[]',
      extraction: 'null',
      review: 'null',
      final: null,
      resubmit_until: null,
      completed_at: null,
    }),
  };
}

export function stageActivities({ db }: ActivityDeps) {
  return {
    /**
     * Moves the verification through one lifecycle step and records the step's event and its
     * deliveries in the same transaction (a step without an event only updates the verification).
     */
    async recordStage(input: RecordStageInput): Promise<RecordedEvent> {
      const { status, event } = TRANSITIONS[input.transition];
      const patch = { status, stage: input.stage, ...stepPatch(input, status) };
      if (!event) {
        await updateVerification(db, input.verificationId, patch);
        return { eventId: null, sequence: null, deliveries: [] };
      }
      return recordTransition(db, { verificationId: input.verificationId, eventType: event, round: input.round ?? 1, patch });
    },
  };
}
