import type { ActivityOptions, LocalActivityOptions, RetryPolicy } from '@temporalio/workflow';
import { PERMANENT_FAILURE_TYPES, PermanentFailure } from '../domain/failures';

/** Webhook retry settings travel in the workflow input, so every run's policy is visible in its history. */
export interface WebhookRetrySettings {
  timeoutMs: number;
  initialIntervalMs: number;
  backoffCoefficient: number;
  maximumIntervalMs: number;
  /** Give up after this long (the activity's schedule-to-close timeout). */
  maximumAgeMs: number;
}

/**
 * PostgreSQL or Temporal may be away for up to 10 minutes (a restart, a failover) without a
 * verification failing: infrastructure errors are retried with no attempt limit, the backoff capped
 * at 30 s, for longer than that — the margin covers the last backoff wait. Permanent failures (a
 * missing verification, extraction or delivery) are never retried.
 */
const OUTAGE_BUDGET = '15 minutes';
const infrastructureRetry: RetryPolicy = {
  initialInterval: '1 second',
  backoffCoefficient: 2,
  maximumInterval: '30 seconds',
  nonRetryableErrorTypes: PERMANENT_FAILURE_TYPES,
};

/** The named activity-option presets: the one place timeouts and retry policies are set. */
export const activityPresets = {
  /**
   * Stage transitions and delivery bookkeeping: one short database transaction, run as a local
   * activity (in the worker, no extra round trips through the Temporal server; still recorded in the
   * history by name). Backoffs stay under `localRetryThreshold` (1 minute), so retries run in the
   * worker while the workflow task is kept alive, rather than as server timers.
   */
  stage: {
    startToCloseTimeout: '30 seconds',
    scheduleToCloseTimeout: OUTAGE_BUDGET,
    retry: infrastructureRetry,
  },
  /**
   * Document extraction (OCR) and checks: CPU-bound, on the documents task queue, heartbeating. The
   * schedule-to-close also covers the wait for one of the few OCR slots behind a backlog, so it is
   * the outage budget plus room for that queue.
   */
  analysis: (taskQueue: string): ActivityOptions => ({
    taskQueue,
    startToCloseTimeout: '2 minutes',
    // The activity heartbeats every second: a worker that died with it is noticed within 10 s.
    heartbeatTimeout: '10 seconds',
    scheduleToCloseTimeout: '1 hour',
    retry: infrastructureRetry,
  }),
  /** Heartbeating during the request: a worker that dies mid-delivery is noticed within 5 s. */
  webhookDelivery: (settings: WebhookRetrySettings): ActivityOptions => ({
    startToCloseTimeout: settings.timeoutMs + 10_000,
    heartbeatTimeout: '5 seconds',
    scheduleToCloseTimeout: settings.maximumAgeMs,
    retry: {
      initialInterval: settings.initialIntervalMs,
      backoffCoefficient: settings.backoffCoefficient,
      maximumInterval: settings.maximumIntervalMs,
      nonRetryableErrorTypes: [PermanentFailure.deliveryNotFound],
    },
  }),
  /**
   * The retention purge: listing a batch and erasing one verification (a few statements, a few
   * Temporal calls). Retried through outages like the rest; the purge skips a verification whose
   * erasure keeps failing after the outage budget and tries it again on its next run.
   */
  retention: {
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: OUTAGE_BUDGET,
    retry: infrastructureRetry,
  },
} satisfies Record<string, ActivityOptions | LocalActivityOptions | ((settings: WebhookRetrySettings) => ActivityOptions) | ((taskQueue: string) => ActivityOptions)>;
