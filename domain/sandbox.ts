import { CHECK_CODES, type Check, type CheckCode } from './checks';

/**
 * The sandbox: a test-mode verification never runs OCR; the request chooses its outcome, and the
 * real workflow, checks-to-decision policy and signed webhooks take it from there. Pure data and
 * rules, shared by the API (validation) and the activities (the scripted reading and checks).
 */
export const SANDBOX_DECISIONS = ['accepted', 'rejected', 'review'] as const;
export type SandboxDecision = (typeof SANDBOX_DECISIONS)[number];

export interface SandboxOutcome {
  decision: SandboxDecision;
  /** The check codes that fail (rejected) or are in doubt (review). */
  reasons?: CheckCode[];
}

const DEFAULT_REASONS: Record<SandboxDecision, CheckCode[]> = { accepted: [], rejected: ['document_expired'], review: ['applicant_mismatch'] };

/** Without a `sandbox` field a test-mode verification is accepted. */
export const DEFAULT_SANDBOX_OUTCOME: SandboxOutcome = { decision: 'accepted' };

function reasonsOf(outcome: SandboxOutcome): CheckCode[] {
  return outcome.reasons && outcome.reasons.length > 0 ? outcome.reasons : DEFAULT_REASONS[outcome.decision];
}

/** A rejection for `document_unreadable` is a document that cannot be read; anything else reads. */
export function sandboxReadable(outcome: SandboxOutcome): boolean {
  return !(outcome.decision === 'rejected' && reasonsOf(outcome).includes('document_unreadable'));
}

/** What the checks "find": every check passes but the chosen reasons, which fail (rejected) or are in doubt (review). */
export function sandboxChecks(outcome: SandboxOutcome): Check[] {
  const reasons = reasonsOf(outcome);
  const result = outcome.decision === 'rejected' ? 'fail' : 'consider';
  return CHECK_CODES.filter((code) => code !== 'document_unreadable').map((code) =>
    reasons.includes(code) ? { code, result, detail: 'chosen by the sandbox request' } : { code, result: 'pass' },
  );
}
