import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { loadConfig } from '../../config';
import { openDatabase, type DatabaseHandle } from '../../db';
import { newEncryptionKey, SecretBox } from '../../lib/crypto';
import { createLogger } from '../../lib/logger';
import { freePort } from '../helpers/ports';

/** PostgreSQL unreachable: a request is told to come back (503 + Retry-After), not that the server broke. */
describe('the API while PostgreSQL cannot be reached', () => {
  let database: DatabaseHandle;
  let server: Server;
  let temporal: Client;

  beforeAll(async () => {
    // Nothing listens on this port: every connection attempt is refused.
    const url = `postgres://kycflow:kycflow@127.0.0.1:${await freePort()}/kycflow`;
    database = await openDatabase({ DATABASE_URL: url, DATA_DIR: '.data-unused' });
    temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}` }) });
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: url, ENCRYPTION_KEY: newEncryptionKey() });
    const app = createApp({ config, db: database.db, temporal, logger: createLogger('silent'), secrets: new SecretBox(config.ENCRYPTION_KEY!) });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await temporal.connection.close().catch(() => undefined);
    await database.close();
  });

  it.each([
    ['GET', '/v1/verifications', undefined],
    ['POST', '/v1/verifications', JSON.stringify({ documentType: 'passport', mrz: 'P<UTO' })],
  ])('%s %s → 503 database_unavailable with Retry-After', async (method, path, body) => {
    const { port } = server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}${path}`, {
      method,
      headers: { authorization: 'Bearer kyc_client_unknown', 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('database_unavailable');
  });
});
