import { randomBytes } from 'node:crypto';
import type { Db } from '../index';
import type { ApiKey, Client, Role } from '../schema';
import { newId } from '../../lib/ids';
import { sha256Hex } from '../../lib/crypto';

/** Stores a client; its callback signing secret comes encrypted (services/clients.ts makes it). */
export function insertClient(db: Db, input: { name: string; skipManualReview: boolean; signingSecretEnc: string }): Promise<Client> {
  return db
    .insertInto('clients')
    .values({ id: newId('client'), name: input.name, signing_secret_enc: input.signingSecretEnc, skip_manual_review: input.skipManualReview })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function getClient(db: Db, id: string): Promise<Client | undefined> {
  return db.selectFrom('clients').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listClients(db: Db): Promise<Client[]> {
  return db.selectFrom('clients').selectAll().orderBy('id').execute();
}

export interface IssuedApiKey {
  apiKey: ApiKey;
  /** The plaintext key: shown once, stored only as a SHA-256 hash. */
  key: string;
}

/** A key: `kyc_<role>_…`, or `kyc_test_…` for a test-mode client key (the sandbox). */
export async function issueApiKey(db: Db, input: { role: Role; clientId?: string | null; name: string; test?: boolean }): Promise<IssuedApiKey> {
  const test = input.role === 'client' && input.test === true;
  const key = `kyc_${test ? 'test' : input.role}_${randomBytes(24).toString('base64url')}`;
  const apiKey = await db
    .insertInto('api_keys')
    .values({
      id: newId('apiKey'),
      client_id: input.role === 'client' ? (input.clientId ?? null) : null,
      role: input.role,
      name: input.name,
      key_hash: sha256Hex(key),
      key_prefix: key.slice(0, 16),
      livemode: !test,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { apiKey, key };
}

export function findActiveApiKey(db: Db, key: string): Promise<ApiKey | undefined> {
  return db
    .selectFrom('api_keys')
    .selectAll()
    .where('key_hash', '=', sha256Hex(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/** Revokes an API key; false when no such key exists. */
export async function revokeApiKey(db: Db, id: string): Promise<boolean> {
  const result = await db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
