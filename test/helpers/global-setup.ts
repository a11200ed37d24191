import fs from 'node:fs';
import { bundleWorkflowCode } from '@temporalio/worker';
import { Client } from 'pg';
import { cellModel } from '../../documents/readers/cell-reader';
import { startDevServer, type DevServer } from '../../temporal/dev-server';
import { PROJECT_ROOT, TEST_DATABASE_URL, workflowBundlePath } from './env';

declare global {
  var kycflowTestTemporal: DevServer | undefined;
}

/**
 * One real Temporal dev server (in memory, free port) for the whole run, and the workflow code
 * bundled once. PostgreSQL must be reachable at TEST_DATABASE_URL (.ci/run starts it).
 */
export default async function globalSetup(): Promise<void> {
  const pg = new Client({ connectionString: TEST_DATABASE_URL });
  try {
    await pg.connect();
    await pg.query('select 1');
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${TEST_DATABASE_URL.replace(/:[^:@/]+@/, ':***@')} (${(error as Error).message}). Start it, or set TEST_DATABASE_URL.`);
  } finally {
    await pg.end().catch(() => undefined);
  }

  const server = await startDevServer({ projectRoot: PROJECT_ROOT, cliPath: process.env.TEMPORAL_CLI_PATH, namespace: 'default' });
  globalThis.kycflowTestTemporal = server;
  process.env.KYCFLOW_TEST_TEMPORAL_ADDRESS = server.address;

  // The cell reader's model, learnt here outside jest's sandbox (seconds, not a minute) and kept in
  // the machine's temporary directory, where the workers the tests start read it.
  await cellModel();

  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../workflows'), logger: quietLogger });
  fs.mkdirSync(PROJECT_ROOT + '/.tools', { recursive: true });
  fs.writeFileSync(workflowBundlePath(), bundle.code);
}

const noop = () => undefined;
const quietLogger = { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: console.error };
