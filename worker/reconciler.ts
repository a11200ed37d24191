import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../db';
import { listUnstartedVerifications } from '../db/repositories/verifications';
import type { Logger } from '../lib/logger';
import { startStoredVerificationWorkflow } from '../temporal/verification-client';

/** Orphans started per pass; more wait for the next pass. */
const BATCH = 100;

export interface ReconcilerDeps {
  config: Config;
  db: Db;
  temporal: Client;
  logger: Logger;
}

/**
 * The API stores a verification, then starts its workflow; if it dies in between, the verification
 * would stay `submitted` forever. This starts the workflow of every verification stored more than
 * RECONCILER_MIN_AGE_MS ago that no workflow has picked up. The start is idempotent (deterministic
 * workflow id, USE_EXISTING), so a workflow merely waiting for a worker costs a no-op call, and
 * several workers may reconcile at once. Returns how many verifications were seen.
 */
export async function reconcileOrphans({ config, db, temporal, logger }: ReconcilerDeps): Promise<number> {
  const orphans = await listUnstartedVerifications(db, new Date(Date.now() - config.RECONCILER_MIN_AGE_MS), BATCH);
  for (const orphan of orphans) {
    await startStoredVerificationWorkflow(temporal, config, db, orphan);
    logger.info({ verificationId: orphan.id }, 'workflow started for a verification that had none');
  }
  return orphans.length;
}

/** Reconciles at once, then every RECONCILER_INTERVAL_MS until stopped; a failed pass waits for the next. */
export function startReconciler(deps: ReconcilerDeps): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();
  const tick = () => {
    pass = reconcileOrphans(deps)
      .then(
        () => undefined,
        (error: unknown) => deps.logger.warn({ err: error }, 'reconciliation failed; retrying at the next pass'),
      )
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, deps.config.RECONCILER_INTERVAL_MS);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await pass;
    },
  };
}
