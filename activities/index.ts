import type { ActivityDeps } from './deps';
import { stageActivities } from './stages';
import { webhookActivities } from './webhook-delivery';

export type { ActivityDeps } from './deps';
export type { RecordStageInput } from './stages';
export type { DeliveryOutcome } from './webhook-delivery';

/** Activities are built over injected dependencies; workflows import this type only. */
export function createActivities(deps: ActivityDeps) {
  return { ...stageActivities(deps), ...webhookActivities(deps) };
}

export type Activities = ReturnType<typeof createActivities>;
