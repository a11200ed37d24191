import type { Attempt, AuditEvent, Delivery, EventRow, Verification } from '../db';
import type { ClaimHolder } from '../db/repositories/claims';

export function serializeVerification(v: Verification, links: { temporalUi?: string | undefined } = {}) {
  return {
    id: v.id,
    object: 'verification',
    clientId: v.client_id,
    livemode: v.livemode,
    status: v.status,
    stage: v.stage,
    decision: v.decision,
    reasons: v.reasons,
    reference: v.reference,
    documentType: v.document_type,
    issuingCountry: v.issuing_country,
    callbackUrl: v.callback_url,
    metadata: v.metadata,
    applicant: v.applicant,
    extraction: v.extraction,
    checks: v.checks,
    review: v.review,
    ...(!v.livemode && { sandbox: v.sandbox }),
    attempt: v.attempt,
    final: v.final,
    resubmitUntil: v.final === false ? (v.resubmit_until?.toISOString() ?? null) : null,
    erasedAt: v.erased_at?.toISOString() ?? null,
    createdAt: v.created_at.toISOString(),
    updatedAt: v.updated_at.toISOString(),
    completedAt: v.completed_at?.toISOString() ?? null,
    links: { self: `/v1/verifications/${v.id}`, events: `/v1/verifications/${v.id}/events`, ...(links.temporalUi && { temporalUi: links.temporalUi }) },
  };
}

export function serializeAttempt(a: Attempt) {
  return {
    attempt: a.attempt_number,
    statusCode: a.status_code,
    outcome: a.outcome,
    durationMs: a.duration_ms,
    errorClass: a.error_class,
    responseExcerpt: a.response_excerpt,
    webhookTimestamp: a.webhook_timestamp,
    createdAt: a.created_at.toISOString(),
  };
}

export function serializeDelivery(d: Delivery, attempts: Attempt[] = []) {
  return {
    id: d.id,
    eventId: d.event_id,
    endpointId: d.endpoint_id,
    target: d.target,
    url: d.target_url,
    status: d.status,
    attemptCount: d.attempt_count,
    lastStatusCode: d.last_status_code,
    lastError: d.last_error,
    createdAt: d.created_at.toISOString(),
    completedAt: d.completed_at?.toISOString() ?? null,
    attempts: attempts.map(serializeAttempt),
  };
}

export function serializeEvent(e: EventRow, deliveries: ReturnType<typeof serializeDelivery>[]) {
  return {
    id: e.id,
    type: e.type,
    sequence: e.sequence,
    createdAt: e.created_at.toISOString(),
    payload: JSON.parse(e.body) as unknown,
    deliveries,
  };
}

/** Who holds a case under review, until when. */
export function serializeClaim(c: ClaimHolder) {
  return { verificationId: c.verificationId, analyst: { keyId: c.keyId, name: c.name }, claimedAt: c.claimedAt.toISOString(), expiresAt: c.expiresAt.toISOString() };
}

export function serializeAuditEvent(a: AuditEvent) {
  return {
    id: a.id,
    object: 'audit_event',
    actor: { keyId: a.actor_key_id, name: a.actor_name, role: a.actor_role },
    action: a.action,
    verificationId: a.verification_id,
    createdAt: a.created_at.toISOString(),
  };
}
