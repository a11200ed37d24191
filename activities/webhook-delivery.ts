import { ApplicationFailure, Context } from '@temporalio/activity';
import type { ActivityDeps } from './deps';
import { PermanentFailure, RetriedFailure } from '../domain/failures';
import { finishDelivery, getDeliveryContext, recordAttempt } from '../db/repositories/deliveries';
import { disableGoneEndpoint } from '../db/repositories/webhook-endpoints';
import { classifyAttempt } from '../webhooks/outcome';
import { heartbeating } from './heartbeat';
import { sendWebhook } from '../webhooks/sender';
import { signedHeaders } from '../webhooks/signing';
import { webhookAttempts, webhookLatency } from '../lib/metrics';

const WEBHOOK_FAILURE_TYPE = RetriedFailure.webhookDeliveryFailed;

export type DeliveryOutcome = 'succeeded' | 'failed' | 'skipped';

export function webhookActivities({ db, secrets, http, allowList, webhook, logger }: ActivityDeps) {
  return {
    /**
     * One HTTP attempt per activity attempt; Temporal's retry policy does the backoff. Outcomes that
     * must not be retried (410 Gone, a refused address, a disabled endpoint) return instead of throwing.
     */
    deliverWebhook: (deliveryId: string): Promise<DeliveryOutcome> => heartbeating(() => deliverOnce(deliveryId)),

    /** Called by the workflow once the retry policy has given up. */
    async giveUpDelivery(deliveryId: string): Promise<void> {
      await finishDelivery(db, deliveryId, 'failed', 'retries_exhausted');
    },
  };

  async function deliverOnce(deliveryId: string): Promise<DeliveryOutcome> {
    const context = await getDeliveryContext(db, deliveryId);
    if (!context) throw ApplicationFailure.nonRetryable(`Delivery ${deliveryId} does not exist`, PermanentFailure.deliveryNotFound);
    const { delivery } = context;
    if (delivery.status === 'succeeded') return 'succeeded';
    if (context.endpointStatus === 'disabled' || context.endpointStatus === 'deleted') {
      await finishDelivery(db, deliveryId, 'failed', `endpoint_${context.endpointStatus}`);
      return 'skipped';
    }

    const attemptNumber = Context.current().info.attempt;
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = signedHeaders(
      context.sealedSecrets.map((sealed) => secrets.decrypt(sealed)),
      context.eventId,
      timestamp,
      context.eventBody,
    );
    const result = await sendWebhook(http, allowList, {
      url: delivery.target_url,
      headers: { ...headers, 'user-agent': webhook.userAgent },
      body: context.eventBody,
      timeoutMs: webhook.timeoutMs,
    });
    await recordAttempt(db, {
      deliveryId,
      attemptNumber,
      webhookTimestamp: timestamp,
      statusCode: result.statusCode,
      durationMs: result.durationMs,
      outcome: result.ok ? 'success' : 'failure',
      errorClass: result.errorClass,
      responseExcerpt: result.responseExcerpt,
    });
    webhookAttempts.inc({ outcome: result.ok ? 'success' : 'failure', error_class: result.errorClass ?? 'none' });
    if (result.ok) webhookLatency.observe((Date.now() - context.eventCreatedAt.getTime()) / 1000);
    const logContext = { deliveryId, eventId: context.eventId, attempt: attemptNumber, statusCode: result.statusCode, errorClass: result.errorClass };
    const outcome = classifyAttempt(result, delivery, webhook.maxRetryAfterMs);
    if (outcome.kind === 'delivered') {
      logger.debug(logContext, 'webhook delivered');
      return 'succeeded';
    }
    logger.info(logContext, 'webhook attempt failed');
    if (outcome.kind === 'final') {
      if (outcome.disableEndpoint) await disableGoneEndpoint(db, outcome.disableEndpoint);
      await finishDelivery(db, deliveryId, 'failed', outcome.reason);
      return 'failed';
    }
    const message = `Webhook attempt failed: ${result.errorClass}`;
    if (outcome.afterMs !== null) throw ApplicationFailure.create({ message, type: WEBHOOK_FAILURE_TYPE, nextRetryDelay: outcome.afterMs });
    throw ApplicationFailure.retryable(message, WEBHOOK_FAILURE_TYPE);
  }
}
