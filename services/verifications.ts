import { WorkflowNotFoundError, WorkflowUpdateFailedError, type Client as TemporalClient } from '@temporalio/client';
import { DAY_MS, type Config } from '../config';
import type { Db, NewVerification, TenantScope, Verification } from '../db';
import type { SandboxOutcome } from '../domain/sandbox';
import { isUniqueViolation } from '../db/errors';
import { getClient } from '../db/repositories/clients';
import {
  addDocuments,
  DOCUMENT_ATTEMPT_CONSTRAINT,
  findByIdempotencyKey,
  getVerification,
  IDEMPOTENCY_CONSTRAINT,
  insertVerification,
  removeDocuments,
  updateVerification,
  type NewDocument,
} from '../db/repositories/verifications';
import type { ReopenInput, ReviewInput } from '../domain/decision';
import { lastRound } from '../db/repositories/events';
import { recordAuditEvents } from '../db/repositories/audit';
import { isTerminal } from '../domain/lifecycle';
import { workflowIdFor } from '../domain/temporal';
import { DocumentIntakeError, intakeDocuments, type DocumentsInput } from '../documents/intake';
import { sha256Hex } from '../lib/crypto';
import { newId } from '../lib/ids';
import { reopenVerificationWorkflow, startStoredVerificationWorkflow, startVerificationWorkflow } from '../temporal/verification-client';
import { cancelUpdate, resubmitUpdate, submitReviewUpdate } from '../workflows/messages';
import { assertNotErased, ServiceError } from './errors';
import { DEFAULT_SANDBOX_OUTCOME } from '../domain/sandbox';
import { afterDecision, assertMayDecide, type Actor } from './review-cases';

/** What the verification use cases run on. */
export interface VerificationServiceDeps {
  config: Config;
  db: Db;
  temporal: TemporalClient;
}

/** A new verification as a client asked for it (the API has validated its shape). */
export interface VerificationRequest extends DocumentsInput {
  reference?: string | undefined;
  documentType: NewVerification['document_type'];
  issuingCountry?: string | undefined;
  callbackUrl?: string | undefined;
  metadata?: Record<string, string> | undefined;
  applicant?: Record<string, unknown> | undefined;
  /** Test keys only: the outcome the sandbox verification takes (accepted without it). */
  sandbox?: SandboxOutcome | undefined;
}

function newVerificationRow(id: string, scope: NonNullable<TenantScope>, request: VerificationRequest, idempotency: { key: string; requestHash: string } | null): NewVerification {
  return {
    id,
    client_id: scope.clientId,
    livemode: scope.livemode,
    sandbox: JSON.stringify(scope.livemode ? null : (request.sandbox ?? DEFAULT_SANDBOX_OUTCOME)),
    reference: request.reference ?? null,
    document_type: request.documentType,
    issuing_country: request.issuingCountry ?? null,
    status: 'submitted',
    stage: 'submitted',
    decision: null,
    reasons: '[]',
    callback_url: request.callbackUrl ?? null,
    metadata: JSON.stringify(request.metadata ?? {}),
    applicant: JSON.stringify(request.applicant ?? null),
    extraction: 'null',
    checks: '[]',
    review: 'null',
    idempotency_key: idempotency?.key ?? null,
    request_hash: idempotency?.requestHash ?? null,
    workflow_id: workflowIdFor(id),
    updated_at: new Date(),
  };
}

/** A sandbox outcome comes with a test key only. */
function assertSandboxAllowed(livemode: boolean, sandbox: SandboxOutcome | undefined): void {
  if (livemode && sandbox) throw new ServiceError('sandbox_needs_test_key', 'sandbox outcomes are for test keys (kyc_test_…) only', 'sandbox');
}

function intake(request: DocumentsInput, maxBytes: number): NewDocument[] {
  try {
    return intakeDocuments(request, maxBytes);
  } catch (error) {
    if (!(error instanceof DocumentIntakeError)) throw error;
    throw new ServiceError(error.code, error.message, error.path);
  }
}

/**
 * Stores a verification with its documents and starts its workflow. `fingerprint` identifies the
 * request as sent (the API's body as JSON): with an idempotency key seen before, the same request answers with the verification it created (its workflow started again if
 * it never was); a different request with that key is refused.
 */
