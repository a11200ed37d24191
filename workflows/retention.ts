import { ActivityFailure, continueAsNew, log, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import { activityPresets } from './activity-options';

export interface RetentionPurgeInput {
  retentionDays: number;
  batchSize: number;
  /** Carried across continue-as-new: how many were erased so far, and which could not be. */
  erased?: number;
  skipped?: string[];
}

/** Batches per run before it continues as new (a short history however many are due). */
const BATCHES_PER_RUN = 10;

/**
 * Erases the verifications decided more than RETENTION_DAYS ago, in batches, oldest first. Started
 * by the Temporal Schedule `kycflow-retention` (visible in the Web UI); idempotent (an erased
 * verification is no longer listed, erasing one twice changes nothing) and resumable (each erasure
 * is an activity; a long purge continues as new). One that cannot be erased is skipped for this
 * purge and tried again on the next.
 */
export async function retentionPurgeWorkflow(input: RetentionPurgeInput): Promise<{ erased: number; skipped: number }> {
  const { listExpiredVerifications, eraseExpiredVerification } = proxyActivities<Activities>(activityPresets.retention);
  let erased = input.erased ?? 0;
  const skipped = [...(input.skipped ?? [])];
  for (let batch = 0; batch < BATCHES_PER_RUN; batch += 1) {
    const due = await listExpiredVerifications({ retentionDays: input.retentionDays, limit: input.batchSize, skip: skipped });
    if (due.length === 0) return { erased, skipped: skipped.length };
    for (const id of due) {
      try {
        await eraseExpiredVerification(id);
        erased += 1;
      } catch (error) {
        if (!(error instanceof ActivityFailure)) throw error;
        log.warn('a verification could not be erased; the next purge tries again', { verificationId: id });
        skipped.push(id);
      }
    }
  }
  return continueAsNew<typeof retentionPurgeWorkflow>({ ...input, erased, skipped });
}
