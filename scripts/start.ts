import path from 'node:path';
import type { Server } from 'node:http';
import { createApp } from '../api/app';
import { answerMalformedRequests } from '../api/errors';
import { loadConfig, loadDotEnv } from '../config';
import { createLogger } from '../lib/logger';
import { isPortFree } from '../lib/ports';
import { installTemporalRuntime } from '../lib/temporal-runtime';
import { connectTemporalClient, loadSecretBox, onShutdown, openMigratedDatabase } from '../runtime/bootstrap';
import { ensureDevKeys } from '../runtime/dev-seed';
import { startDevServer, type DevServer } from '../temporal/dev-server';
import { connectWorker, createWorker } from '../worker/create-worker';

/**
 * `npm start`: the whole service on one machine with embedded defaults — a Temporal dev server
 * (unless TEMPORAL_ADDRESS is set), PostgreSQL or embedded PGlite, the worker and the API.
 */
class StartError extends Error {
  override name = 'StartError';
}

async function main(): Promise<void> {
  loadDotEnv();
  // Local development delivers webhooks to a receiver on this machine; production never defaults this.
  if (!process.env.WEBHOOK_ALLOW_PRIVATE_HOSTS) process.env.WEBHOOK_ALLOW_PRIVATE_HOSTS = '127.0.0.1,::1';
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL);
  installTemporalRuntime(logger, config.TEMPORAL_LOG_LEVEL);
  const projectRoot = path.resolve(__dirname, '..');
  const stops: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => logger.warn({ err: error }, 'stop step failed'));
  };
  onShutdown(logger, stopAll, config.SHUTDOWN_GRACE_MS);

  try {
    let devServer: DevServer | undefined;
    if (!config.TEMPORAL_ADDRESS) {
      for (const port of [config.TEMPORAL_DEV_PORT, config.TEMPORAL_DEV_UI_PORT]) {
        if (port !== 0 && !(await isPortFree(port))) {
          throw new StartError(
            `Port ${port} is in use (is another Temporal server or kycflow running?). ` +
              'Stop it, set TEMPORAL_DEV_PORT / TEMPORAL_DEV_UI_PORT, or set TEMPORAL_ADDRESS to use a running server.',
          );
        }
      }
      logger.info({ dataDir: config.DATA_DIR }, 'starting the Temporal dev server');
      devServer = await startDevServer({
        projectRoot,
        cliPath: config.TEMPORAL_CLI_PATH,
        namespace: config.TEMPORAL_NAMESPACE,
        dbFilename: path.join(config.DATA_DIR, 'temporal.db'),
        port: config.TEMPORAL_DEV_PORT,
        uiPort: config.TEMPORAL_DEV_UI_PORT,
        log: (message) => logger.info(message),
      });
      stops.push(() => devServer!.stop());
      logger.info({ address: devServer.address, binary: devServer.source }, 'Temporal dev server ready');
    }
    const address = config.TEMPORAL_ADDRESS ?? devServer!.address;
    const temporalUiUrl = config.TEMPORAL_UI_URL ?? devServer?.uiUrl;

    const database = await openMigratedDatabase(config, logger);
    stops.push(() => database.close());
    const secrets = loadSecretBox(config);
    const keys = await ensureDevKeys(database.db, secrets, config.DATA_DIR);

    const connection = await connectWorker(address);
    stops.push(() => connection.close());
    const worker = await createWorker({ config, db: database.db, secrets, logger, connection });
    const running = worker.run();
    stops.push(async () => {
      worker.shutdown();
      await running;
    });
    running.catch((error: unknown) => {
      logger.fatal({ err: error }, 'worker stopped');
      process.kill(process.pid, 'SIGTERM');
    });

    const temporal = await connectTemporalClient(address, config.TEMPORAL_NAMESPACE);
    stops.push(() => temporal.connection.close());
    const app = createApp({ config, db: database.db, temporal, logger, secrets, temporalUiUrl });
    const server: Server = await new Promise((resolve, reject) => {
      // Express 5 calls back on a failed listen too (with the error, which the 'error' listener below reports).
      const s = app.listen(config.PORT, config.HOST, (error?: Error) => {
        if (!error) resolve(s);
      });
      s.once('error', (error: NodeJS.ErrnoException) =>
        reject(error.code === 'EADDRINUSE' ? new StartError(`Port ${config.PORT} is in use: set PORT to another port.`) : error),
      );
    });
    answerMalformedRequests(server);
    stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const port = (server.address() as { port: number }).port;
    printBanner({ apiUrl: `http://${config.HOST === '0.0.0.0' ? 'localhost' : config.HOST}:${port}`, temporalUiUrl, database: database.kind, keys });
  } catch (error) {
    if (error instanceof StartError) logger.fatal({ reason: error.message }, 'start failed');
    else logger.fatal({ err: error }, 'start failed');
    await stopAll();
    process.exit(1);
  }
}

function printBanner(info: { apiUrl: string; temporalUiUrl: string | undefined; database: string; keys: Awaited<ReturnType<typeof ensureDevKeys>> }): void {
  const lines = [
    '',
    'kycflow is running',
    `  API:          ${info.apiUrl}   (health: ${info.apiUrl}/healthz)`,
    `  Console:      ${info.apiUrl}/console   (sign in with the analyst or admin key below)`,
    `  Temporal UI:  ${info.temporalUiUrl ?? '(external Temporal; set TEMPORAL_UI_URL)'}`,
    `  Database:     ${info.database}`,
    '',
    'Development API keys (stored in the data folder):',
    `  client   ${info.keys.clientKey}   (client ${info.keys.clientId})`,
    `  test     ${info.keys.testKey}   (the same client in test mode: the sandbox, no OCR, "sandbox" chooses the outcome)`,
    `  analyst  ${info.keys.analystKey}`,
    `  admin    ${info.keys.adminKey}`,
    `  client signing secret (callbackUrl webhooks): ${info.keys.signingSecret}`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ];
  process.stdout.write(lines.join('\n'));
}

void main();
