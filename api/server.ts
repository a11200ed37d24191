import { loadConfig, loadDotEnv, temporalAddressOf } from '../config';
import { createLogger } from '../lib/logger';
import { connectTemporalClient, loadSecretBox, onShutdown, openMigratedDatabase } from '../runtime/bootstrap';
import { createApp } from './app';
import { answerMalformedRequests } from './errors';

/** Production entrypoint of the API (`npm run api`): needs DATABASE_URL and TEMPORAL_ADDRESS or their defaults. */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'kycflow-api');
  const database = await openMigratedDatabase(config, logger);
  const temporal = await connectTemporalClient(temporalAddressOf(config), config.TEMPORAL_NAMESPACE);
  const app = createApp({ config, db: database.db, temporal, logger, secrets: loadSecretBox(config) });
  // Express 5 calls back on a failed listen too, with the error.
  const server = app.listen(config.PORT, config.HOST, (error?: NodeJS.ErrnoException) => {
    if (!error) return logger.info({ host: config.HOST, port: config.PORT }, 'API listening');
    logger.fatal({ reason: error.code === 'EADDRINUSE' ? `Port ${config.PORT} is in use: set PORT to another port.` : error.message }, 'API could not listen');
    process.exit(1);
  });
  answerMalformedRequests(server);
  onShutdown(logger, async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await temporal.connection.close();
    await database.close();
  }, config.SHUTDOWN_GRACE_MS);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
