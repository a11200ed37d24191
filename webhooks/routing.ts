/**
 * Which ordered chain a delivery belongs to: a verification's webhooks to one target go out one
 * after another (webhook-outbox), so each target — the verification's callback URL, or one of the
 * client's endpoints — has one key.
 */
export function targetKey(delivery: { target: string; endpoint_id: string | null }): string {
  return delivery.target === 'endpoint' ? `endpoint:${delivery.endpoint_id}` : 'callback';
}

export interface DeliveryTarget {
  target: 'endpoint' | 'callback';
  endpoint_id: string | null;
  target_url: string;
}

/**
 * Where an event goes: each of the client's enabled endpoints that subscribed to its type (no types:
 * every type), in the order given, then the verification's own callback URL when it has one.
 */
export function deliveryTargets(
  eventType: string,
  enabledEndpoints: ReadonlyArray<{ id: string; url: string; event_types: readonly string[] }>,
  callbackUrl: string | null,
): DeliveryTarget[] {
  const targets: DeliveryTarget[] = enabledEndpoints
    .filter((e) => e.event_types.length === 0 || e.event_types.includes(eventType))
    .map((e) => ({ target: 'endpoint', endpoint_id: e.id, target_url: e.url }));
  if (callbackUrl) targets.push({ target: 'callback', endpoint_id: null, target_url: callbackUrl });
  return targets;
}

/**
 * Which (sealed) secrets sign a delivery: a callback's, the client's secret; an endpoint's, its
 * secret, and during a rotation's grace period its previous one too (the receiver may still hold
 * it). None when the endpoint is gone.
 */
export function signingSecrets<T>(
  target: string,
  secrets: { client: T; endpoint: T | null; previous: T | null; previousExpiresAt: Date | null },
  now: Date,
): T[] {
  if (target === 'callback') return [secrets.client];
  if (!secrets.endpoint) return [];
  const inGrace = secrets.previous && secrets.previousExpiresAt && secrets.previousExpiresAt > now;
  return [secrets.endpoint, ...(inGrace ? [secrets.previous!] : [])];
}
