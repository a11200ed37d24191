import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per process. Delivery metrics are recorded where deliveries happen (the worker);
 * `npm start` runs worker and API in one process, so /metrics shows both. A separately deployed
 * worker serves its own /metrics (WORKER_METRICS_PORT).
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'kycflow_process_' });

export const webhookAttempts = new Counter({
  name: 'kycflow_webhook_attempts_total',
  help: 'Webhook HTTP attempts by outcome and error class',
  labelNames: ['outcome', 'error_class'] as const,
  registers: [registry],
});

export const webhookLatency = new Histogram({
  name: 'kycflow_webhook_latency_seconds',
  help: 'From a stage completing (its event recorded) to the receiver acknowledging the webhook',
  buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300, 3600],
  registers: [registry],
});
