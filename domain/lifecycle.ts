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
  'verification.resubmitted',
  'verification.reopened',
  'verification.erased',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** Events recorded outside the workflow's lifecycle steps: erasure happens to a verification that has ended. */
export const OUT_OF_LIFECYCLE_EVENTS: readonly EventType[] = ['verification.erased'];

export interface Reason {
  code: string;
  retryable: boolean;
  detail?: string;
}

export function isTerminal(stage: Stage): boolean {
  return TERMINAL_STAGES.includes(stage);
}

/**
 * What a webhook event tells about the verification besides its id, reference, sequence, attempt,
 * status and metadata. `resubmission`: whether a rejection is final, and until when a new document
 * is accepted when it is not; `supersedes`: the earlier `verification.completed` a decision replaces.
 */
export type PayloadPart = 'decision' | 'reasons' | 'checks' | 'resubmission' | 'supersedes';

/**
 * One step of the lifecycle: the status it moves to, the event clients are told of it by (none for
 * a status change they are not told about) and what that event's payload carries. A terminal
 * status keeps the stage the verification ended in.
 */
export interface Transition {
  status: Stage;
  event: EventType | null;
  carries: readonly PayloadPart[];
}

/**
 * The lifecycle, declared once: the workflow moves only through these steps, the stage activity
 * records them, and the webhook payload is built from them. Adding an event type is a row here
 * and the workflow step that takes it.
 */
export const TRANSITIONS = {
  submitted: { status: 'submitted', event: 'verification.submitted', carries: [] },
  /** Extraction started: a status change without an event. */
  extracting: { status: 'extracting', event: null, carries: [] },
  /** Extracted: authenticity analysis is next. */
  extracted: { status: 'checking_authenticity', event: 'verification.extraction_completed', carries: [] },
  /** Nothing could be read: the verification stays in extraction and is rejected next. */
  unreadable: { status: 'extracting', event: 'verification.extraction_completed', carries: [] },
  analysed: { status: 'checking_authenticity', event: 'verification.authenticity_completed', carries: ['checks'] },
  reviewStarted: { status: 'awaiting_review', event: 'verification.review_started', carries: [] },
  completed: { status: 'completed', event: 'verification.completed', carries: ['decision', 'reasons', 'checks', 'resubmission', 'supersedes'] },
  cancelled: { status: 'cancelled', event: 'verification.cancelled', carries: [] },
  failed: { status: 'failed', event: 'verification.failed', carries: ['reasons'] },
  /** A rejected verification got a new document: it starts over from extraction, one attempt further. */
  resubmitted: { status: 'submitted', event: 'verification.resubmitted', carries: [] },
  /**
   * The resubmission window closed (or the last attempt was used): the rejection is final. Clients
   * knew the deadline from `verification.completed` (`resubmitUntil`), so no event.
   */
  resubmissionClosed: { status: 'completed', event: null, carries: [] },
  /** A decided verification goes back to an analyst; `reasons` says why (the reopening's reason code). */
  reopened: { status: 'awaiting_review', event: 'verification.reopened', carries: ['reasons'] },
} as const satisfies Record<string, Transition>;

export type TransitionName = keyof typeof TRANSITIONS;

/** The stage a verification is in after a step: its new status, or the stage it ended in for a terminal one. */
export function stageAfter(transition: TransitionName, stage: Stage): Stage {
  const { status } = TRANSITIONS[transition];
  return isTerminal(status) ? stage : status;
}

/**
 * What an event type's payload carries (every row of one event type carries the same). An event
 * that is no step of the lifecycle (`verification.erased`, recorded when the data goes, in whatever
 * status the verification ended) carries nothing more.
 */
export function payloadOf(type: EventType): readonly PayloadPart[] {
  return Object.values(TRANSITIONS).find((t: Transition) => t.event === type)?.carries ?? [];
}
