import { sql } from 'kysely';
import type { Db } from '../index';
import type { ConsoleSession, Role } from '../schema';
import { newId } from '../../lib/ids';

/** Stores a console sign-in; the cookie's token is kept only as its SHA-256. */
export function insertSession(db: Db, input: { tokenHash: string; keyId: string; csrfToken: string; ttlMs: number }): Promise<ConsoleSession> {
  return db
    .insertInto('console_sessions')
    .values({
      id: newId('session'),
      token_hash: input.tokenHash,
      key_id: input.keyId,
      csrf_token: input.csrfToken,
      expires_at: sql<Date>`now() + make_interval(secs => ${input.ttlMs / 1000})`,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface LiveSession {
  sessionId: string;
  csrfToken: string;
  expiresAt: Date;
  keyId: string;
  role: Role;
  name: string;
  clientId: string | null;
}

/** A live session (not ended, not expired) whose key is not revoked. */
export function findLiveSession(db: Db, tokenHash: string): Promise<LiveSession | undefined> {
  return db
    .selectFrom('console_sessions')
    .innerJoin('api_keys', 'api_keys.id', 'console_sessions.key_id')
    .select([
      'console_sessions.id as sessionId',
      'console_sessions.csrf_token as csrfToken',
      'console_sessions.expires_at as expiresAt',
      'api_keys.id as keyId',
      'api_keys.role as role',
      'api_keys.name as name',
      'api_keys.client_id as clientId',
    ])
    .where('console_sessions.token_hash', '=', tokenHash)
    .where('console_sessions.ended_at', 'is', null)
    .where('console_sessions.expires_at', '>', sql<Date>`now()`)
    .where('api_keys.revoked_at', 'is', null)
    .executeTakeFirst();
}

export async function endSession(db: Db, id: string): Promise<void> {
  await db.updateTable('console_sessions').set({ ended_at: new Date() }).where('id', '=', id).execute();
}
