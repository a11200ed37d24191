import type { ActivityDeps } from './deps';
import { documentActivities } from './document-analysis';
import { stageActivities } from './stages';
import { webhookActivities } from './webhook-delivery';
import { retentionActivities } from './retention';

export type { ActivityDeps } from './deps';
export type { RecordStageInput, ReviewRecord } from './stages';
export type { DeliveryOutcome } from './webhook-delivery';
export type { ExtractionSummary } from './document-analysis';

/** Activities are built over injected dependencies; workflows import this type only. */
export function createActivities(deps: ActivityDeps) {
  return { ...stageActivities(deps), ...documentActivities(deps), ...webhookActivities(deps), ...retentionActivities(deps) };
}

export type Activities = ReturnType<typeof createActivities>;
