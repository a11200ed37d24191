/**
 * Activity failures that no retry can fix: what the activity needs is not there (the verification,
 * its extraction, a delivery). Activities throw them as non-retryable `ApplicationFailure` types and
 * the retry policies (workflows/activity-options.ts) list them, so a document that cannot be
 * processed fails at once. Every other failure — a refused connection, a PostgreSQL error, a
 * timeout — is taken for infrastructure and retried until the outage budget runs out.
 */
export const PermanentFailure = {
  verificationNotFound: 'VerificationNotFound',
  extractionMissing: 'ExtractionMissing',
  deliveryNotFound: 'DeliveryNotFound',
} as const;

export const PERMANENT_FAILURE_TYPES: string[] = Object.values(PermanentFailure);
