import type { Receipt } from './receiver';

export interface WebhookSummary {
  expected: number;
  /** Distinct `webhook-id`s acknowledged. */
  delivered: number;
  missing: number;
  /** Events acknowledged for the first time after a later event of the same verification. */
  outOfOrder: number;
  /** Acknowledgements beyond the first of a `webhook-id` (at-least-once redeliveries). */
  duplicates: number;
}

/** What one endpoint received, against the events the service recorded for it. */
export function summariseWebhooks(receipts: readonly Receipt[], expectedIds: readonly string[]): WebhookSummary {
  const firstSeen = new Set<string>();
  const highest = new Map<string, number>();
  let outOfOrder = 0;
  for (const receipt of receipts) {
    if (firstSeen.has(receipt.webhookId)) continue;
    firstSeen.add(receipt.webhookId);
    const before = highest.get(receipt.verificationId) ?? 0;
    if (receipt.sequence < before) outOfOrder++;
    highest.set(receipt.verificationId, Math.max(receipt.sequence, before));
  }
  return {
    expected: expectedIds.length,
    delivered: firstSeen.size,
    missing: expectedIds.filter((id) => !firstSeen.has(id)).length,
    outOfOrder,
    duplicates: receipts.length - firstSeen.size,
  };
}
