import { payloadOf, type Decision, type EventType, type Reason, type Stage } from '../domain/lifecycle';

export interface CheckSummary {
  total: number;
  pass: number;
  consider: number;
  fail: number;
}

export interface EventData {
  verificationId: string;
  reference: string | null;
  sequence: number;
  /** The document attempt (1, then one more per resubmission). */
  attempt: number;
  /** False for a sandbox (test-mode) verification. */
  livemode: boolean;
  status: Stage;
  decision?: Decision;
  reasons?: Reason[];
  checks?: CheckSummary;
  /** On completion: false while a rejected verification accepts a new document, until `resubmitUntil`. */
  final?: boolean;
  resubmitUntil?: string;
  /** On completion: the earlier `verification.completed` event this decision replaces. */
  supersedes?: string;
  metadata?: Record<string, string>;
}

export interface EventBody {
  type: EventType;
  timestamp: string;
  data: EventData;
}

/**
 * The webhook body is thin on purpose: ids, status, decision, reason codes and counts; never images
 * or extracted personal data. Clients fetch details with GET /v1/verifications/:id.
 */
export function buildEventBody(type: EventType, at: Date, data: EventData): string {
  const clean: EventData = {
    verificationId: data.verificationId,
    reference: data.reference,
    sequence: data.sequence,
    attempt: data.attempt,
    livemode: data.livemode,
    status: data.status,
    ...(data.decision !== undefined && { decision: data.decision }),
    ...(data.reasons !== undefined && { reasons: data.reasons }),
    ...(data.checks !== undefined && { checks: data.checks }),
    ...(data.final !== undefined && { final: data.final }),
    ...(data.resubmitUntil !== undefined && { resubmitUntil: data.resubmitUntil }),
    ...(data.supersedes !== undefined && { supersedes: data.supersedes }),
    ...(data.metadata !== undefined && Object.keys(data.metadata).length > 0 && { metadata: data.metadata }),
  };
  const body: EventBody = { type, timestamp: at.toISOString(), data: clean };
  return JSON.stringify(body);
}

/**
 * What an event of a type tells about the verification: always its id, reference, sequence,
 * attempt, status and metadata; the rest as its transition declares (domain/lifecycle.ts): the
 * decision, its reasons and whether it is final on completion, reasons on failure, the checks'
 * counts once authenticity was analysed and on completion.
 */
export function eventDataOf(
  v: {
    id: string;
    reference: string | null;
    status: Stage;
    attempt: number;
    livemode: boolean;
    decision: Decision | null;
    reasons: Reason[];
    checks: ReadonlyArray<{ result: string }>;
    final: boolean | null;
    resubmit_until: Date | null;
    metadata: Record<string, string>;
  },
  sequence: number,
  type: EventType,
  /** The latest `verification.completed` recorded before this event, if any. */
  previousCompletion: string | null = null,
): EventData {
  const carries = payloadOf(type);
  return {
    verificationId: v.id,
    reference: v.reference,
    sequence,
    attempt: v.attempt,
    livemode: v.livemode,
    status: v.status,
    ...(carries.includes('decision') && v.decision !== null && { decision: v.decision }),
    ...(carries.includes('reasons') && { reasons: v.reasons }),
    ...(carries.includes('checks') && { checks: summariseChecks(v.checks) }),
    ...(carries.includes('resubmission') && { final: v.final ?? true }),
    ...(carries.includes('resubmission') && v.final === false && v.resubmit_until !== null && { resubmitUntil: v.resubmit_until.toISOString() }),
    ...(carries.includes('supersedes') && previousCompletion !== null && { supersedes: previousCompletion }),
    metadata: v.metadata,
  };
}

export function summariseChecks(checks: ReadonlyArray<{ result: string }>): CheckSummary {
  const count = (result: string) => checks.filter((check) => check.result === result).length;
  return { total: checks.length, pass: count('pass'), consider: count('consider'), fail: count('fail') };
}
