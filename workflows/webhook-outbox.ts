import { ActivityFailure, CancellationScope, proxyActivities, proxyLocalActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { activityPresets, type WebhookRetrySettings } from './activity-options';

interface RecordedEvent {
  deliveries: ReadonlyArray<{ deliveryId: string; targetKey: string }>;
}

/**
 * Sends each recorded event's deliveries without blocking the pipeline, one chain per target, so a
 * target receives a verification's events in order: event n+1 waits until n succeeded or was given up.
 */
export class WebhookOutbox {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly deliver;
  private readonly giveUp;

  constructor(settings: WebhookRetrySettings) {
    const delivery = proxyActivities<Activities>(activityPresets.webhookDelivery(settings));
    const stage = proxyLocalActivities<Activities>(activityPresets.stage);
    this.deliver = delivery.deliverWebhook;
    this.giveUp = stage.giveUpDelivery;
  }

  dispatch(event: RecordedEvent): void {
    for (const { deliveryId, targetKey } of event.deliveries) {
      const previous = this.chains.get(targetKey) ?? Promise.resolve();
      this.chains.set(
        targetKey,
        // Deliveries outlive a cancellation: the client is told that the verification was cancelled.
        previous.then(() => CancellationScope.nonCancellable(() => this.send(deliveryId))),
      );
    }
  }

  private async send(deliveryId: string): Promise<void> {
    try {
      await this.deliver(deliveryId);
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      await this.giveUp(deliveryId);
    }
  }

  /** Waits for every chain; the workflow stays open until its webhooks are delivered or given up. */
  async drain(): Promise<void> {
    await Promise.all(this.chains.values());
  }
}
