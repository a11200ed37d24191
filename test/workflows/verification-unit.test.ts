import fs from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Client, Connection, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import type { RecordStageInput } from '../../activities';
import { PermanentFailure } from '../../domain/failures';
import { TRANSITIONS } from '../../domain/lifecycle';
import { verificationWorkflow, type VerificationWorkflowInput } from '../../workflows';
import { temporalAddress, workflowBundlePath } from '../helpers/env';

/**
 * The workflow alone, on the real Temporal dev server, with stand-in activities (a unit test: the
 * integration tests run the real ones). Covers the failure path, which real activities rarely take.
 */
describe('verificationWorkflow with stand-in activities', () => {
  const input = (id: string): VerificationWorkflowInput => ({
    verificationId: id,
    clientId: 'cli_unit',
    webhooks: { timeoutMs: 1000, initialIntervalMs: 100, backoffCoefficient: 2, maximumIntervalMs: 1000, maximumAgeMs: 5000 },
    review: { enabled: true, deadlineMs: 60_000 },
  });

  const eventOf = (stage: RecordStageInput) => TRANSITIONS[stage.transition].event;

  async function run(extractDocument: () => Promise<unknown>) {
    const taskQueue = `unit-${randomBytes(4).toString('hex')}`;
    const stages: RecordStageInput[] = [];
    const delivered: string[] = [];
    const activities = {
      recordStage: async (stage: RecordStageInput) => {
        stages.push(stage);
        const event = eventOf(stage);
        return { eventId: 'evt_x', sequence: stages.length, deliveries: event ? [{ deliveryId: `whd_${event}`, targetKey: 'callback' }] : [] };
      },
      extractDocument,
      checkAuthenticity: async () => [],
      deliverWebhook: async (deliveryId: string) => {
        delivered.push(deliveryId);
        return 'succeeded';
      },
      giveUpDelivery: async () => undefined,
    };
    const connection = await Connection.connect({ address: temporalAddress() });
    const native = await NativeConnection.connect({ address: temporalAddress() });
    const worker = await Worker.create({
      connection: native,
      taskQueue,
      workflowBundle: { code: fs.readFileSync(workflowBundlePath(), 'utf8') },
      activities,
    });
    const documents = await Worker.create({
      connection: native,
      taskQueue: `${taskQueue}-documents`,
      activities,
    });
    const client = new Client({ connection });
    let outcome: unknown;
    await worker.runUntil(
      documents.runUntil(async () => {
        outcome = await client.workflow
          .execute(verificationWorkflow, { taskQueue, workflowId: `verification-unit-${randomBytes(4).toString('hex')}`, args: [input('ver_unit')] })
          .catch((error: unknown) => error);
      }),
    );
    await connection.close();
    await native.close();
    return { outcome, stages, delivered };
  }

  it('records `failed` and delivers verification.failed when a stage fails for good, then fails the run', async () => {
    const { outcome, stages, delivered } = await run(async () => {
      throw ApplicationFailure.nonRetryable('storage is gone', PermanentFailure.verificationNotFound);
    });
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect(stages.map((s) => [s.transition, s.stage, eventOf(s)])).toEqual([
      ['submitted', 'submitted', 'verification.submitted'],
      // Extraction started: recorded through the same step as every status, without an event.
      ['extracting', 'extracting', null],
      ['failed', 'extracting', 'verification.failed'],
    ]);
    expect(stages[2]).toMatchObject({ reasons: [{ code: 'processing_failed', retryable: true }] });
    expect(delivered).toEqual(['whd_verification.submitted', 'whd_verification.failed']);
  });

  it('accepts when every check passes, with each stage event delivered in order', async () => {
    const { outcome, stages, delivered } = await run(async () => ({ readable: true, source: 'mrz_text', confidence: 1 }));
    expect(outcome).toMatchObject({ status: 'completed', decision: 'accepted' });
    expect(stages.map(eventOf)).toEqual([
      'verification.submitted',
      null,
      'verification.extraction_completed',
      'verification.authenticity_completed',
      'verification.completed',
    ]);
    expect(delivered).toEqual(stages.flatMap((s) => (eventOf(s) ? [`whd_${eventOf(s)}`] : [])));
  });

  it('rides out infrastructure errors in extraction (more than 3 in a row) and still decides', async () => {
    let calls = 0;
    const { outcome } = await run(async () => {
      calls += 1;
      // What a PostgreSQL outage looks like to an activity.
      if (calls <= 4) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      return { readable: true, source: 'mrz_text', confidence: 1 };
    });
    expect(calls).toBe(5);
    expect(outcome).toMatchObject({ status: 'completed', decision: 'accepted' });
  });

  it.each(Object.values(PermanentFailure))('fails at once, without a retry, on the permanent failure %s', async (type) => {
    let calls = 0;
    const { outcome, stages } = await run(async () => {
      calls += 1;
      // Thrown as retryable on purpose: the retry policy itself must refuse to retry this type.
      throw ApplicationFailure.retryable('cannot be helped by retrying', type);
    });
    expect(calls).toBe(1);
    expect(outcome).toBeInstanceOf(WorkflowFailedError);
    expect(stages.at(-1)).toMatchObject({ transition: 'failed' });
  });
});
