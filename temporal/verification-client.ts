import { isGrpcServiceError, WithStartWorkflowOperation, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../db';
import { getClient } from '../db/repositories/clients';
import { SearchAttributes, workflowIdFor } from '../domain/temporal';
import type { ReopenInput } from '../domain/decision';
import { reopenUpdate, resendWebhooksWorkflow, verificationWorkflow, type VerificationWorkflowInput } from '../workflows';
import type { WebhookRetrySettings } from '../workflows/activity-options';
import { toRecordedDelivery, type RecordedDelivery } from '../db/repositories/events';

export function webhookRetrySettings(config: Config): WebhookRetrySettings {
  return {
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    initialIntervalMs: config.WEBHOOK_RETRY_INITIAL_MS,
    backoffCoefficient: config.WEBHOOK_RETRY_BACKOFF,
    maximumIntervalMs: config.WEBHOOK_RETRY_MAX_INTERVAL_MS,
    maximumAgeMs: config.WEBHOOK_RETRY_MAX_AGE_MS,
  };
}

export interface StartableVerification {
  id: string;
  client_id: string;
  reference: string | null;
}

export interface ClientSettings {
  skip_manual_review: boolean;
}

function workflowInput(config: Config, verification: StartableVerification, settings: ClientSettings): VerificationWorkflowInput {
  return {
    verificationId: verification.id,
    clientId: verification.client_id,
    webhooks: webhookRetrySettings(config),
    review: { enabled: !settings.skip_manual_review, deadlineMs: config.REVIEW_DEADLINE_MS },
    resubmission: { windowMs: config.RESUBMISSION_WINDOW_MS, maxAttempts: config.MAX_ATTEMPTS },
  };
}

/** Where and how a verification's run starts: its id, queue, search attributes and memo (the reference). */
function startOptions(config: Config, verification: StartableVerification, input: VerificationWorkflowInput, stage: 'submitted' | 'completed') {
  return {
    workflowId: workflowIdFor(verification.id),
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [input] as [VerificationWorkflowInput],
    typedSearchAttributes: [
      { key: SearchAttributes.stage, value: stage },
      { key: SearchAttributes.clientId, value: verification.client_id },
    ],
    memo: { reference: verification.reference ?? '' },
  };
}

/**
 * Starts the verification's workflow. Idempotent: a running workflow with the same id is reused
 * and a finished one is never started again, so a retried request can always call this.
 */
export async function startVerificationWorkflow(
  client: Client,
  config: Config,
  verification: StartableVerification,
  settings: ClientSettings,
): Promise<void> {
  try {
    await client.workflow.start(verificationWorkflow, {
      ...startOptions(config, verification, workflowInput(config, verification, settings), 'submitted'),
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/**
 * Reopens a decided verification with update-with-start: the `reopen` Update goes to its run when
 * that is still open (webhooks going out, a resubmission window), or to a new run under the same
 * workflow id (allowed for this start only) that does nothing but the reopened review. Answers once
 * `verification.reopened` is recorded; a refusal is a WorkflowUpdateFailedError.
 */
export async function reopenVerificationWorkflow(
  client: Client,
  config: Config,
  verification: StartableVerification & { attempt: number },
  settings: ClientSettings,
  { lastRound, request }: { lastRound: number; request: ReopenInput },
): Promise<void> {
  const input = { ...workflowInput(config, verification, settings), reopened: { round: lastRound, attempt: verification.attempt } };
  const startWorkflowOperation = new WithStartWorkflowOperation(verificationWorkflow, {
    ...startOptions(config, verification, input, 'completed'),
    workflowIdConflictPolicy: 'USE_EXISTING',
    workflowIdReusePolicy: 'ALLOW_DUPLICATE',
  });
  await client.workflow.executeUpdateWithStart(reopenUpdate, { args: [request], startWorkflowOperation });
}

/**
 * Starts the workflow of a verification already stored, with its client's current settings: for
 * the reconciler and for a cancel, when the API that stored it died before starting it. Idempotent.
 */
export async function startStoredVerificationWorkflow(client: Client, config: Config, db: Db, verification: StartableVerification): Promise<void> {
  const owner = await getClient(db, verification.client_id);
  if (!owner) throw new Error(`Client ${verification.client_id} of verification ${verification.id} does not exist`);
  await startVerificationWorkflow(client, config, verification, owner);
}

export function temporalUiLink(config: Config, verificationId: string, uiBase: string | undefined): string | undefined {
  if (!uiBase) return undefined;
  return `${uiBase.replace(/\/$/, '')}/namespaces/${encodeURIComponent(config.TEMPORAL_NAMESPACE)}/workflows/${workflowIdFor(verificationId)}`;
}

/** Sends new deliveries of an existing event (a resend); one workflow per resend request. */
export async function startResendWorkflow(client: Client, config: Config, deliveries: Array<{ id: string; target: 'endpoint' | 'callback'; endpoint_id: string | null }>): Promise<void> {
  if (deliveries.length === 0) return;
  await startDeliveryWorkflow(client, config, `resend-${deliveries[0]!.id}`, deliveries.map(toRecordedDelivery));
}

/**
 * Sends deliveries in order per target, with the webhook retry policy, in a workflow of their own
 * (resends, and what is left to send once an erased verification's run is gone). Idempotent per id.
 */
export async function startDeliveryWorkflow(client: Client, config: Config, workflowId: string, deliveries: RecordedDelivery[]): Promise<void> {
  if (deliveries.length === 0) return;
  try {
    await client.workflow.start(resendWebhooksWorkflow, {
      workflowId,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{ deliveries, webhooks: webhookRetrySettings(config) }],
      workflowIdConflictPolicy: 'USE_EXISTING',
      workflowIdReusePolicy: 'REJECT_DUPLICATE',
    });
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
  }
}

/**
 * Deletes every run of a verification's workflow (running ones are terminated first): its history
 * holds the reference (memo) and an analyst's note (the review Update). Returns how many went.
 */
export async function deleteVerificationRuns(client: Client, config: Config, verificationId: string): Promise<number> {
  const workflowId = workflowIdFor(verificationId);
  const runs: string[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) runs.push(execution.runId);
  // The newest run, even before visibility lists it.
  const latest = await client.workflow
    .getHandle(workflowId)
    .describe()
    .then((d) => d.runId)
    .catch((error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return undefined;
      throw error;
    });
  if (latest && !runs.includes(latest)) runs.push(latest);
  for (const runId of runs) {
    try {
      await client.workflowService.deleteWorkflowExecution({ namespace: config.TEMPORAL_NAMESPACE, workflowExecution: { workflowId, runId } });
    } catch (error) {
      // Already gone (5: NOT_FOUND).
      if (!isGrpcServiceError(error) || error.code !== 5) throw error;
    }
  }
  return runs.length;
}
