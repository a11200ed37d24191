import type { EventType, Reason } from '../domain/lifecycle';

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
  status: string;
  decision?: string;
  reasons?: Reason[];
  checks?: CheckSummary;
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
    status: data.status,
    ...(data.decision !== undefined && { decision: data.decision }),
    ...(data.reasons !== undefined && { reasons: data.reasons }),
    ...(data.checks !== undefined && { checks: data.checks }),
    ...(data.metadata !== undefined && Object.keys(data.metadata).length > 0 && { metadata: data.metadata }),
  };
  const body: EventBody = { type, timestamp: at.toISOString(), data: clean };
  return JSON.stringify(body);
}

/**
 * What an event of a type tells about the verification: always its id, reference, sequence, status
 * and metadata; the decision and its reasons on completion (reasons on failure too); the checks'
 * counts once authenticity was analysed and on completion.
 */
export function eventDataOf(
  v: { id: string; reference: string | null; status: string; decision: string | null; reasons: unknown; checks: unknown; metadata: Record<string, string> },
  sequence: number,
  type: EventType,
): EventData {
  const decided = type === 'verification.completed';
  return {
    verificationId: v.id,
    reference: v.reference,
    sequence,
    status: v.status,
    ...(decided && v.decision !== null && { decision: v.decision }),
    ...((decided || v.status === 'failed') && { reasons: v.reasons as Reason[] }),
    ...(type === 'verification.authenticity_completed' || decided ? { checks: summariseChecks(v.checks as { result: string }[]) } : {}),
    metadata: v.metadata,
  };
}

export function summariseChecks(checks: ReadonlyArray<{ result: string }>): CheckSummary {
  const count = (result: string) => checks.filter((check) => check.result === result).length;
  return { total: checks.length, pass: count('pass'), consider: count('consider'), fail: count('fail') };
}
