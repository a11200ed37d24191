import http from 'node:http';
import { loadConfig, loadDotEnv, temporalAddressOf } from '../config';
import { registry } from '../lib/metrics';
import { createLogger } from '../lib/logger';
import { installTemporalRuntime } from '../lib/temporal-runtime';
import { loadSecretBox, onShutdown, openMigratedDatabase } from '../runtime/bootstrap';
import { connectWorker, createWorker } from './create-worker';

/** Production entrypoint of the worker (`npm run worker`). */
async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger(config.LOG_LEVEL, 'kycflow-worker');
  installTemporalRuntime(logger, config.TEMPORAL_LOG_LEVEL);
  const database = await openMigratedDatabase(config, logger);
  const connection = await connectWorker(temporalAddressOf(config));
  const worker = await createWorker({ config, db: database.db, secrets: loadSecretBox(config), logger, connection });
  const running = worker.run();
  const metrics = config.WORKER_METRICS_PORT
    ? http
        .createServer((req, res) => {
          if (req.url !== '/metrics') return void res.writeHead(404).end();
          registry.metrics().then(
            (body) => res.writeHead(200, { 'content-type': registry.contentType }).end(body),
            () => res.writeHead(500).end(),
          );
        })
        .listen(config.WORKER_METRICS_PORT, config.HOST)
    : undefined;
  logger.info({ taskQueue: config.TEMPORAL_TASK_QUEUE }, 'worker running');
  onShutdown(logger, async () => {
    metrics?.close();
    worker.shutdown();
    await running;
    await connection.close();
    await database.close();
  }, config.SHUTDOWN_GRACE_MS);
  await running;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
