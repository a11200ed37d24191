import { defineQuery, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities, RecordStageInput } from '../activities';
import type { Decision, Reason, Stage } from '../domain/lifecycle';
import { SearchAttributes } from '../domain/temporal';
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

// ---- types ----------------------------------------------------------------------------------
export interface VerificationWorkflowInput {
  verificationId: string;
  clientId: string;
  webhooks: WebhookRetrySettings;
}

// ---- workflow -------------------------------------------------------------------------------
export async function verificationWorkflow(input: VerificationWorkflowInput): Promise<VerificationStatus> {
  const { recordStage } = proxyActivities<Activities>(activityPresets.stage);
  const outbox = new WebhookOutbox(input.webhooks);
  const state: VerificationStatus = { verificationId: input.verificationId, status: 'submitted', stage: 'submitted', decision: null, reasons: [] };
  setHandler(getStatusQuery, () => state);

  async function enter(stage: Stage, eventType: RecordStageInput['eventType'], extra: Partial<RecordStageInput> = {}): Promise<void> {
    state.status = stage;
    state.stage = stage;
    upsertSearchAttributes([{ key: SearchAttributes.stage, value: stage }]);
    outbox.dispatch(await recordStage({ verificationId: input.verificationId, eventType, status: stage, stage, ...extra }));
  }

  if (workflowInfo().typedSearchAttributes.get(SearchAttributes.clientId) === undefined) {
    upsertSearchAttributes([{ key: SearchAttributes.clientId, value: input.clientId }]);
  }
  await enter('submitted', 'verification.submitted');
  await outbox.drain();
  return state;
}
