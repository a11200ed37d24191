import { z } from 'zod';
import { listVerificationsQuery, createVerificationSchema, resubmitDocumentsSchema } from './schemas/verifications';
import { auditEventsQuery, claimSchema, reopenSchema, reviewQueueQuery, submitReviewSchema } from './schemas/reviews';
import { createEndpointSchema, resendSchema, rotateSecretSchema, updateEndpointSchema } from './schemas/webhook-endpoints';
import { ERROR_CODES } from './errors';
import { EVENT_TYPES } from '../domain/lifecycle';
import { WEBHOOK_DESCRIPTIONS, WEBHOOK_SCHEMAS } from '../webhooks/catalogue';
import { paginationSchema } from './pagination';

/** JSON Schema 2020-12 (what OpenAPI 3.1 uses) from the zod schemas that validate requests. */
function schema(type: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(type, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function queryParameters(type: z.ZodObject) {
  const json = schema(type) as { properties: Record<string, unknown> };
  return Object.entries(json.properties).map(([name, property]) => ({ name, in: 'query', required: false, schema: property }));
}

const json = (ref: string) => ({ 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } });
const ok = (description: string, ref?: string) => ({ description, ...(ref && { content: json(ref) }) });
const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: a field, path id or query parameter (validation_failed, naming it in details), or a body that cannot be read (invalid_json, invalid_encoding, invalid_body, invalid_multipart, …)',
  401: 'No valid API key (unauthenticated)',
  403: "The key's role may not do this (forbidden)",
  404: 'Not found, or not yours (not_found)',
  409: 'Conflicts with the current state',
  413: 'The body or a document is too large (payload_too_large, document_too_large)',
  410: 'The verification was erased; only its tombstone remains (verification_erased)',
  415: 'A charset other than UTF-8, an unsupported Content-Encoding or document type (unsupported_charset, unsupported_content_encoding, unsupported_media_type)',
  503: 'PostgreSQL or Temporal cannot be reached for a moment; nothing was stored — retry after Retry-After seconds (database_unavailable, temporal_unavailable)',
};
/** Every route may meet a database outage: 503 is always listed. */
const errors = (...statuses: number[]) =>
  Object.fromEntries([...statuses, 503].map((status) => [String(status), { description: ERROR_DESCRIPTIONS[status] ?? 'Error', content: json('Error') }]));
/** Every request with a JSON body can fail to be read: 400, 413, 415. */
const BODY = [400, 413, 415];
const body = (ref: string, required = true) => ({ required, content: json(ref) });
const idParam = (name = 'id') => ({ name, in: 'path', required: true, schema: { type: 'string' } });

