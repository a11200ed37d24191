import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Client as PgClient } from 'pg';
import { loadConfig } from '../../config';
import { createClient } from '../../services/clients';
import { workflowIdFor } from '../../domain/temporal';
import { newEncryptionKey, SecretBox } from '../../lib/crypto';
import { connectTemporalClient } from '../../runtime/bootstrap';
import { startVerificationWorkflow } from '../../temporal/verification-client';
import { createTestDatabase, type TestDatabase } from '../helpers/db';
import { PROJECT_ROOT, TEST_DATABASE_URL, temporalAddress } from '../helpers/env';
import { insertOrphan } from '../helpers/orphans';
import { eventually } from '../helpers/wait';

/** The worker process, as `npm run worker` runs it, stopped with SIGTERM while a stage keeps failing. */
describe('worker shutdown', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.drop());

  async function refuseConnections(): Promise<void> {
    const admin = new PgClient({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    const name = new URL(database.url).pathname.slice(1);
    try {
      await admin.query(`alter database ${name} allow_connections false`);
      // Client connections only (an autovacuum worker there runs as the superuser, out of our reach).
      await admin.query("select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and backend_type = 'client backend' and usename = current_user", [name]);
    } finally {
      await admin.end();
    }
  }

  it('exits on SIGTERM even while a stage (a local activity) retries against an unreachable database', async () => {
    const env = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: database.url,
      TEMPORAL_ADDRESS: temporalAddress(),
      TEMPORAL_TASK_QUEUE: `kycflow-shutdown-${randomBytes(4).toString('hex')}`,
      ENCRYPTION_KEY: newEncryptionKey(),
      WORKER_METRICS_PORT: '0',
      SHUTDOWN_GRACE_MS: '3000',
    };
    const config = loadConfig(env);
    const { client } = await createClient(database.db, new SecretBox(env.ENCRYPTION_KEY), { name: 'Shutdown', skipManualReview: false });
    const verification = await insertOrphan(database.db, client.id);

    // One process (tsx as a loader, not its CLI that relays signals to a child), as in production.
    const child = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const temporal = await connectTemporalClient(config.TEMPORAL_ADDRESS!, config.TEMPORAL_NAMESPACE);
    try {
      await eventually(async () => output.includes('worker running'), 120_000, `the worker to start:\n${output}`);
      await refuseConnections();
      await startVerificationWorkflow(temporal, config, verification, client);
      await eventually(async () => output.includes('Activity failed'), 30_000, 'the first stage to fail');

      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const code = await Promise.race([exited, new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), 90_000)))]);
      clearTimeout(timer);
      expect(code).not.toBe('still running');
      expect(output).toContain('shutting down');
      // The verification is not lost: its workflow waits for the next worker.
      const description = await temporal.workflow.getHandle(workflowIdFor(verification.id)).describe();
      expect(description.status.name).toBe('RUNNING');
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await temporal.workflow.getHandle(workflowIdFor(verification.id)).terminate('test over').catch(() => undefined);
      await temporal.connection.close();
    }
  }, 240_000);
});
