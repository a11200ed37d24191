/**
 * Why a use case refused a request: one error type with a code, for the API (api/errors.ts maps each
 * code to its HTTP status in one table) and the CLI alike.
 */
export const SERVICE_ERROR_CODES = [
  'verification_not_found',
  'verification_completed',
  'not_awaiting_review',
  'idempotency_key_reused',
  'client_not_found',
  'endpoint_not_found',
  'endpoint_disabled',
  'no_delivery_target',
  'invalid_base64',
  'unsupported_media_type',
  'document_too_large',
  'case_claimed',
  'no_document_image',
  'verification_not_resubmittable',
  'verification_not_reopenable',
  'verification_erased',
  'sandbox_needs_test_key',
] as const;
export type ServiceErrorCode = (typeof SERVICE_ERROR_CODES)[number];

export class ServiceError extends Error {
  override name = 'ServiceError';
  constructor(
    readonly code: ServiceErrorCode,
    message: string,
    /** The request field at fault, when one is. */
    readonly path?: string,
  ) {
    super(message);
  }
}

/** An erased verification answers `verification_erased` to every action but a read: only its tombstone remains. */
export function assertNotErased(verification: { erased_at: Date | null }): void {
  if (verification.erased_at) throw new ServiceError('verification_erased', 'The verification was erased: only its tombstone remains');
}
