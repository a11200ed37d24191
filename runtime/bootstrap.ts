import fs from 'node:fs';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { Config } from '../config';
import { migrateToLatest, openDatabase, type DatabaseHandle } from '../db';
import { newEncryptionKey, SecretBox } from '../lib/crypto';
import type { Logger } from '../lib/logger';

/**
 * ENCRYPTION_KEY seals secrets at rest. In development a key is generated once into the data
 * folder (mode 0600) so `npm start` needs no setup; production must provide one.
 */
export function loadSecretBox(config: Config): SecretBox {
  if (config.ENCRYPTION_KEY) return new SecretBox(config.ENCRYPTION_KEY);
  if (config.NODE_ENV === 'production') throw new Error('ENCRYPTION_KEY is required in production');
  const file = path.join(config.DATA_DIR, 'encryption.key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(config.DATA_DIR, { recursive: true });
    fs.writeFileSync(file, newEncryptionKey() + '\n', { mode: 0o600, flag: 'wx' });
  }
  return new SecretBox(fs.readFileSync(file, 'utf8').trim());
}

export async function openMigratedDatabase(config: Config, logger: Logger): Promise<DatabaseHandle> {
  const handle = await openDatabase({
    ...config,
    // Through the one error serializer, which keeps only a PostgreSQL error's code, constraint and table.
    onConnectionLost: (error) => logger.warn({ err: error }, 'database connection lost; reconnecting on next query'),
  });
  const applied = await migrateToLatest(handle.db);
  logger.info({ database: handle.kind, applied }, 'database ready');
  return handle;
}

export async function connectTemporalClient(address: string, namespace: string): Promise<Client> {
  const connection = await Connection.connect({ address });
  return new Client({ connection, namespace });
}

/**
 * Runs `stop` once on SIGINT/SIGTERM, then exits — by `deadlineMs` at the latest, whatever `stop`
 * still waits for (a local activity retrying, a database connection that never answers): an
 * orchestrator kills a process that overstays its grace period anyway, and less cleanly.
 */
export function onShutdown(logger: Logger, stop: () => Promise<void>, deadlineMs: number): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, deadlineMs }, 'shutting down');
    setTimeout(() => {
      logger.error({ deadlineMs }, 'shutdown deadline passed; exiting');
      process.exit(1);
    }, deadlineMs).unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
}
