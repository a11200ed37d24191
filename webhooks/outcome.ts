import type { SendResult } from './sender';

/**
 * What one delivery attempt's result means for the delivery — decided here, without I/O, so the
 * rules are read and tested in one place; the delivery activity only carries them out.
 * - `delivered`: a 2xx.
 * - `final`: never retried — 410 Gone (an endpoint that answers it is disabled) or an address the
 *   SSRF guard refused; the delivery ends failed with `reason`.
 * - `retry`: anything else; Temporal's retry policy backs off, or waits `afterMs` when the receiver
 *   said when to come back (Retry-After, between 1 s and the configured maximum).
 */
export type AttemptOutcome =
  | { kind: 'delivered' }
  | { kind: 'final'; reason: string; disableEndpoint: string | null }
  | { kind: 'retry'; afterMs: number | null };

export function classifyAttempt(result: SendResult, delivery: { target: string; endpoint_id: string | null }, maxRetryAfterMs: number): AttemptOutcome {
  if (result.ok) return { kind: 'delivered' };
  if (result.statusCode === 410 && delivery.target === 'endpoint' && delivery.endpoint_id) {
    return { kind: 'final', reason: 'endpoint_gone', disableEndpoint: delivery.endpoint_id };
  }
  if (result.statusCode === 410 || result.errorClass === 'ssrf_blocked') return { kind: 'final', reason: result.errorClass ?? 'gone', disableEndpoint: null };
  return { kind: 'retry', afterMs: result.retryAfterMs === null ? null : Math.min(Math.max(result.retryAfterMs, 1000), maxRetryAfterMs) };
}
