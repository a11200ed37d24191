import type { RequestHandler } from 'express';
import type { Client as TemporalClient } from '@temporalio/client';
import { pingDatabase, type Db } from '../db';

/** How long /readyz may take in all; a probe that has not answered by then counts as down. */
export const READINESS_BUDGET_MS = 2000;

/**
 * True if the probe succeeds within the budget. The timer bounds the whole probe: a gRPC deadline
 * alone does not cover (re)connecting to a Temporal server that is down, which took ~3 s. At the
 * budget the probe is also told to stop, so no retry of it outlives the answer.
 */
async function within(budgetMs: number, probe: (signal: AbortSignal) => Promise<unknown>): Promise<boolean> {
  const stop = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), budgetMs)));
  try {
    return await Promise.race([probe(stop.signal).then(() => true, () => false), late]);
  } finally {
    clearTimeout(timer);
    stop.abort();
  }
}

/** GET /readyz: PostgreSQL and Temporal reachable, answered within `budgetMs`. */
export function readinessHandler(db: Db, temporal: TemporalClient, budgetMs = READINESS_BUDGET_MS): RequestHandler {
  return async (_req, res) => {
    const [database, temporalUp] = await Promise.all([
      within(budgetMs, () => pingDatabase(db)),
      // The deadline also ends the SDK's retries of the abandoned call once the answer is out.
      within(budgetMs, (signal) =>
        temporal.connection.withAbortSignal(signal, () => temporal.connection.withDeadline(Date.now() + budgetMs, () => temporal.workflowService.getSystemInfo({}))),
      ),
    ]);
    const ready = database && temporalUp;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not_ready', checks: { database, temporal: temporalUp } });
  };
}
