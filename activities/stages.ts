import type { ActivityDeps } from './deps';
import { recordTransition, type RecordedEvent, type StageTransition } from '../db/repositories/events';

export interface RecordStageInput {
  verificationId: string;
  eventType: StageTransition['eventType'];
  status: string;
  stage: string;
  decision?: string | null;
  reasons?: unknown[];
  extraction?: Record<string, unknown> | null;
  checks?: unknown[];
  review?: Record<string, unknown> | null;
  completed?: boolean;
}

export function stageActivities({ db }: ActivityDeps) {
  return {
    /** Moves the verification to a stage and records the stage's event and its deliveries (one transaction). */
    async recordStage(input: RecordStageInput): Promise<RecordedEvent> {
      const json = (value: unknown) => JSON.stringify(value);
      return recordTransition(db, {
        verificationId: input.verificationId,
        eventType: input.eventType,
        patch: {
          status: input.status,
          stage: input.stage,
          ...(input.decision !== undefined && { decision: input.decision }),
          ...(input.reasons !== undefined && { reasons: json(input.reasons) }),
          ...(input.extraction !== undefined && { extraction: json(input.extraction) }),
          ...(input.checks !== undefined && { checks: json(input.checks) }),
          ...(input.review !== undefined && { review: json(input.review) }),
          ...(input.completed && { completed_at: new Date() }),
        },
      });
    },
  };
}
