import type { ActivityDeps } from './deps';
import { recordTransition, type RecordedEvent, type StageTransition } from '../db/repositories/events';
import { updateVerification } from '../db/repositories/verifications';

export interface RecordStageInput {
  verificationId: string;
  /** The stage's webhook event; omitted for a status change that clients are not told about. */
  eventType?: StageTransition['eventType'];
  status: string;
  stage: string;
  decision?: string | null;
  reasons?: unknown[];
  review?: Record<string, unknown> | null;
  completed?: boolean;
}

export function stageActivities({ db }: ActivityDeps) {
  return {
    /** Moves the verification to a stage and records the stage's event and its deliveries (one transaction). */
    async recordStage(input: RecordStageInput): Promise<RecordedEvent> {
      const json = (value: unknown) => JSON.stringify(value);
      const patch = {
        status: input.status,
        stage: input.stage,
        ...(input.decision !== undefined && { decision: input.decision }),
        ...(input.reasons !== undefined && { reasons: json(input.reasons) }),
        ...(input.review !== undefined && { review: json(input.review) }),
        ...(input.completed && { completed_at: new Date() }),
      };
      if (!input.eventType) {
        await updateVerification(db, input.verificationId, patch);
        return { eventId: null, sequence: null, deliveries: [] };
      }
      return recordTransition(db, { verificationId: input.verificationId, eventType: input.eventType, patch });
    },
  };
}
