import type { ActivityDeps } from './deps';
import { listExpiredVerifications } from '../db/repositories/erasure';

const DAY = 24 * 3600 * 1000;

/** The retention purge's activities: which verifications are due, and erasing one. */
export function retentionActivities({ db, eraseVerification }: ActivityDeps) {
  return {
    /** Decided more than `retentionDays` ago (by this worker's clock), not erased, not skipped; oldest first. */
    async listExpiredVerifications({ retentionDays, limit, skip = [] }: { retentionDays: number; limit: number; skip?: string[] }): Promise<string[]> {
      const rows = await listExpiredVerifications(db, new Date(Date.now() - retentionDays * DAY), limit + skip.length);
      return rows
        .map((r) => r.id)
        .filter((id) => !skip.includes(id))
        .slice(0, limit);
    },
    eraseExpiredVerification: (verificationId: string): Promise<void> => eraseVerification(verificationId),
  };
}
