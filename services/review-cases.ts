import type { Config } from '../config';
import type { Db, Role, TenantScope } from '../db';
import { recordAuditEvents, type AuditActor } from '../db/repositories/audit';
import { claimCase, liveClaims, releaseClaim, type ClaimHolder } from '../db/repositories/claims';
import { getDocumentImage, getVerification } from '../db/repositories/verifications';
import type { AuditAction } from '../db/schema';
import { assertNotErased, ServiceError } from './errors';

/**
 * The analysts' side of a case: claims (one analyst holds a case for `CLAIM_TTL_MS`; admins may take
 * it over), the audit trail of reads and decisions, and the document images.
 */
export interface Actor extends AuditActor {
  role: Role;
}

const minutesLeft = (until: Date) => Math.max(1, Math.ceil((until.getTime() - Date.now()) / 60_000));

function caseClaimed(holder: ClaimHolder): ServiceError {
  return new ServiceError('case_claimed', `The case is with ${holder.name} for ${minutesLeft(holder.expiresAt)} more min`);
}

/**
 * Reads of a case's personal data or images by analysts and admins are audited; a client reading its
 * own data is not.
 */
export async function auditRead(db: Db, actor: Actor, action: Extract<AuditAction, 'verification.viewed' | 'verification.listed' | 'document.viewed'>, verificationIds: readonly string[]): Promise<void> {
  if (actor.role === 'client') return;
  await recordAuditEvents(db, actor, action, verificationIds);
}

export async function claimReviewCase({ config, db }: { config: Config; db: Db }, { id, actor, override }: { id: string; actor: Actor; override: boolean }): Promise<ClaimHolder> {
  const verification = await getVerification(db, id);
  if (!verification) throw new ServiceError('verification_not_found', 'Verification not found');
  if (verification.status !== 'awaiting_review') throw new ServiceError('not_awaiting_review', 'The verification is not awaiting review');
  const holder = await claimCase(db, { verificationId: id, keyId: actor.keyId, ttlMs: config.CLAIM_TTL_MS, override: override && actor.role === 'admin' });
  if (holder.keyId !== actor.keyId) throw caseClaimed(holder);
  await recordAuditEvents(db, actor, 'case.claimed', [id]);
  return holder;
}

/** Lets go of a case: the holder, or an admin for anyone. False when the actor held nothing to release. */
export async function releaseReviewCase(db: Db, { id, actor }: { id: string; actor: Actor }): Promise<boolean> {
  if (!(await getVerification(db, id))) throw new ServiceError('verification_not_found', 'Verification not found');
  const released = await releaseClaim(db, id, actor.role === 'admin' ? null : actor.keyId);
  if (released) await recordAuditEvents(db, actor, 'case.released', [id]);
  return released;
}

/** A review by someone other than the case's holder is refused while the claim lasts (admins excepted). */
export async function assertMayDecide(db: Db, id: string, actor: Actor): Promise<void> {
  const [holder] = await liveClaims(db, [id]);
  if (holder && holder.keyId !== actor.keyId && actor.role !== 'admin') throw caseClaimed(holder);
}

export async function afterDecision(db: Db, id: string, actor: Actor): Promise<void> {
  await releaseClaim(db, id, null);
  await recordAuditEvents(db, actor, 'review.decided', [id]);
}

/**
 * The stored image of one side of the document the verification is on (its current attempt), for
 * the owning client (`clientId`) or any analyst/admin (null).
 */
export async function documentImage(db: Db, { id, side, scope, actor }: { id: string; side: 'front' | 'back'; scope: TenantScope; actor: Actor }) {
  const verification = await getVerification(db, id, scope);
  if (!verification) throw new ServiceError('verification_not_found', 'Verification not found');
  assertNotErased(verification);
  const image = await getDocumentImage(db, id, side, verification.attempt);
  if (!image) throw new ServiceError('no_document_image', `This verification has no ${side} image (sent as MRZ text, or without that side)`);
  await auditRead(db, actor, 'document.viewed', [id]);
  return image;
}

export { liveClaims, type ClaimHolder };
