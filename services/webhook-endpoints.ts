import type { Db } from '../db';
import type { TenantScope, WebhookEndpoint } from '../db/schema';
import { getEndpoint, insertEndpoint, replaceEndpointSecret } from '../db/repositories/webhook-endpoints';
import type { SecretBox } from '../lib/crypto';
import { generateSecret } from '../webhooks/signing';

export interface EndpointWithSecret {
  endpoint: WebhookEndpoint;
  /** Plaintext secret: shown on create and rotate only. */
  secret: string;
}

/** A new endpoint with its signing secret (made here, stored encrypted, shown once). */
export async function createEndpoint(
  db: Db,
  box: SecretBox,
  input: { clientId: string; livemode: boolean; url: string; eventTypes: string[]; description?: string | undefined },
): Promise<EndpointWithSecret> {
  const secret = generateSecret();
  return { endpoint: await insertEndpoint(db, { ...input, secretEnc: box.encrypt(secret) }), secret };
}

/** A new secret; the old one keeps signing (a second signature) until the grace period ends. */
export async function rotateEndpointSecret(
  db: Db,
  box: SecretBox,
  id: string,
  scope: TenantScope,
  graceMs: number,
): Promise<(EndpointWithSecret & { previousSecretExpiresAt: Date | null }) | undefined> {
  const current = await getEndpoint(db, id, scope);
  if (!current) return undefined;
  const secret = generateSecret();
  const expires = graceMs > 0 ? new Date(Date.now() + graceMs) : null;
  const endpoint = await replaceEndpointSecret(db, id, { secretEnc: box.encrypt(secret), previousSecretEnc: expires ? current.secret_enc : null, previousSecretExpiresAt: expires });
  return { endpoint, secret, previousSecretExpiresAt: expires };
}
