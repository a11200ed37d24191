import path from 'node:path';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** An admin connection string whose role may CREATE DATABASE; each test file gets its own database. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://kycflow:kycflow@127.0.0.1:5432/kycflow';

/** Set by global-setup.ts: the Temporal dev server every test file shares. */
export function temporalAddress(): string {
  const address = process.env.KYCFLOW_TEST_TEMPORAL_ADDRESS;
  if (!address) throw new Error('The Temporal test server is not running (see test/helpers/global-setup.ts)');
  return address;
}

export function workflowBundlePath(): string {
  return path.join(PROJECT_ROOT, '.tools', 'test-workflow-bundle.js');
}
