import type { RequestHandler } from 'express';
import { Gauge, Registry } from 'prom-client';
import type { Db } from '../db';
import { countByStatusAndDecision } from '../db/repositories/verifications';
import { registry as processRegistry } from '../lib/metrics';

/**
 * GET /metrics (Prometheus text format): the process's metrics plus verification counts by status
 * and decision, read from PostgreSQL at scrape time so every API replica reports the same truth.
 */
export function metricsHandler(db: Db): RequestHandler {
  const appRegistry = new Registry();
  new Gauge({
    name: 'kycflow_verifications',
    help: 'Verifications by status (stage) and decision',
    labelNames: ['status', 'decision'] as const,
    registers: [appRegistry],
    async collect() {
      const rows = await countByStatusAndDecision(db);
      this.reset();
      for (const row of rows) this.set({ status: row.status, decision: row.decision ?? 'none' }, Number(row.count));
    },
  });
  return async (_req, res) => {
    const merged = Registry.merge([processRegistry, appRegistry]);
    res.set('content-type', merged.contentType).send(await merged.metrics());
  };
}
