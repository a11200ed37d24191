import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { RecordStageInput } from '../../activities';
import type { Check } from '../../domain/checks';
import { createActivities } from '../../activities';
import type { DatabaseHandle } from '../../db';
import { createClient } from '../../services/clients';
import { listEvents } from '../../db/repositories/events';
import { getVerification } from '../../db/repositories/verifications';
import type { MrzReader } from '../../documents/readers/mrz-reader';
import { SecretBox } from '../../lib/crypto';
import { createWebhookDispatcher } from '../../webhooks/sender';
import { parseAllowList } from '../../webhooks/ssrf';
import { createLogger } from '../../lib/logger';
import { openEmbeddedTestDatabase } from '../helpers/db';
import { passportMrz } from '../helpers/documents';
import { insertOrphan } from '../helpers/orphans';

/**
 * The worker's activities under MockActivityEnvironment (an activity context without a worker)
 * over the embedded PostgreSQL (PGlite, in process): no server needed. A document sent as MRZ text
 * needs no OCR model, so the reader is never asked.
 */
describe('activities under MockActivityEnvironment', () => {
  let database: DatabaseHandle;
  let activities: ReturnType<typeof createActivities>;
  let clientId: string;
  let secrets: SecretBox;

  beforeAll(async () => {
    database = await openEmbeddedTestDatabase();
    secrets = new SecretBox(randomBytes(32).toString('base64'));
    clientId = (await createClient(database.db, secrets, { name: 'unit' })).client.id;
    const reader = {
      read: () => {
        throw new Error('no OCR for MRZ text');
      },
    } as unknown as MrzReader;
    activities = createActivities({
      db: database.db,
      secrets,
      logger: createLogger('silent', 'test', false),
      http: undefined as never,
      allowList: [] as never,
      webhook: { timeoutMs: 1000, userAgent: 'test', maxRetryAfterMs: 1000 },
      analysis: { minimumAge: 18, reader },
      eraseVerification: async () => undefined,
    });
  }, 60_000);
  /** An activity context whose own log (an activity failing on purpose) stays quiet. */
  const mockEnvironment = () => new MockActivityEnvironment(undefined, { logger: new DefaultLogger('ERROR', () => undefined) });
  const step = (verificationId: string, transition: RecordStageInput['transition'], stage: RecordStageInput['stage']): RecordStageInput => ({ verificationId, transition, stage });

  afterAll(async () => {
    await database?.close();
  });

  it('records a lifecycle step: the status, the event with its delivery to the callback URL, once per retry', async () => {
    const verification = await insertOrphan(database.db, clientId, { mrz: passportMrz(), callbackUrl: 'https://example.com/hook' });
    const env = mockEnvironment();
    const first = await env.run(activities.recordStage, step(verification.id, 'submitted', 'submitted'));
    expect(first).toMatchObject({ sequence: 1, deliveries: [{ targetKey: expect.any(String) }] });
    // A retried activity returns what the first attempt recorded.
    expect(await env.run(activities.recordStage, step(verification.id, 'submitted', 'submitted'))).toEqual(first);
    // A step without an event changes the status only.
    expect(await env.run(activities.recordStage, step(verification.id, 'extracting', 'extracting'))).toEqual({ eventId: null, sequence: null, deliveries: [] });
    expect(await getVerification(database.db, verification.id)).toMatchObject({ status: 'extracting', stage: 'extracting' });
    expect((await listEvents(database.db, verification.id)).map((e) => e.type)).toEqual(['verification.submitted']);
  });

  it('extracts a document sent as MRZ text and checks it, storing both', async () => {
    const verification = await insertOrphan(database.db, clientId, { mrz: passportMrz() });
    const env = mockEnvironment();
    expect(await env.run(activities.extractDocument, verification.id)).toEqual({ readable: true, source: 'mrz_text', confidence: 1 });
    const checks: Check[] = await env.run(activities.checkAuthenticity, verification.id);
    expect(checks.find((c) => c.code === 'mrz_check_digit_invalid')).toMatchObject({ result: 'pass' });
    const stored = await getVerification(database.db, verification.id);
    expect(stored!.checks).toEqual(checks);
    expect(stored!.extraction).toMatchObject({ source: 'mrz_text', fields: { lastName: 'LINDQVIST' } });
  });

  it('fails for good, as a non-retryable failure, when the verification does not exist', async () => {
    await expect(mockEnvironment().run(activities.extractDocument, 'ver_missing')).rejects.toMatchObject({ type: 'VerificationNotFound', nonRetryable: true });
  });

  it('heartbeats while a webhook request is under way, so a dead worker is noticed within the heartbeat timeout', async () => {
    const receiver = http.createServer((req, res) => {
      req.resume();
      setTimeout(() => res.writeHead(204).end(), 2500);
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', () => resolve()));
    try {
      const allowList = parseAllowList(['127.0.0.1']);
      const delivering = createActivities({
        db: database.db,
        secrets,
        logger: createLogger('silent', 'test', false),
        http: createWebhookDispatcher(allowList),
        allowList,
        webhook: { timeoutMs: 5000, userAgent: 'test', maxRetryAfterMs: 1000 },
        analysis: { minimumAge: 18, reader: undefined as never },
        eraseVerification: async () => undefined,
      });
      const { port } = receiver.address() as AddressInfo;
      const verification = await insertOrphan(database.db, clientId, { mrz: passportMrz(), callbackUrl: `http://127.0.0.1:${port}/hook` });
      const env = mockEnvironment();
      const recorded: Awaited<ReturnType<typeof activities.recordStage>> = await env.run(activities.recordStage, step(verification.id, 'submitted', 'submitted'));
      let heartbeats = 0;
      env.on('heartbeat', () => heartbeats++);
      expect(await env.run(delivering.deliverWebhook, recorded.deliveries[0]!.deliveryId)).toBe('succeeded');
      expect(heartbeats).toBeGreaterThanOrEqual(2);
    } finally {
      receiver.close();
    }
  });
});
