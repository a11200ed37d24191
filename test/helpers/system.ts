import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { DestinationStream } from 'pino';
import { randomBytes } from 'node:crypto';
import type { Client as TemporalClient } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { createApp } from '../../api/app';
import { answerMalformedRequests } from '../../api/errors';
import { loadConfig, type Config } from '../../config';
import { issueApiKey } from '../../db/repositories/clients';
import { createClient } from '../../services/clients';
import { newEncryptionKey, SecretBox } from '../../lib/crypto';
import { createLogger } from '../../lib/logger';
import { installTemporalRuntime } from '../../lib/temporal-runtime';
import { connectTemporalClient } from '../../runtime/bootstrap';
import { connectWorker, createWorker, type KycWorker } from '../../worker/create-worker';
import { createTestDatabase, type TestDatabase } from './db';
import { temporalAddress, workflowBundlePath } from './env';
import { eventually } from './wait';

export interface TestClient {
  id: string;
  apiKey: string;
  signingSecret: string;
}

export interface TestSystem {
  config: Config;
  database: TestDatabase;
  secrets: SecretBox;
  temporal: TemporalClient;
  baseUrl: string;
  createTenant(name?: string, options?: { skipManualReview?: boolean }): Promise<TestClient>;
  /** An analyst API key (named: the analyst's identity). */
  createAnalyst(name?: string): Promise<string>;
  /** An admin API key. */
  createAdmin(name?: string): Promise<string>;
  /** Waits until the verification reaches one of the statuses and returns it. */
  waitForStatus(key: string, id: string, statuses: string[], timeoutMs?: number): Promise<any>;
  /** fetch against the API with a bearer key. */
  api(key: string, method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/**
 * The real system for an integration test: a fresh PostgreSQL database, a worker on its own task
 * queue of the shared Temporal dev server, and the API on a free port. Retry timings are shortened.
 * `options.logs` receives the JSON log lines of the API and the worker (with LOG_LEVEL set).
 */
export async function startTestSystem(overrides: Record<string, string> = {}, options: { logs?: DestinationStream } = {}): Promise<TestSystem> {
  const database = await createTestDatabase();
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: database.url,
    TEMPORAL_ADDRESS: temporalAddress(),
    TEMPORAL_TASK_QUEUE: `kycflow-test-${randomBytes(4).toString('hex')}`,
    ENCRYPTION_KEY: newEncryptionKey(),
    WEBHOOK_TIMEOUT_MS: '2000',
    WEBHOOK_RETRY_INITIAL_MS: '200',
    WEBHOOK_RETRY_BACKOFF: '2',
    WEBHOOK_RETRY_MAX_INTERVAL_MS: '2000',
    WEBHOOK_RETRY_MAX_AGE_MS: '60000',
    WEBHOOK_ALLOW_PRIVATE_HOSTS: '127.0.0.1,::1',
    ...overrides,
  });
  const logger = createLogger(config.LOG_LEVEL, 'kycflow', false, options.logs);
  if (!runtimeInstalled) {
    installTemporalRuntime(logger, 'error');
    runtimeInstalled = true;
  }
  const secrets = new SecretBox(config.ENCRYPTION_KEY!);
  const connection: NativeConnection = await connectWorker(config.TEMPORAL_ADDRESS!);
  const worker: KycWorker = await createWorker({
    config,
    db: database.db,
    secrets,
    logger,
    connection,
    workflowBundle: { code: fs.readFileSync(workflowBundlePath(), 'utf8') },
  });
  const running = worker.run();
  const temporal = await connectTemporalClient(config.TEMPORAL_ADDRESS!, config.TEMPORAL_NAMESPACE);
  const app = createApp({ config, db: database.db, temporal, logger, secrets, temporalUiUrl: 'http://localhost:8233' });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  answerMalformedRequests(server);
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const system: TestSystem = {
    config,
    database,
    secrets,
    temporal,
    baseUrl,
    async createTenant(name = 'Test client', options = {}) {
      const { client, signingSecret } = await createClient(database.db, secrets, { name, skipManualReview: options.skipManualReview ?? false });
      const { key } = await issueApiKey(database.db, { role: 'client', clientId: client.id, name: 'test' });
      return { id: client.id, apiKey: key, signingSecret };
    },
    async createAnalyst(name = 'test analyst') {
      return (await issueApiKey(database.db, { role: 'analyst', name })).key;
    },
    async createAdmin(name = 'test admin') {
      return (await issueApiKey(database.db, { role: 'admin', name })).key;
    },
    async waitForStatus(key, id, statuses, timeoutMs = 20_000) {
      return eventually(
        async () => {
          const response = await system.api(key, 'GET', `/v1/verifications/${id}`);
          return statuses.includes(response.body.status) ? response.body : undefined;
        },
        timeoutMs,
        `verification ${id} to be ${statuses.join(' or ')}`,
      );
    },
    async api(key, method, path, body, headers = {}) {
      const response = await fetch(baseUrl + path, {
        method,
        headers: { authorization: `Bearer ${key}`, ...(body !== undefined && { 'content-type': 'application/json' }), ...headers },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : null, headers: response.headers };
    },
    async stop() {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      worker.shutdown();
      await running;
      await temporal.connection.close();
      await connection.close();
      await database.drop();
    },
  };
  return system;
}
