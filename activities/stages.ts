import type { ActivityDeps } from './deps';
import { recordTransition, type RecordedEvent } from '../db/repositories/events';
import { updateVerification } from '../db/repositories/verifications';
import type { ReviewInput } from '../domain/decision';
import { TRANSITIONS, type Decision, type Reason, type Stage, type TransitionName } from '../domain/lifecycle';

/** The review's times, and the analyst's outcome once given. */
export interface ReviewRecord extends Partial<ReviewInput> {
  startedAt: string;
  deadline: string;
  completedAt?: string;
}

export interface RecordStageInput {
  verificationId: string;
  /** The lifecycle step (domain/lifecycle.ts TRANSITIONS): its status, its event, its payload. */
  transition: TransitionName;
  /** The stage the verification is in after the step. */
  stage: Stage;
  decision?: Decision;
  reasons?: Reason[];
  review?: ReviewRecord;
}

export function stageActivities({ db }: ActivityDeps) {
  return {
    /**
     * Moves the verification through one lifecycle step and records the step's event and its
     * deliveries in the same transaction (a step without an event only updates the verification).
     */
    async recordStage(input: RecordStageInput): Promise<RecordedEvent> {
      const { status, event } = TRANSITIONS[input.transition];
      const json = (value: unknown) => JSON.stringify(value);
      const patch = {
        status,
        stage: input.stage,
        ...(input.decision !== undefined && { decision: input.decision }),
        ...(input.reasons !== undefined && { reasons: json(input.reasons) }),
        ...(input.review !== undefined && { review: json(input.review) }),
        ...(status === 'completed' || status === 'cancelled' || status === 'failed' ? { completed_at: new Date() } : {}),
      };
      if (!event) {
        await updateVerification(db, input.verificationId, patch);
        return { eventId: null, sequence: null, deliveries: [] };
      }
      return recordTransition(db, { verificationId: input.verificationId, eventType: event, patch });
    },
  };
}
