import fs from 'node:fs';
import path from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { ALL_SEARCH_ATTRIBUTES } from '../domain/temporal';
import { resolveTemporalBinary, type BinarySource } from './binary';

export interface DevServerOptions {
  projectRoot: string;
  cliPath?: string | undefined;
  namespace: string;
  /** Persist to this SQLite file; in-memory when omitted. */
  dbFilename?: string;
  port?: number;
  /** Web UI port; no UI when omitted. */
  uiPort?: number;
  log?: (message: string) => void;
}

export interface DevServer {
  address: string;
  uiUrl: string | undefined;
  source: BinarySource;
  stop(): Promise<void>;
}

/**
 * Runs `temporal server start-dev` through the SDK's ephemeral-server support, which owns the child
 * process and stops it on teardown. Search attributes are registered at start.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const binary = resolveTemporalBinary({ cliPath: options.cliPath, projectRoot: options.projectRoot, log: options.log });
  if (options.dbFilename) fs.mkdirSync(path.dirname(options.dbFilename), { recursive: true });
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: binary.executable,
      namespace: options.namespace,
      ip: '127.0.0.1',
      port: options.port || undefined,
      dbFilename: options.dbFilename,
      ui: options.uiPort !== undefined,
      uiPort: options.uiPort,
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
    },
  });
  const address = env.address;
  const uiPort = options.uiPort;
  return {
    address,
    uiUrl: uiPort !== undefined ? `http://localhost:${uiPort}` : undefined,
    source: binary.source,
    stop: () => env.teardown(),
  };
}
