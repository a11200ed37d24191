import { defineSearchAttributeKey } from '@temporalio/common';

/** The one task queue of the verification pipeline (overridable per deployment via TEMPORAL_TASK_QUEUE). */
export const TASK_QUEUE = 'kycflow-verifications';

/**
 * Document extraction and checks run on their own task queue, served by a worker with few slots:
 * OCR is CPU-bound and must not starve webhook delivery or other verifications.
 */
export function documentsTaskQueue(taskQueue: string): string {
  return `${taskQueue}-documents`;
}

export const WORKFLOW_ID_PREFIX = 'verification-';

export function workflowIdFor(verificationId: string): string {
  return `${WORKFLOW_ID_PREFIX}${verificationId}`;
}

/** Search attributes visible (and filterable) in the Temporal Web UI. Never personal data. */
export const SearchAttributes = {
  stage: defineSearchAttributeKey('KycStage', 'KEYWORD'),
  decision: defineSearchAttributeKey('KycDecision', 'KEYWORD'),
  clientId: defineSearchAttributeKey('KycClientId', 'KEYWORD'),
} as const;

export const ALL_SEARCH_ATTRIBUTES = Object.values(SearchAttributes);
