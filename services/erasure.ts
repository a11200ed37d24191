import type { TenantScope, Verification } from '../db';
import { recordAuditEvents } from '../db/repositories/audit';
import { scrubVerification } from '../db/repositories/erasure';
import { lastRound, recordTransition } from '../db/repositories/events';
import { getVerification } from '../db/repositories/verifications';
import { isTerminal } from '../domain/lifecycle';
import { deleteVerificationRuns, startDeliveryWorkflow } from '../temporal/verification-client';
import { ServiceError } from './errors';
import type { Actor } from './review-cases';
import { cancelVerification, type VerificationServiceDeps } from './verifications';

/**
 * Erases a verification's personal data (on request, or by the retention purge): a running one is
 * cancelled first; every run of its workflow is deleted from Temporal (the memo holds the reference,
 * a review Update the analyst's note); images, MRZ text, applicant, extraction, checks, metadata
 * (in stored webhook bodies too), notes and receivers' responses go; a tombstone stays; then
 * `verification.erased` is recorded and sent, after whatever was still pending, by a delivery
 * workflow of its own. Idempotent and safe to repeat after a crash half-way. `clientId` limits it
 * to one client's verifications in one mode (null: any, for admins and the purge).
 */
export async function eraseVerification(
  deps: VerificationServiceDeps,
  { id, scope, actor }: { id: string; scope: TenantScope; actor?: Actor },
): Promise<Verification> {
  const { config, db, temporal } = deps;
  const verification = await getVerification(db, id, scope);
  if (!verification) throw new ServiceError('verification_not_found', 'Verification not found');
  if (!verification.erased_at && !isTerminal(verification.status)) {
    await cancelVerification(deps, { id, scope }).catch((error: unknown) => {
      // It ended first: nothing to cancel.
      if (!(error instanceof ServiceError && error.code === 'verification_completed')) throw error;
    });
  }
  await deleteVerificationRuns(temporal, config, id);
  const pending = await scrubVerification(db, id);
  const erased = await recordTransition(db, { verificationId: id, eventType: 'verification.erased', round: await lastRound(db, id), patch: { erased_at: new Date() } });
  // Pending deliveries of earlier events first, so each target still hears them in order.
  const erasedIds = new Set(erased.deliveries.map((d) => d.deliveryId));
  await startDeliveryWorkflow(temporal, config, `erasure-${id}`, [...pending.filter((d) => !erasedIds.has(d.deliveryId)), ...erased.deliveries]);
  if (actor && !verification.erased_at) await recordAuditEvents(db, actor, 'verification.erased', [id]);
  return (await getVerification(db, id))!;
}
