import type { WebhookRetrySettings } from './activity-options';
import { WebhookOutbox } from './webhook-outbox';

export interface ResendWorkflowInput {
  deliveries: Array<{ deliveryId: string; targetKey: string }>;
  webhooks: WebhookRetrySettings;
}

/** Delivers an event again (POST /v1/events/:id/resend), with the same retry policy as the original. */
export async function resendWebhooksWorkflow(input: ResendWorkflowInput): Promise<void> {
  const outbox = new WebhookOutbox(input.webhooks);
  outbox.dispatch({ deliveries: input.deliveries });
  await outbox.drain();
}