export async function createVerification(
  { config, db, temporal }: VerificationServiceDeps,
  { scope, request, idempotencyKey, fingerprint }: { scope: NonNullable<TenantScope>; request: VerificationRequest; idempotencyKey?: string | undefined; fingerprint: string },
): Promise<{ verification: Verification; replayed: boolean }> {
  assertSandboxAllowed(scope.livemode, request.sandbox);
  const client = await getClient(db, scope.clientId);
  if (!client) throw new ServiceError('client_not_found', 'The API key has no client');
  const requestHash = sha256Hex(fingerprint);
  const replay = async (existing: Verification) => {
    assertNotErased(existing);
    if (existing.request_hash !== requestHash) throw new ServiceError('idempotency_key_reused', 'This Idempotency-Key was used with a different request body');
    await startVerificationWorkflow(temporal, config, existing, client);
    return { verification: existing, replayed: true };
  };
  const seen = idempotencyKey ? await findByIdempotencyKey(db, scope, idempotencyKey) : undefined;
  if (seen) return replay(seen);

  const documents = intake(request, config.MAX_DOCUMENT_BYTES);
  const id = newId('verification');
  let verification: Verification;
  try {
    verification = await insertVerification(db, newVerificationRow(id, scope, request, idempotencyKey ? { key: idempotencyKey, requestHash } : null), documents);
  } catch (error) {
    // A concurrent request with the same key won the insert; PostgreSQL made this one wait until
    // that one committed, so its verification is there to replay.
    if (!idempotencyKey || !isUniqueViolation(error, IDEMPOTENCY_CONSTRAINT)) throw error;
    return replay((await findByIdempotencyKey(db, scope, idempotencyKey))!);
  }
  await startVerificationWorkflow(temporal, config, verification, client);
  return { verification, replayed: false };
}

/** A verification to act on: within the scope (a client in one mode; any for null), not erased. */
async function existing(db: Db, id: string, scope: TenantScope): Promise<Verification> {
  const verification = await getVerification(db, id, scope);
  if (!verification) throw new ServiceError('verification_not_found', 'Verification not found');
  assertNotErased(verification);
  return verification;
}

const alreadyEnded = ({ status }: Verification) =>
  new ServiceError('verification_completed', isTerminal(status) ? `The verification is already ${status} and cannot be cancelled` : 'The verification has already ended and cannot be cancelled');

/**
 * Cancels a verification through its workflow's `cancel` Update, which answers once the
 * cancellation is recorded. `clientId` limits it to one client's verifications (null: any, for an
 * admin). A verification that ended first — before the read, between the read and the Update (the
 * validator refuses, or the run has closed) — is refused as already ended.
 */
export async function cancelVerification({ config, db, temporal }: VerificationServiceDeps, { id, scope }: { id: string; scope: TenantScope }): Promise<Verification> {
  const verification = await existing(db, id, scope);
  if (isTerminal(verification.status)) throw alreadyEnded(verification);
  const workflow = temporal.workflow.getHandle(workflowIdFor(verification.id));
  try {
    try {
      await workflow.executeUpdate(cancelUpdate);
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error;
      // Stored but never started (the API stopped in between): started as the worker's reconciler
      // would (a closed run is never started again), the cancellation is then recorded and delivered
      // like any other.
      await startStoredVerificationWorkflow(temporal, config, db, verification);
      await workflow.executeUpdate(cancelUpdate);
    }
  } catch (error) {
    const now = (await getVerification(db, verification.id))!;
    if (error instanceof WorkflowUpdateFailedError || isTerminal(now.status)) throw alreadyEnded(now);
    throw error;
  }
  return (await getVerification(db, verification.id))!;
}

/**
 * An analyst's outcome, through the workflow's `submitReview` Update; answers once the decision is
 * stored. Refused when the verification is not awaiting review — before the Update, or by then (the
 * validator refuses, or the run has closed: the review deadline passed in between).
 */
/**
 * An analyst's decision through the workflow's Update. With an `actor` (API and console callers) a
 * case claimed by someone else is refused, and the decision is audited and ends the claim.
 */
export async function reviewVerification(
  { db, temporal }: VerificationServiceDeps,
  { id, review, actor, scope = null }: { id: string; review: ReviewInput; actor?: Actor; scope?: TenantScope },
): Promise<Verification> {
  const verification = await existing(db, id, scope);
  const notAwaiting = new ServiceError('not_awaiting_review', 'The verification is not awaiting review');
  if (verification.status !== 'awaiting_review') throw notAwaiting;
  if (actor) await assertMayDecide(db, id, actor);
  try {
    await temporal.workflow.getHandle(workflowIdFor(id)).executeUpdate(submitReviewUpdate, { args: [review] });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError || (await getVerification(db, id))!.status !== 'awaiting_review') throw notAwaiting;
    throw error;
  }
  if (actor) await afterDecision(db, id, actor);
  return (await getVerification(db, id))!;
}

