import { parseArgs } from 'node:util';
import type { Client as TemporalClient } from '@temporalio/client';
import type { Role, Verification } from '../db';
import { issueApiKey, listClients, revokeApiKey } from '../db/repositories/clients';
import { createClient } from '../services/clients';
import { getEvent } from '../db/repositories/events';
import { listVerifications } from '../db/repositories/verifications';
import { loadConfig, loadDotEnv, temporalAddressOf } from '../config';
import { createLogger } from '../lib/logger';
import { connectTemporalClient, loadSecretBox, openMigratedDatabase } from '../runtime/bootstrap';
import { resendEvent } from '../services/resend';
import { STAGES } from '../domain/lifecycle';
import { reviewInputProblem, type ReviewInput } from '../domain/decision';
import { ServiceError } from '../services/errors';
import { cancelVerification, reviewVerification } from '../services/verifications';

const USAGE = `kycflow admin CLI — npm run kyc -- <command> [options]

  client:create --name NAME [--skip-review]   a client, its signing secret and a client API key (with its key id)
  clients:list
  key:create --role client|analyst|admin [--client CLIENT_ID] [--name NAME]
  key:create --test --client CLIENT_ID [--name NAME]   a test-mode client key (kyc_test_…, the sandbox)
  analyst:create --name NAME                  an analyst API key
  key:revoke KEY_ID
  verifications:list [--client CLIENT_ID [--test]] [--status STATUS] [--limit N]
  events:resend EVENT_ID [--endpoint ENDPOINT_ID]
  verifications:cancel VERIFICATION_ID
  verifications:review VERIFICATION_ID --decision accepted|rejected --reason CODE [--note TEXT]

Uses DATABASE_URL (or the embedded database in DATA_DIR, when kycflow is not running) and
TEMPORAL_ADDRESS (default localhost:7233) for resends, cancels and reviews (the API's use cases:
services/). Secrets and keys are printed once.`;

class UsageError extends Error {}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: 'string' },
      role: { type: 'string' },
      client: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string' },
      endpoint: { type: 'string' },
      decision: { type: 'string' },
      reason: { type: 'string' },
      note: { type: 'string' },
      'skip-review': { type: 'boolean' },
      test: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, argument] = positionals;
  if (!command || values.help) return void console.log(USAGE);

  loadDotEnv();
  const config = loadConfig();
  const logger = createLogger('warn', 'kycflow-cli');
  const database = await openMigratedDatabase(config, logger);
  const { db } = database;
  const secrets = loadSecretBox(config);
  const out = (value: unknown) => console.log(JSON.stringify(value, null, 2));
  const summary = (v: Verification) => ({ id: v.id, status: v.status, stage: v.stage, decision: v.decision, reasons: v.reasons });
  const withTemporal = async <T>(use: (temporal: TemporalClient) => Promise<T>): Promise<T> => {
    const temporal = await connectTemporalClient(temporalAddressOf(config), config.TEMPORAL_NAMESPACE);
    try {
      return await use(temporal);
    } finally {
      await temporal.connection.close();
    }
  };
  try {
    switch (command) {
      case 'client:create': {
        if (!values.name) throw new UsageError('--name is required');
        const { client, signingSecret } = await createClient(db, secrets, { name: values.name, skipManualReview: values['skip-review'] ?? false });
        const { apiKey, key } = await issueApiKey(db, { role: 'client', clientId: client.id, name: 'default' });
        return out({ clientId: client.id, name: client.name, keyId: apiKey.id, apiKey: key, signingSecret });
      }
      case 'clients:list':
        return out((await listClients(db)).map((c) => ({ id: c.id, name: c.name, skipManualReview: c.skip_manual_review, createdAt: c.created_at })));
      case 'analyst:create':
      case 'key:create': {
        const role = (command === 'analyst:create' ? 'analyst' : (values.role ?? (values.test ? 'client' : undefined))) as Role;
        if (!['client', 'analyst', 'admin'].includes(role)) throw new UsageError('--role must be client, analyst or admin');
        if (role === 'client' && !values.client) throw new UsageError('--client is required for a client key');
        if (values.test && role !== 'client') throw new UsageError('--test is for client keys only');
        const { apiKey, key } = await issueApiKey(db, { role, clientId: values.client ?? null, name: values.name ?? role, test: values.test ?? false });
        return out({ keyId: apiKey.id, role, clientId: apiKey.client_id, livemode: apiKey.livemode, apiKey: key });
      }
      case 'key:revoke': {
        if (!argument) throw new UsageError('the key id is required');
        return out({ revoked: await revokeApiKey(db, argument) });
      }
      case 'verifications:list': {
        const status = values.status === undefined ? undefined : STAGES.find((stage) => stage === values.status);
        if (values.status !== undefined && !status) throw new UsageError(`--status must be one of ${STAGES.join(', ')}`);
        const rows = await listVerifications(db, { scope: values.client ? { clientId: values.client, livemode: !values.test } : null, status, limit: Number(values.limit ?? 20) });
        return out(rows.map((v) => ({ id: v.id, clientId: v.client_id, reference: v.reference, status: v.status, decision: v.decision, createdAt: v.created_at })));
      }
      case 'events:resend': {
        if (!argument) throw new UsageError('the event id is required');
        const event = await getEvent(db, argument);
        if (!event) throw new UsageError(`no event ${argument}`);
        return await withTemporal(async (temporal) => {
          const deliveries = await resendEvent(db, temporal, config, event, values.endpoint);
          return out(deliveries.map((d) => ({ deliveryId: d.id, target: d.target, url: d.target_url })));
        });
      }
      case 'verifications:cancel': {
        if (!argument) throw new UsageError('the verification id is required');
        return await withTemporal(async (temporal) => out(summary(await cancelVerification({ config, db, temporal }, { id: argument, scope: null }))));
      }
      case 'verifications:review': {
        if (!argument) throw new UsageError('the verification id is required');
        const review = { decision: values.decision, reason: values.reason, ...(values.note !== undefined && { note: values.note }), analystId: 'cli' };
        const problem = reviewInputProblem(review);
        if (problem) throw new UsageError(problem);
        return await withTemporal(async (temporal) => out(summary(await reviewVerification({ config, db, temporal }, { id: argument, review: review as ReviewInput }))));
      }
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  // A use case's refusal (not found, already ended, not awaiting review) is the operator's to read, with its code.
  if (error instanceof ServiceError) console.error(`${error.code}: ${error.message}`);
  else console.error(error instanceof UsageError ? `${error.message}\n\n${USAGE}` : error instanceof Error ? error.message : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});
