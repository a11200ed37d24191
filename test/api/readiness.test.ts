import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client, Connection } from '@temporalio/client';
import { createApp } from '../../api/app';
import { loadConfig } from '../../config';
import { newEncryptionKey, SecretBox } from '../../lib/crypto';
import { createLogger } from '../../lib/logger';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { freePort } from '../helpers/ports';

/** /readyz with Temporal down: it must answer within its own budget, not whenever the client gives up. */
describe('GET /readyz when Temporal is down', () => {
  let database: TestDatabase;
  let server: Server;
  let temporal: Client;

  beforeAll(async () => {
    database = await createTestDatabase();
    // Nothing listens on this port: connecting keeps failing (about 3 s before the check's deadline even starts).
    temporal = new Client({ connection: Connection.lazy({ address: `127.0.0.1:${await freePort()}` }) });
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: database.url, ENCRYPTION_KEY: newEncryptionKey() });
    const app = createApp({ config, db: database.db, temporal, logger: createLogger('silent'), secrets: new SecretBox(config.ENCRYPTION_KEY!), readinessBudgetMs: 300 });
    server = await new Promise((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => resolve(s));
    });
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    // The SDK's gRPC retry interceptor may still hold a timer for the abandoned probe (its deadline,
    // the budget, ends it within a backoff); closing the channel under that timer throws.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    await temporal.connection.close();
    await database.drop();
  });

  it('answers 503 naming Temporal, before a client that waits far longer than the budget gives up', async () => {
    const { port } = server.address() as AddressInfo;
    // 300 ms budget; the client waits 2 s. Without the budget timer the answer came after ~3 s.
    const response = await fetch(`http://127.0.0.1:${port}/readyz`, { signal: AbortSignal.timeout(2000) });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ status: 'not_ready', checks: { database: true, temporal: false } });
  });
});