export function buildOpenApi(serverUrl = '/') {
  return {
    openapi: '3.1.0',
    info: {
      title: 'kycflow API',
      version: '0.1.0',
      description:
        'Identity-document verification on Temporal. Every stage is pushed to your endpoints as a signed Standard Webhook. ' +
        'Authenticate with `Authorization: Bearer <api key>`. Errors: `{"error": {"code", "message", "details"?}}`.',
    },
    servers: [{ url: serverUrl }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas: {
        CreateVerification: schema(createVerificationSchema),
        ResubmitDocuments: schema(resubmitDocumentsSchema),
        SubmitReview: schema(submitReviewSchema),
        Reopen: schema(reopenSchema),
        ClaimCase: schema(claimSchema),
        Claim: {
          type: 'object',
          description: 'Who holds a case under review, until when.',
          required: ['verificationId', 'analyst', 'claimedAt', 'expiresAt'],
          properties: {
            verificationId: { type: 'string' },
            analyst: { type: 'object', required: ['keyId', 'name'], properties: { keyId: { type: 'string' }, name: { type: 'string' } } },
            claimedAt: { type: 'string', format: 'date-time' },
            expiresAt: { type: 'string', format: 'date-time' },
          },
        },
        CreateWebhookEndpoint: schema(createEndpointSchema),
        UpdateWebhookEndpoint: schema(updateEndpointSchema),
        RotateSecret: schema(rotateSecretSchema),
        Resend: schema(resendSchema),
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string', enum: [...ERROR_CODES] },
                message: { type: 'string' },
                details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
              },
            },
          },
        },
        Verification: {
          type: 'object',
          description:
            'A verification: `livemode` (false for a sandbox verification made with a test key `kyc_test_…`, which also shows its `sandbox` outcome), status, stage, decision, reasons, `attempt` (the document attempt: 1, then one more per resubmission), `final` (null until decided; false while a rejection for retryable reasons only accepts a new document, until `resubmitUntil`), `erasedAt` (set once erased: personal fields are then null or empty), applicant (as declared), extraction, checks, review (`startedAt`, `deadline`; once decided `decision`, `reason`, `note`, `analystId`, `analystName`), timestamps, links; for analysts and admins `GET /v1/verifications/{id}` adds `claim`. `extraction.visualZone` (when the printed page was read): `fields` (documentNumber, lastName, firstName, birthDate, expirationDate as printed, null where not found), `agreeing` and `disagreeing` (field names); the check `viz_mrz_mismatch` says consider when a field disagrees. A visa (`extraction.fields.documentCode` `V…`, MRV-A or MRV-B) is held to its three check digits, and `extraction.fields.personalNumber` is null for it: its line 2 ends in optional data.',
        },
        WebhookEndpoint: { type: 'object', description: 'A webhook endpoint; `secret` only in create and rotate-secret responses; `livemode` false for one a test key made, which receives only test-mode events.' },
        List: { type: 'object', properties: { object: { const: 'list' }, data: { type: 'array' }, hasMore: { type: 'boolean' }, nextCursor: { type: ['string', 'null'] } } },
      },
    },
    paths: {
      '/v1/verifications': {
        post: {
          summary:
            'Start a verification (JSON with base64 images or MRZ text, or multipart with files front/back). Test keys (`kyc_test_…`): no OCR runs and `sandbox` ({decision: accepted|rejected|review, reasons?: check codes}) chooses the outcome; a live key sending `sandbox` gets 400',
          parameters: [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x20-\\x7E]+$' } }],
          requestBody: body('CreateVerification'),
          responses: { '202': ok('Accepted; the workflow runs', 'Verification'), ...errors(...BODY, 401, 403, 409, 410) },
        },
        get: { summary: 'List verifications, newest first', parameters: queryParameters(listVerificationsQuery), responses: { '200': ok('A page', 'List'), ...errors(400, 401) } },
      },
      '/v1/verifications/{id}': {
        get: { summary: 'A verification', parameters: [idParam()], responses: { '200': ok('The verification', 'Verification'), ...errors(400, 401, 404) } },
        delete: {
          summary:
            'Erase a verification (client keys: their own; admin keys): a running one is cancelled first; its Temporal runs are deleted; images, MRZ text, applicant, extraction, checks, metadata and notes go; a tombstone stays (id, reference, status, decision, reasons, dates, `erasedAt`); `verification.erased` is sent. Idempotent. Afterwards every action but a read answers 410 verification_erased',
          parameters: [idParam()],
          responses: { '200': ok('The tombstone', 'Verification'), ...errors(400, 401, 403, 404) },
        },
      },
      '/v1/verifications/{id}/events': {
        get: { summary: 'The event timeline with each delivery and its attempts', parameters: [idParam()], responses: { '200': ok('Events', 'List'), ...errors(400, 401, 404) } },
      },
      '/v1/verifications/{id}/cancel': {
        post: { summary: 'Cancel a verification', parameters: [idParam()], responses: { '202': ok('Cancelled', 'Verification'), ...errors(...BODY, 401, 403, 404, 409, 410) } },
      },
      '/v1/verifications/{id}/documents': {
        post: {
          summary:
            'Send a new document for a verification rejected for retryable reasons only (`final: false`), until `resubmitUntil` and up to MAX_ATTEMPTS documents in all (client keys; JSON or multipart, as on creation): it is read again in the same workflow, after `verification.resubmitted`. 409 verification_not_resubmittable otherwise',
          parameters: [idParam()],
          requestBody: body('ResubmitDocuments'),
          responses: { '202': ok('Accepted; the verification is read again', 'Verification'), ...errors(...BODY, 401, 403, 404, 409, 410) },
        },
      },
      '/v1/verifications/{id}/review': {
        post: {
          summary: "Record an analyst's outcome (analyst and admin keys; a test key for its own sandbox cases)",
          parameters: [idParam()],
          requestBody: body('SubmitReview'),
          responses: { '200': ok('The decided verification', 'Verification'), ...errors(...BODY, 401, 403, 404, 409, 410) },
        },
      },
      '/v1/verifications/{id}/reopen': {
        post: {
          summary:
            'Send a completed verification back to an analyst (analyst and admin keys), within REOPEN_WINDOW_DAYS of its decision: `verification.reopened` (its `reasons` hold the reason code), then a review; the next decision is a new `verification.completed` whose `supersedes` names the one it replaces. 409 verification_not_reopenable otherwise',
          parameters: [idParam()],
          requestBody: body('Reopen'),
          responses: { '200': ok('Reopened: awaiting review', 'Verification'), ...errors(...BODY, 401, 403, 404, 409, 410) },
        },
      },
      '/v1/verifications/{id}/documents/{side}': {
        get: {
          summary: 'The stored image of one side (`front`, `back`): the owning client, analysts and admins; `Cache-Control: no-store`; reads by analysts and admins are audited',
          parameters: [idParam(), { name: 'side', in: 'path', required: true, schema: { type: 'string', enum: ['front', 'back'] } }],
          responses: {
            '200': { description: 'The image as stored', content: { 'image/png': { schema: { type: 'string', contentMediaType: 'image/png' } }, 'image/jpeg': { schema: { type: 'string', contentMediaType: 'image/jpeg' } } } },
            ...errors(400, 401, 403, 404, 410),
          },
        },
      },
      '/v1/verifications/{id}/claim': {
        post: {
          summary: 'Hold a case awaiting review for CLAIM_TTL_MS (again to renew); 409 case_claimed while another analyst holds it (admins: `{"override": true}`)',
          parameters: [idParam()],
          requestBody: body('ClaimCase', false),
          responses: { '200': ok('Claimed', 'Claim'), ...errors(...BODY, 401, 403, 404, 409) },
        },
        delete: { summary: 'Let go of a case (the holder, or an admin)', parameters: [idParam()], responses: { '204': ok('Released'), ...errors(400, 401, 403, 404) } },
      },
      '/v1/reviews': {
        get: {
          summary: 'The review queue, oldest first, with each case\'s `claim` (who holds it, or null; `review.deadline` is when it completes unreviewed); filters `reason`, `clientId` (analyst and admin keys)',
          parameters: queryParameters(reviewQueueQuery),
          responses: { '200': ok('A page', 'List'), ...errors(400, 401, 403) },
        },
      },
      '/v1/audit-events': {
        get: {
          summary: 'The audit trail, newest first: reads of personal data and images by analysts and admins, claims, decisions (admin keys)',
          parameters: queryParameters(auditEventsQuery),
          responses: { '200': ok('A page of {id, actor: {keyId, name, role}, action, verificationId, createdAt}', 'List'), ...errors(400, 401, 403) },
        },
      },
      '/v1/webhook-endpoints': {
        post: { summary: 'Register an endpoint; the response shows its secret once', requestBody: body('CreateWebhookEndpoint'), responses: { '201': ok('Created', 'WebhookEndpoint'), ...errors(...BODY, 401, 403) } },
        get: { summary: 'List endpoints', parameters: queryParameters(paginationSchema), responses: { '200': ok('A page', 'List'), ...errors(400, 401, 403) } },
      },
      '/v1/webhook-endpoints/{id}': {
        get: { summary: 'An endpoint', parameters: [idParam()], responses: { '200': ok('The endpoint', 'WebhookEndpoint'), ...errors(400, 401, 403, 404) } },
        patch: { summary: 'Update url, eventTypes, description, enabled', parameters: [idParam()], requestBody: body('UpdateWebhookEndpoint'), responses: { '200': ok('Updated', 'WebhookEndpoint'), ...errors(...BODY, 401, 403, 404) } },
        delete: { summary: 'Delete an endpoint', parameters: [idParam()], responses: { '204': ok('Deleted'), ...errors(400, 401, 403, 404) } },
      },
      '/v1/webhook-endpoints/{id}/rotate-secret': {
        post: {
          summary: 'New secret; the old one keeps signing during the grace period',
          parameters: [idParam()],
          requestBody: body('RotateSecret', false),
          responses: { '200': ok('Rotated; shows the new secret', 'WebhookEndpoint'), ...errors(...BODY, 401, 403, 404) },
        },
      },
      '/v1/webhook-endpoints/{id}/deliveries': {
        get: { summary: 'Deliveries and attempts, newest first', parameters: [idParam(), ...queryParameters(paginationSchema)], responses: { '200': ok('A page', 'List'), ...errors(400, 401, 403, 404) } },
      },
      '/v1/events/{id}/resend': {
        post: { summary: 'Deliver an event again, with the same webhook-id', parameters: [idParam()], requestBody: body('Resend', false), responses: { '202': ok('New deliveries', 'List'), ...errors(...BODY, 401, 403, 404, 409, 410) } },
      },
      '/healthz': { get: { summary: 'Liveness', security: [], responses: { '200': ok('Alive') } } },
      '/readyz': { get: { summary: 'Readiness: PostgreSQL and Temporal reachable', security: [], responses: { '200': ok('Ready'), '503': ok('Not ready') } } },
      '/metrics': { get: { summary: 'Prometheus metrics', security: [], responses: { '200': ok('Metrics') } } },
    },
    webhooks: Object.fromEntries(
      EVENT_TYPES.map((type) => [
        type,
        {
          post: {
            summary: type,
            description: `${WEBHOOK_DESCRIPTIONS[type]} Sent to each endpoint subscribed to it and to the verification's callbackUrl, signed (Standard Webhooks), in sequence order per verification; retried with exponential backoff until a 2xx.`,
            security: [],
            parameters: ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => ({ name, in: 'header', required: true, schema: { type: 'string' } })),
            requestBody: { required: true, content: { 'application/json': { schema: schema(WEBHOOK_SCHEMAS[type]) } } },
            responses: { '2XX': { description: 'Received' }, '410': { description: 'Gone: the endpoint is disabled and receives nothing more' } },
          },
        },
      ]),
    ),
  };
}
