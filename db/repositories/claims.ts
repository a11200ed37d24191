import { sql } from 'kysely';
import type { Db } from '../index';

export interface ClaimHolder {
  verificationId: string;
  keyId: string;
  name: string;
  claimedAt: Date;
  expiresAt: Date;
}

function holders(db: Db) {
  return db
    .selectFrom('case_claims')
    .innerJoin('api_keys', 'api_keys.id', 'case_claims.key_id')
    .select(['case_claims.verification_id as verificationId', 'case_claims.key_id as keyId', 'api_keys.name as name', 'case_claims.claimed_at as claimedAt', 'case_claims.expires_at as expiresAt']);
}

/** The live (unexpired) claims on these verifications. */
export function liveClaims(db: Db, verificationIds: readonly string[]): Promise<ClaimHolder[]> {
  if (verificationIds.length === 0) return Promise.resolve([]);
  return holders(db).where('case_claims.verification_id', 'in', verificationIds).where('case_claims.expires_at', '>', sql<Date>`now()`).execute();
}

/**
 * Takes the case for `keyId` until now + `ttlMs`, in one statement: when nobody holds it, the claim
 * expired, the same key holds it (renewal) or `override` is set. Returns the holder afterwards —
 * someone else when the claim was not taken.
 */
export async function claimCase(db: Db, input: { verificationId: string; keyId: string; ttlMs: number; override: boolean }): Promise<ClaimHolder> {
  const expiresAt = sql<Date>`now() + make_interval(secs => ${input.ttlMs / 1000})`;
  await db
    .insertInto('case_claims')
    .values({ verification_id: input.verificationId, key_id: input.keyId, expires_at: expiresAt })
    .onConflict((oc) =>
      oc
        .column('verification_id')
        .doUpdateSet({ key_id: input.keyId, claimed_at: sql<Date>`now()`, expires_at: expiresAt })
        .where(({ or, eb }) =>
          input.override ? sql<boolean>`true` : or([eb('case_claims.expires_at', '<=', sql<Date>`now()`), eb('case_claims.key_id', '=', input.keyId)]),
        ),
    )
    .execute();
  return holders(db).where('case_claims.verification_id', '=', input.verificationId).executeTakeFirstOrThrow();
}

/** Lets go of a case; `keyId` null releases whoever holds it. */
export async function releaseClaim(db: Db, verificationId: string, keyId: string | null): Promise<boolean> {
  let query = db.deleteFrom('case_claims').where('verification_id', '=', verificationId);
  if (keyId) query = query.where('key_id', '=', keyId);
  return Number((await query.executeTakeFirst()).numDeletedRows) > 0;
}
