import type { Db } from '../db';
import type { Client } from '../db/schema';
import { insertClient } from '../db/repositories/clients';
import type { SecretBox } from '../lib/crypto';
import { generateSecret } from '../webhooks/signing';

export interface CreatedClient {
  client: Client;
  /** The client's own signing secret for callbackUrl deliveries: shown once. */
  signingSecret: string;
}

/** A new client with its callback signing secret (made here, stored encrypted, shown once). */
export async function createClient(db: Db, box: SecretBox, input: { name: string; skipManualReview?: boolean }): Promise<CreatedClient> {
  const signingSecret = generateSecret();
  const client = await insertClient(db, { name: input.name, skipManualReview: input.skipManualReview ?? false, signingSecretEnc: box.encrypt(signingSecret) });
  return { client, signingSecret };
}
