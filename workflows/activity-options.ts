import type { ActivityOptions, LocalActivityOptions } from '@temporalio/workflow';

/** Webhook retry settings travel in the workflow input, so every run's policy is visible in its history. */
export interface WebhookRetrySettings {
  timeoutMs: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  /** Give up after this long (the activity's schedule-to-close timeout). */
  maximumAgeMs: number;
}

/** The named activity-option presets: the one place timeouts and retry policies are set. */
export const activityPresets = {
  /**
   * Stage transitions: one short database transaction, run as a local activity (in the worker, no
   * extra round trips through the Temporal server; still recorded in the history by name).
   */
  stage: {
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: '10 minutes',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
  },
  /** Document extraction (OCR) and checks: CPU-bound, on the documents task queue, heartbeating. */
  analysis: (taskQueue: string): ActivityOptions => ({
    taskQueue,
    startToCloseTimeout: '2 minutes',
    heartbeatTimeout: '30 seconds',
    retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds', maximumAttempts: 3, nonRetryableErrorTypes: ['VerificationNotFound', 'ExtractionMissing'] },
  }),
  webhookDelivery: (settings: WebhookRetrySettings): ActivityOptions => ({
    startToCloseTimeout: settings.timeoutMs + 10_000,
    scheduleToCloseTimeout: settings.maximumAgeMs,
    retry: {
      initialInterval: settings.initialIntervalMs,
      backoffCoefficient: settings.backoffCoefficient,
      maximumInterval: settings.maximumIntervalMs,
      nonRetryableErrorTypes: ['DeliveryNotFound'],
    },
  }),
} satisfies Record<string, ActivityOptions | LocalActivityOptions | ((settings: WebhookRetrySettings) => ActivityOptions) | ((taskQueue: string) => ActivityOptions)>;
