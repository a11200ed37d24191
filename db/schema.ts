import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { Check } from '../domain/checks';
import type { Decision, Reason, Stage } from '../domain/lifecycle';
import type { SandboxOutcome } from '../domain/sandbox';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string, string>;

export interface ClientTable {
  id: string;
  name: string;
  signing_secret_enc: string;
  skip_manual_review: Generated<boolean>;
  created_at: CreatedAt;
}

export type Role = 'client' | 'analyst' | 'admin';

export interface ApiKeyTable {
  id: string;
  client_id: string | null;
  role: Role;
  name: string;
  key_hash: string;
  key_prefix: string;
  created_at: CreatedAt;
  last_used_at: Timestamp | null;
  revoked_at: Timestamp | null;
  /** False for test-mode client keys (`kyc_test_…`): the sandbox. */
  livemode: Generated<boolean>;
}

export interface VerificationTable {
  id: string;
  client_id: string;
  reference: string | null;
  document_type: string;
  /** The issuing country the client declared (ICAO code), compared with the document's. */
  issuing_country: string | null;
  status: Stage;
  stage: Stage;
  decision: Decision | null;
  reasons: Json<Reason[]>;
  callback_url: string | null;
  metadata: Json<Record<string, string>>;
  applicant: Json<Record<string, unknown> | null>;
  extraction: Json<Record<string, unknown> | null>;
  checks: Json<Check[]>;
  review: Json<Record<string, unknown> | null>;
  idempotency_key: string | null;
  request_hash: string | null;
  workflow_id: string;
  /** The document attempt the verification is on: 1, then one more per resubmission. */
  attempt: Generated<number>;
  /** Whether the decision is final; false while a rejected verification accepts a new document. */
  final: boolean | null;
  /** Until when a new document is accepted (a rejection that is not final). */
  resubmit_until: Timestamp | null;
  /** False for a sandbox verification (made with a test key): no OCR, the outcome the request chose. */
  livemode: Generated<boolean>;
  sandbox: Json<SandboxOutcome | null>;
  /** When its personal data was erased (a tombstone is left: ids, reference, decision, reasons, dates). */
  erased_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
  completed_at: Timestamp | null;
}

export interface DocumentTable {
  id: string;
  verification_id: string;
  side: string;
  content_type: string;
  content: Uint8Array | null;
  mrz_text: string | null;
  size_bytes: number;
  sha256: string;
  attempt: Generated<number>;
  created_at: CreatedAt;
}

export interface EventTable {
  id: string;
  verification_id: string;
  client_id: string;
  sequence: number;
  type: string;
  /** One pass through the lifecycle (first submission, each resubmission): an event type occurs once per round. */
  round: Generated<number>;
  /** The exact JSON body that is signed and sent: byte-identical on every attempt and resend. */
  body: string;
  created_at: CreatedAt;
}

export interface WebhookEndpointTable {
  id: string;
  client_id: string;
  url: string;
  description: string | null;
  event_types: Json<string[]>;
  status: 'enabled' | 'disabled';
  disabled_reason: string | null;
  secret_enc: string;
  /** Test-mode endpoints receive only test-mode events, live ones only live events. */
  livemode: Generated<boolean>;
  previous_secret_enc: string | null;
  previous_secret_expires_at: Timestamp | null;
  created_at: CreatedAt;
  updated_at: Timestamp;
}

export type DeliveryStatus = 'pending' | 'succeeded' | 'failed';

export interface DeliveryTable {
  id: string;
  event_id: string;
  verification_id: string;
  client_id: string;
  target: 'endpoint' | 'callback';
  endpoint_id: string | null;
  target_url: string;
  status: DeliveryStatus;
  attempt_count: Generated<number>;
  last_status_code: number | null;
  last_error: string | null;
  created_at: CreatedAt;
  completed_at: Timestamp | null;
}

export interface AttemptTable {
  id: string;
  delivery_id: string;
  attempt_number: number;
  webhook_timestamp: number;
  status_code: number | null;
  duration_ms: number;
  outcome: 'success' | 'failure';
  error_class: string | null;
  response_excerpt: string | null;
  created_at: CreatedAt;
}

export interface CaseClaimTable {
  verification_id: string;
  key_id: string;
  /** Set again when the claim is taken over or renewed. */
  claimed_at: ColumnType<Date, Date | string | undefined, Date | string>;
  expires_at: Timestamp;
}

export interface ConsoleSessionTable {
  id: string;
  token_hash: string;
  key_id: string;
  csrf_token: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
  ended_at: Timestamp | null;
}

export const AUDIT_ACTIONS = ['verification.viewed', 'verification.listed', 'document.viewed', 'case.claimed', 'case.released', 'review.decided', 'case.reopened', 'verification.erased'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Append-only (a trigger refuses UPDATE and DELETE): ids only, never personal data. */
export interface AuditEventTable {
  id: string;
  actor_key_id: string;
  actor_name: string;
  actor_role: Role;
  action: AuditAction;
  verification_id: string | null;
  created_at: CreatedAt;
}

export interface Database {
  clients: ClientTable;
  api_keys: ApiKeyTable;
  verifications: VerificationTable;
  documents: DocumentTable;
  events: EventTable;
  webhook_endpoints: WebhookEndpointTable;
  deliveries: DeliveryTable;
  attempts: AttemptTable;
  case_claims: CaseClaimTable;
  console_sessions: ConsoleSessionTable;
  audit_events: AuditEventTable;
}

/**
 * Whose data a request may touch: one client in one mode (live or test) for client keys; null
 * (everything) for analysts and admins. Live and test data never mix.
 */
export type TenantScope = { clientId: string; livemode: boolean } | null;

export type Client = Selectable<ClientTable>;
export type ApiKey = Selectable<ApiKeyTable>;
export type Verification = Selectable<VerificationTable>;
export type NewVerification = Insertable<VerificationTable>;
export type VerificationUpdate = Updateable<VerificationTable>;
export type DocumentRow = Selectable<DocumentTable>;
export type EventRow = Selectable<EventTable>;
export type WebhookEndpoint = Selectable<WebhookEndpointTable>;
export type Delivery = Selectable<DeliveryTable>;
export type Attempt = Selectable<AttemptTable>;
export type CaseClaim = Selectable<CaseClaimTable>;
export type ConsoleSession = Selectable<ConsoleSessionTable>;
export type AuditEvent = Selectable<AuditEventTable>;
