import express, { type Express } from 'express';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../db';
import type { SecretBox } from '../lib/crypto';
import type { Logger } from '../lib/logger';
import swaggerUi from 'swagger-ui-express';
import { authenticate } from './auth';
import { consoleRouter } from './console';
import { metricsHandler } from './metrics';
import { buildOpenApi } from './openapi';
import { errorHandler, routeNotFound } from './errors';
import { readinessHandler } from './health';
import { auditEventsRouter } from './routes/audit-events';
import { eventsRouter } from './routes/events';
import { reviewQueueRouter } from './routes/reviews';
import { webhookEndpointsRouter } from './routes/webhook-endpoints';
import { presenter, verificationsRouter } from './routes/verifications';
import { refuseNonUtf8Body } from './validation';

export interface AppDeps {
  config: Config;
  db: Db;
  temporal: TemporalClient;
  logger: Logger;
  secrets: SecretBox;
  /** Base URL of the Temporal Web UI, for links in responses. */
  temporalUiUrl?: string | undefined;
  /** How long /readyz may take (default READINESS_BUDGET_MS). */
  readinessBudgetMs?: number;
}

/** Builds the HTTP app; never listens (see api/server.ts and scripts/start.ts). */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', false);
  // Two base64 images plus the JSON around them.
  const jsonLimit = Math.ceil((deps.config.MAX_DOCUMENT_BYTES * 2 * 4) / 3) + 64 * 1024;
  app.use(express.json({ limit: jsonLimit, verify: refuseNonUtf8Body }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', readinessHandler(deps.db, deps.temporal, deps.readinessBudgetMs));

  const spec = buildOpenApi();
  app.get('/openapi.json', (_req, res) => {
    res.json(spec);
  });
  app.use('/docs', swaggerUi.serve, swaggerUi.setup(spec, { customSiteTitle: 'kycflow API' }));
  app.get('/metrics', metricsHandler(deps.db));

  const temporalUiUrl = deps.temporalUiUrl ?? deps.config.TEMPORAL_UI_URL;
  app.use('/console', consoleRouter({ config: deps.config, db: deps.db, temporalUiUrl }));

  app.use('/v1', authenticate(deps.db));
  app.use('/v1/verifications', verificationsRouter({ ...deps, temporalUiUrl }));
  app.use('/v1/webhook-endpoints', webhookEndpointsRouter(deps));
  app.use('/v1/events', eventsRouter(deps));
  app.use('/v1/audit-events', auditEventsRouter(deps));
  app.use('/v1/reviews', reviewQueueRouter({ config: deps.config, db: deps.db, temporal: deps.temporal, present: presenter(deps.config, temporalUiUrl) }));

  app.use(routeNotFound);
  app.use(errorHandler(deps.logger));
  return app;
}
