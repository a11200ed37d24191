import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities, type ActivityDeps } from '../activities';
import type { Config } from '../config';
import type { Db } from '../db';
import type { SecretBox } from '../lib/crypto';
import type { Logger } from '../lib/logger';
import { createWebhookDispatcher } from '../webhooks/sender';
import { parseAllowList } from '../webhooks/ssrf';

export interface WorkerDeps {
  config: Config;
  db: Db;
  secrets: SecretBox;
  logger: Logger;
  connection: NativeConnection;
  /** A pre-built bundle (tests build it once); otherwise the workflows are bundled at start. */
  workflowBundle?: WorkerOptions['workflowBundle'];
}

export function buildActivityDeps(deps: Pick<WorkerDeps, 'config' | 'db' | 'secrets' | 'logger'>): ActivityDeps {
  const allowList = parseAllowList(deps.config.WEBHOOK_ALLOW_PRIVATE_HOSTS);
  return {
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
    analysis: { minimumAge: deps.config.MINIMUM_AGE },
  };
}

export async function createWorker(deps: WorkerDeps): Promise<Worker> {
  const workflowSource = deps.workflowBundle ? { workflowBundle: deps.workflowBundle } : { workflowsPath: require.resolve('../workflows') };
  return Worker.create({
    connection: deps.connection,
    namespace: deps.config.TEMPORAL_NAMESPACE,
    taskQueue: deps.config.TEMPORAL_TASK_QUEUE,
    activities: createActivities(buildActivityDeps(deps)),
    ...workflowSource,
  });
}

export function connectWorker(address: string): Promise<NativeConnection> {
  return NativeConnection.connect({ address });
}
