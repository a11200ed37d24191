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

/**
 * Failures that are retried or end a run: a webhook attempt that did not succeed (the delivery
 * activity throws it; the retry policy retries it with backoff, or after the receiver's
 * Retry-After), and a verification run that failed for good (its workflow's own failure).
 */
export const RetriedFailure = {
  webhookDeliveryFailed: 'WebhookDeliveryFailed',
} as const;

export const RunFailure = {
  verificationFailed: 'VerificationFailed',
} as const;
