import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import type { Config } from '../config';
import type { Db } from '../db';
import type { SecretBox } from '../lib/crypto';
import type { Logger } from '../lib/logger';
import { createWebhookDispatcher } from '../webhooks/sender';
import { documentsTaskQueue } from '../domain/temporal';
import { prepareGlyphTemplates } from '../documents/readers/glyph-reader';
import { cellModel } from '../documents/readers/cell-reader';
import { MrzReader } from '../documents/readers/mrz-reader';
import { startReconciler } from './reconciler';
import { eraseVerification } from '../services/erasure';
import { ensureRetentionSchedule, retentionScheduleId } from '../temporal/retention-schedule';

export interface WorkerDeps {
  config: Config;
  db: Db;
  secrets: SecretBox;
  logger: Logger;
  connection: NativeConnection;
  /** A pre-built bundle (tests build it once); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export function buildActivityDeps(deps: Pick<WorkerDeps, 'config' | 'db' | 'secrets' | 'logger'>, reader: MrzReader, temporal: Client): ActivityDeps {
  const allowList = deps.config.WEBHOOK_ALLOW_PRIVATE_HOSTS;
  return {
    eraseVerification: async (id) => {
      await eraseVerification({ config: deps.config, db: deps.db, temporal }, { id, scope: null });
    },
    db: deps.db,
    secrets: deps.secrets,
    logger: deps.logger.child({ component: 'activities' }),
    http: createWebhookDispatcher(allowList),
    allowList,
    webhook: {
      timeoutMs: deps.config.WEBHOOK_TIMEOUT_MS,
      userAgent: deps.config.WEBHOOK_USER_AGENT,
      maxRetryAfterMs: deps.config.WEBHOOK_RETRY_AFTER_MAX_MS,
    },
    analysis: { minimumAge: deps.config.MINIMUM_AGE, reader },
  };
}

/** The verification worker: workflows, stage and webhook activities, the documents worker and the orphan reconciler. */
export interface KycWorker {
  run(): Promise<void>;
  shutdown(): void;
}

/**
 * Within the process's shutdown deadline: running activities get most of it to finish, then are
 * cancelled; the worker gives up on the rest (a local activity in its retry loop) a little later,
 * leaving time to close connections before the process exits. Whatever was cut short is retried
 * by Temporal on another worker.
 */
function shutdownTimes(deadlineMs: number): Pick<WorkerOptions, 'shutdownGraceTime' | 'shutdownForceTime'> {
  return { shutdownGraceTime: Math.floor(deadlineMs * 0.6), shutdownForceTime: Math.floor(deadlineMs * 0.8) };
}

export async function createWorker(deps: WorkerDeps): Promise<KycWorker> {
  const { config } = deps;
  const workflowSource = deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: require.resolve('../workflows') };
  const reader = new MrzReader(config.OCR_CONCURRENCY);
  // The glyph templates (about a second of rendering, spread over ticks) before the first document arrives.
  void prepareGlyphTemplates();
  // PaddleOCR's models, once per worker process (a few hundred MiB; loading takes about a second).
  // What a machine lacks the reader does without, less accurately on photos: the operator is told.
  // (Models that cannot load at all still end the process, as an unhandled rejection.)
  void reader.prepare().then((ocr) => ocr.hasFinder || deps.logger.warn('PP-OCRv6 models not installed (npm run models:install): photos are read with PP-OCRv4 alone, less accurately'));
  void cellModel().then((model) => model || deps.logger.warn('the OCR-B font is not installed (Debian: fonts-ocr-b): small print in photos is read without the cell reader, less accurately'));
  const temporal = new Client({ connection: deps.connection, namespace: config.TEMPORAL_NAMESPACE });
  const activities = createActivities(buildActivityDeps(deps, reader, temporal));
  const common = { connection: deps.connection, namespace: config.TEMPORAL_NAMESPACE, ...shutdownTimes(config.SHUTDOWN_GRACE_MS) };
  const main = await Worker.create({ ...common, taskQueue: config.TEMPORAL_TASK_QUEUE, activities, ...workflowSource });
  // OCR is CPU-bound: its own queue and a few slots, so it never starves webhook delivery.
  const documents = await Worker.create({
    ...common,
    taskQueue: documentsTaskQueue(config.TEMPORAL_TASK_QUEUE),
    activities: { extractDocument: activities.extractDocument, checkAuthenticity: activities.checkAuthenticity },
    maxConcurrentActivityTaskExecutions: config.OCR_CONCURRENCY,
  });
  const reconcilerDeps = { config, db: deps.db, temporal, logger: deps.logger.child({ component: 'reconciler' }) };
  let reconciler: ReturnType<typeof startReconciler> | undefined;
  return {
    async run() {
      try {
        const running = Promise.all([main.run(), documents.run()]);
        reconciler = startReconciler(reconcilerDeps);
        // The purge's schedule, as configured; a Temporal hiccup here must not stop the worker.
        ensureRetentionSchedule(temporal, config).then(
          (state) => deps.logger.info({ schedule: retentionScheduleId(config.TEMPORAL_TASK_QUEUE), state, retentionDays: config.RETENTION_DAYS }, 'retention schedule'),
          (error: unknown) => deps.logger.error({ err: error }, 'the retention schedule could not be set up'),
        );
        await running;
      } finally {
        await reconciler?.stop();
        await reader.close();
      }
    },
    shutdown() {
      void reconciler?.stop();
      main.shutdown();
      documents.shutdown();
    },
  };
}

export function connectWorker(address: string): Promise<NativeConnection> {
  return NativeConnection.connect({ address });
}
