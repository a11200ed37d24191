import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db';
import { findActiveApiKey, getClient, issueApiKey } from '../db/repositories/clients';
import { createClient } from '../services/clients';
import type { SecretBox } from '../lib/crypto';

export interface DevKeys {
  clientId: string;
  clientKey: string;
  /** The same client's test-mode key (the sandbox). */
  testKey: string;
  analystKey: string;
  adminKey: string;
  /** The client's signing secret for callbackUrl webhooks (development convenience). */
  signingSecret: string;
}

/**
 * Development only: a demo client with client, analyst and admin keys, kept in the data folder
 * (mode 0600) so `npm start` prints the same keys every time. Production uses `npm run kyc`.
 */
export async function ensureDevKeys(db: Db, secrets: SecretBox, dataDir: string): Promise<DevKeys> {
  const file = path.join(dataDir, 'dev-keys.json');
  if (fs.existsSync(file)) {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as DevKeys;
    const valid = (await getClient(db, saved.clientId)) && (await Promise.all([saved.clientKey, saved.analystKey, saved.adminKey].map((k) => findActiveApiKey(db, k)))).every(Boolean);
    if (valid) {
      // Keys saved before the sandbox existed get a test key once.
      if (saved.testKey && (await findActiveApiKey(db, saved.testKey))) return saved;
      const updated = { ...saved, testKey: (await issueApiKey(db, { role: 'client', clientId: saved.clientId, name: 'development (test mode)', test: true })).key };
      fs.writeFileSync(file, JSON.stringify(updated, null, 2) + '\n', { mode: 0o600 });
      return updated;
    }
  }
  const { client, signingSecret } = await createClient(db, secrets, { name: 'Development client' });
  const keys: DevKeys = {
    clientId: client.id,
    clientKey: (await issueApiKey(db, { role: 'client', clientId: client.id, name: 'development' })).key,
    testKey: (await issueApiKey(db, { role: 'client', clientId: client.id, name: 'development (test mode)', test: true })).key,
    analystKey: (await issueApiKey(db, { role: 'analyst', name: 'development analyst' })).key,
    adminKey: (await issueApiKey(db, { role: 'admin', name: 'development admin' })).key,
    signingSecret,
  };
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
  return keys;
}
