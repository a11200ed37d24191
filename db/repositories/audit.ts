import type { Db } from '../index';
import type { AuditAction, AuditEvent, Role } from '../schema';
import { newId } from '../../lib/ids';

export interface AuditActor {
  keyId: string;
  name: string;
  role: Role;
}

/** Appends one row per verification (or one without when `verificationIds` is empty and `none` is set). */
export async function recordAuditEvents(db: Db, actor: AuditActor, action: AuditAction, verificationIds: ReadonlyArray<string | null>): Promise<void> {
  if (verificationIds.length === 0) return;
  await db
    .insertInto('audit_events')
    .values(
      verificationIds.map((verificationId) => ({
        id: newId('auditEvent'),
        actor_key_id: actor.keyId,
        actor_name: actor.name,
        actor_role: actor.role,
        action,
        verification_id: verificationId,
      })),
    )
    .execute();
}

export interface AuditFilter {
  verificationId?: string | undefined;
  actorKeyId?: string | undefined;
  action?: AuditAction | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** Newest first; one more row than `limit` tells whether there is a next page. */
export function listAuditEvents(db: Db, filter: AuditFilter): Promise<AuditEvent[]> {
  let query = db.selectFrom('audit_events').selectAll();
  if (filter.verificationId) query = query.where('verification_id', '=', filter.verificationId);
  if (filter.actorKeyId) query = query.where('actor_key_id', '=', filter.actorKeyId);
  if (filter.action) query = query.where('action', '=', filter.action);
  if (filter.cursor) query = query.where('id', '<', filter.cursor);
  return query.orderBy('id', 'desc').limit(filter.limit + 1).execute();
}