/** Why a verification does not accept a new document now, or null when it does. */
export function resubmissionProblem(v: Pick<Verification, 'status' | 'decision' | 'final' | 'resubmit_until'>, now: Date): string | null {
  if (v.status !== 'completed' || v.decision !== 'rejected') return 'Only a rejected verification accepts a new document';
  if (v.final !== false) return 'The rejection is final: a reason is not retryable, the last attempt was used or the resubmission window closed';
  if (v.resubmit_until !== null && v.resubmit_until.getTime() <= now.getTime()) return 'The resubmission window has closed';
  return null;
}

/**
 * A new document for a verification rejected for retryable reasons only: stored as the next
 * attempt, then handed to the workflow's `resubmit` Update, which answers once the verification is
 * back in extraction (`verification.resubmitted`). Refused when the verification does not accept
 * one — before the Update, or by then (the validator refuses, the window closed, the run ended) —
 * and the stored documents are taken back.
 */
export async function resubmitDocuments(
  { config, db, temporal }: VerificationServiceDeps,
  { id, scope, documents: input }: { id: string; scope: TenantScope; documents: DocumentsInput & { sandbox?: SandboxOutcome | undefined } },
): Promise<Verification> {
  const verification = await existing(db, id, scope);
  assertSandboxAllowed(verification.livemode, input.sandbox);
  const refused = (message: string) => new ServiceError('verification_not_resubmittable', message);
  const problem = resubmissionProblem(verification, new Date());
  if (problem) throw refused(problem);
  const documents = intake(input, config.MAX_DOCUMENT_BYTES);
  const attempt = verification.attempt + 1;
  try {
    await addDocuments(db, id, attempt, documents);
    // The sandbox: the next attempt may take another outcome (before the workflow reads it).
    if (!verification.livemode && input.sandbox) await updateVerification(db, id, { sandbox: JSON.stringify(input.sandbox) });
  } catch (error) {
    if (!isUniqueViolation(error, DOCUMENT_ATTEMPT_CONSTRAINT)) throw error;
    throw refused('Another document for this verification is being submitted');
  }
  try {
    await temporal.workflow.getHandle(workflowIdFor(id)).executeUpdate(resubmitUpdate, { args: [{ attempt }] });
  } catch (error) {
    // Only a certain refusal takes the documents back: after a timeout the workflow may be reading them.
    if (!(error instanceof WorkflowUpdateFailedError || error instanceof WorkflowNotFoundError)) throw error;
    await removeDocuments(db, id, attempt);
    throw refused(resubmissionProblem((await getVerification(db, id))!, new Date()) ?? 'The verification no longer accepts a new document');
  }
  return (await getVerification(db, id))!;
}


/**
 * Sends a decided verification back to an analyst (fraud found later, a complaint) within
 * REOPEN_WINDOW_DAYS of its decision: `verification.reopened`, then a review whose decision is a new
 * `verification.completed` naming the one it supersedes. Audited. Answers once it awaits review.
 */
export async function reopenVerification(
  { config, db, temporal }: VerificationServiceDeps,
  { id, reopen, actor }: { id: string; reopen: ReopenInput; actor: Actor },
): Promise<Verification> {
  const verification = await existing(db, id, null);
  const refused = (message: string) => new ServiceError('verification_not_reopenable', message);
  if (verification.status !== 'completed') throw refused(`Only a completed verification can be reopened (this one is ${verification.status})`);
  if (verification.completed_at && verification.completed_at.getTime() + config.REOPEN_WINDOW_DAYS * DAY_MS < Date.now()) {
    throw refused(`The verification was decided more than ${config.REOPEN_WINDOW_DAYS} days ago`);
  }
  const owner = await getClient(db, verification.client_id);
  if (!owner) throw new Error(`Client ${verification.client_id} of verification ${id} does not exist`);
  const request = { ...reopen, analystId: actor.keyId, analystName: actor.name };
  try {
    await reopenVerificationWorkflow(temporal, config, verification, owner, { lastRound: await lastRound(db, id), request });
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) throw refused('The verification is not completed (a new document or another reopening came first)');
    throw error;
  }
  await recordAuditEvents(db, actor, 'case.reopened', [id]);
  return (await getVerification(db, id))!;
}
