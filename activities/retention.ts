import type { ActivityDeps } from './deps';
import { DAY_MS } from '../config';
import { listExpiredVerifications } from '../db/repositories/erasure';

/** The retention purge's activities: which verifications are due, and erasing one. */
export function retentionActivities({ db, eraseVerification }: ActivityDeps) {
  return {
    /** Decided more than `retentionDays` ago (by this worker's clock), not erased, not skipped; oldest first. */
    async listExpiredVerifications({ retentionDays, limit, skip = [] }: { retentionDays: number; limit: number; skip?: string[] }): Promise<string[]> {
      const rows = await listExpiredVerifications(db, new Date(Date.now() - retentionDays * DAY_MS), limit, skip);
      return rows.map((r) => r.id);
    },
    eraseExpiredVerification: (verificationId: string): Promise<void> => eraseVerification(verificationId),
  };
}
