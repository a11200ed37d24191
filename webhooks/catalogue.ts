import { z } from 'zod';
import { DECISIONS, EVENT_TYPES, payloadOf, TERMINAL_STAGES, TRANSITIONS, type EventType, type Stage, type Transition } from '../domain/lifecycle';

/**
 * The webhook catalogue: one zod schema per event type, derived from the lifecycle table (which
 * status each event is sent at, which payload parts it carries), so the schemas cannot drift from
 * what `eventDataOf` builds. Published in the OpenAPI document's `webhooks` section and checked
 * against every delivered payload in the tests.
 */
const reasonSchema = z.object({ code: z.string().regex(/^[a-z][a-z0-9_]*$/), retryable: z.boolean(), detail: z.string().optional() }).strict();
const checkSummarySchema = z.object({ total: z.int().min(0), pass: z.int().min(0), consider: z.int().min(0), fail: z.int().min(0) }).strict();

function dataSchema(type: EventType) {
  const transitions = Object.values(TRANSITIONS).filter((t: Transition) => t.event === type);
  // An event outside the lifecycle table (erasure) comes once the verification has ended.
  const statuses = (transitions.length > 0 ? [...new Set(transitions.map((t) => t.status))] : [...TERMINAL_STAGES]) as [Stage, ...Stage[]];
  const carries = payloadOf(type);
  return z
    .object({
      verificationId: z.string().regex(/^ver_[0-9A-Z]{26}$/),
      reference: z.string().nullable(),
      sequence: z.int().min(1),
      attempt: z.int().min(1),
      livemode: z.boolean(),
      status: z.enum(statuses),
      ...(carries.includes('decision') && { decision: z.enum(DECISIONS) }),
      ...(carries.includes('reasons') && { reasons: z.array(reasonSchema) }),
      ...(carries.includes('checks') && { checks: checkSummarySchema }),
      ...(carries.includes('resubmission') && { final: z.boolean(), resubmitUntil: z.iso.datetime().optional() }),
      ...(carries.includes('supersedes') && { supersedes: z.string().regex(/^evt_[0-9A-Z]{26}$/).optional() }),
      metadata: z.record(z.string(), z.string()).optional(),
    })
    .strict();
}

function catalogue(): Record<EventType, z.ZodType> {
  const schemas: Partial<Record<EventType, z.ZodType>> = {};
  for (const type of EVENT_TYPES) schemas[type] = z.object({ type: z.literal(type), timestamp: z.iso.datetime(), data: dataSchema(type) }).strict();
  return schemas as Record<EventType, z.ZodType>;
}

export const WEBHOOK_SCHEMAS = catalogue();

export const WEBHOOK_DESCRIPTIONS: Record<EventType, string> = {
  'verification.submitted': 'The verification was stored and its workflow started.',
  'verification.extraction_completed': 'The document was read (status checking_authenticity) or found unreadable (status extracting; completion follows).',
  'verification.authenticity_completed': 'The checks ran; `checks` counts their results.',
  'verification.review_started': 'The verification waits for an analyst, until its review deadline.',
  'verification.completed':
    'The decision: accepted, rejected or review_required, with its reasons and the checks\u2019 counts; `supersedes`: the earlier `verification.completed` this one replaces (after a resubmission or a reopening). `final: false` on a rejection whose reasons are all retryable: a new document is accepted (POST /v1/verifications/{id}/documents) until `resubmitUntil`.',
  'verification.cancelled': 'The verification was cancelled before a decision.',
  'verification.failed': 'The verification could not be completed; `reasons` says why.',
  'verification.resubmitted': 'A rejected verification got a new document (`attempt` counts them) and is read again; the usual events follow.',
  'verification.erased':
    'The verification\u2019s personal data was erased (on request, DELETE /v1/verifications/{id}, or after RETENTION_DAYS): images, extracted fields, applicant, metadata. A tombstone remains (id, reference, decision, reasons, dates); its events can no longer be resent.',
  'verification.reopened':
    'A decided verification went back to an analyst (fraud found later, a complaint); `reasons` holds the reopening\u2019s reason code. Its next decision is a new `verification.completed` whose `supersedes` names the one it replaces.',
};

/** Why a webhook body does not match its event type's schema, or null when it does. */
export function webhookBodyProblem(body: unknown): string | null {
  const type = (body as { type?: unknown } | null)?.type;
  const schema = WEBHOOK_SCHEMAS[type as EventType];
  if (!schema) return `unknown event type ${String(type)}`;
  const parsed = schema.safeParse(body);
  return parsed.success ? null : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
}
