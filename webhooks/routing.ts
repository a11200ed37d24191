/**
 * Which ordered chain a delivery belongs to: a verification's webhooks to one target go out one
 * after another (webhook-outbox), so each target — the verification's callback URL, or one of the
 * client's endpoints — has one key.
 */
export function targetKey(delivery: { target: string; endpoint_id: string | null }): string {
  return delivery.target === 'endpoint' ? `endpoint:${delivery.endpoint_id}` : 'callback';
}
