/**
 * The verification lifecycle: stages, statuses and the webhook event types they emit.
 * Pure data, safe to import from workflow code.
 */
export const STAGES = [
  'submitted',
  'extracting',
  'checking_authenticity',
  'awaiting_review',
  'completed',
  'cancelled',
  'failed',
] as const;
export type Stage = (typeof STAGES)[number];

export const TERMINAL_STAGES: readonly Stage[] = ['completed', 'cancelled', 'failed'];

export const DECISIONS = ['accepted', 'rejected', 'review_required'] as const;
export type Decision = (typeof DECISIONS)[number];

export const EVENT_TYPES = [
  'verification.submitted',
  'verification.extraction_completed',
  'verification.authenticity_completed',
  'verification.review_started',
  'verification.completed',
  'verification.cancelled',
  'verification.failed',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

export interface Reason {
  code: string;
  retryable: boolean;
  detail?: string;
}

export function isTerminal(stage: Stage): boolean {
  return TERMINAL_STAGES.includes(stage);
}
