import { randomBytes } from 'node:crypto';
import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, makeTelemetryFilterString, Runtime, Worker } from '@temporalio/worker';
import type { Activities, RecordStageInput } from '../../activities';
import type { Check } from '../../domain/checks';
import { PermanentFailure } from '../../domain/failures';
import { TRANSITIONS } from '../../domain/lifecycle';
import { ALL_SEARCH_ATTRIBUTES } from '../../domain/temporal';
import { resolveTestServerBinary } from '../../temporal/binary';
import { cancelUpdate, getStatusQuery, submitReviewUpdate, verificationWorkflow, type VerificationWorkflowInput } from '../../workflows';
import { PROJECT_ROOT } from '../helpers/env';

/**
 * The verification workflow on Temporal's time-skipping test server with typed stand-in activities:
 * the 72 h review deadline passes in moments, and no PostgreSQL or dev server is needed.
 */
describe('verificationWorkflow on the time-skipping test server', () => {
  let env: TestWorkflowEnvironment;

  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('ERROR'), telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'ERROR' }) } } });
    const path = resolveTestServerBinary(PROJECT_ROOT);
    if (!path) throw new Error('The time-skipping test server is not installed: run npm run temporal:install');
    env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path } } });
    // The workflow sets its search attributes (stage, decision, client) as it goes.
    await env.connection.operatorService.addSearchAttributes({
      namespace: env.namespace ?? 'default',
      searchAttributes: Object.fromEntries(ALL_SEARCH_ATTRIBUTES.map((key) => [key.name, 2 /* KEYWORD */])),
    });
  }, 120_000);
  afterAll(() => env?.teardown());

  /** Stand-ins for the activities, typed by what the worker registers: each records what it was asked. */
  function standIns(checks: Check[], extractDocument: Activities['extractDocument'] = async () => ({ readable: true, source: 'mrz_text', confidence: 1 })) {
    const stages: RecordStageInput[] = [];
    const delivered: string[] = [];
    const activities: Activities = {
      recordStage: async (stage) => {
        stages.push(stage);
        const event = TRANSITIONS[stage.transition].event;
        return { eventId: event && `evt_${stages.length}`, sequence: event && stages.length, deliveries: event ? [{ deliveryId: `whd_${stages.length}`, targetKey: 'callback' }] : [] };
      },
      extractDocument,
      checkAuthenticity: async () => checks,
      deliverWebhook: async (deliveryId) => {
        delivered.push(deliveryId);
        return 'succeeded';
      },
      giveUpDelivery: async () => undefined,
    };
    return { stages, delivered, activities };
  }

  const run = (activities: Activities, args = input()) =>
    withWorker(activities, (taskQueue) =>
      env.client.workflow.execute(verificationWorkflow, { taskQueue, workflowId: `verification-${randomBytes(4).toString('hex')}`, args: [args] }).catch((error: unknown) => error),
    );
  const eventOf = (stage: RecordStageInput) => TRANSITIONS[stage.transition].event;

  const doubtful: Check[] = [{ code: 'applicant_mismatch', result: 'consider', detail: 'lastName differs' }];
  const input = (deadlineMs = 72 * 3600 * 1000): VerificationWorkflowInput => ({
    verificationId: `ver_${randomBytes(4).toString('hex')}`,
    clientId: 'cli_unit',
    webhooks: { timeoutMs: 1000, initialIntervalMs: 100, backoffCoefficient: 2, maximumIntervalMs: 1000, maximumAgeMs: 5000 },
    review: { enabled: true, deadlineMs },
  });

  async function withWorker<T>(activities: Activities, body: (taskQueue: string) => Promise<T>): Promise<T> {
    const taskQueue = `unit-${randomBytes(4).toString('hex')}`;
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowsPath: require.resolve('../../workflows'), activities });
    const documents = await Worker.create({ connection: env.nativeConnection, taskQueue: `${taskQueue}-documents`, activities });
    return worker.runUntil(documents.runUntil(body(taskQueue)));
  }

  it('ends a case no analyst answers within the 72 h deadline as review_required (review_timeout), in moments', async () => {
    const { stages, activities } = standIns(doubtful);
    const started = Date.now();
    const result = await withWorker(activities, (taskQueue) =>
      env.client.workflow.execute(verificationWorkflow, { taskQueue, workflowId: `verification-${randomBytes(4).toString('hex')}`, args: [input()] }),
    );
    expect(result).toMatchObject({ status: 'completed', decision: 'review_required' });
    expect(result.reasons.map((r) => r.code)).toEqual(['review_timeout', 'applicant_mismatch']);
    expect(stages.map((s) => s.transition)).toEqual(['submitted', 'extracting', 'extracted', 'analysed', 'reviewStarted', 'completed']);
    const review = stages.find((s) => s.transition === 'reviewStarted')!.review!;
    expect(Date.parse(review.deadline) - Date.parse(review.startedAt)).toBe(72 * 3600 * 1000);
    expect(Date.now() - started).toBeLessThan(60_000);
  });

  it("takes an analyst's review through the submitReview Update and answers with the decision", async () => {
    const { stages, activities } = standIns(doubtful);
    const answer = await withWorker(activities, async (taskQueue) => {
      const handle = await env.client.workflow.start(verificationWorkflow, { taskQueue, workflowId: `verification-${randomBytes(4).toString('hex')}`, args: [input()] });
      await waitFor(async () => (await handle.query(getStatusQuery)).status === 'awaiting_review');
      return handle.executeUpdate(submitReviewUpdate, { args: [{ decision: 'accepted', reason: 'document_genuine', analystId: 'key_1' }] });
    });
    expect(answer).toMatchObject({ status: 'completed', decision: 'accepted', reasons: [] });
    expect(stages.at(-1)).toMatchObject({ transition: 'completed', decision: 'accepted', review: { decision: 'accepted', reason: 'document_genuine', analystId: 'key_1' } });
  });

  it('cancels through the cancel Update, answering once the cancellation is recorded, and refuses a second', async () => {
    const { stages, activities } = standIns(doubtful);
    // The cancellation's webhook is held back: the run stays open (draining its outbox) with the
    // verification already ended, so the second Update meets the validator, not a closed run.
    let release = () => undefined as void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const deliver = activities.deliverWebhook;
    activities.deliverWebhook = async (deliveryId) => {
      if (stages.at(-1)?.transition === 'cancelled') await held;
      return deliver(deliveryId);
    };
    const { answer, again } = await withWorker(activities, async (taskQueue) => {
      const handle = await env.client.workflow.start(verificationWorkflow, { taskQueue, workflowId: `verification-${randomBytes(4).toString('hex')}`, args: [input()] });
      await waitFor(async () => (await handle.query(getStatusQuery)).status === 'awaiting_review');
      const answer = await handle.executeUpdate(cancelUpdate);
      const again = await handle.executeUpdate(cancelUpdate).catch((error: unknown) => error);
      release();
      await handle.result();
      return { answer, again };
    });
    expect(answer).toMatchObject({ status: 'cancelled', stage: 'awaiting_review' });
    expect(stages.at(-1)).toMatchObject({ transition: 'cancelled', stage: 'awaiting_review' });
    expect(again).toBeInstanceOf(WorkflowUpdateFailedError);
  });

  it('accepts when every check passes, each step recorded and each event delivered in order', async () => {
    const { stages, delivered, activities } = standIns([{ code: 'document_expired', result: 'pass' }]);
    expect(await run(activities)).toMatchObject({ status: 'completed', decision: 'accepted' });
    expect(stages.map(eventOf)).toEqual(['verification.submitted', null, 'verification.extraction_completed', 'verification.authenticity_completed', 'verification.completed']);
    expect(delivered).toEqual(stages.flatMap((s, i) => (eventOf(s) ? [`whd_${i + 1}`] : [])));
  });

  it('rejects an unreadable document, its extraction event telling the client it stayed in extraction', async () => {
    const { stages, activities } = standIns([], async () => ({ readable: false, source: null, confidence: 0 }));
    expect(await run(activities)).toMatchObject({ status: 'completed', decision: 'rejected', reasons: [{ code: 'document_unreadable', retryable: true }] });
    expect(stages.map((s) => [s.transition, s.stage])).toEqual([
      ['submitted', 'submitted'],
      ['extracting', 'extracting'],
      ['unreadable', 'extracting'],
      ['completed', 'extracting'],
    ]);
  });

  it('records `failed` and delivers verification.failed when a stage fails for good, then fails the run', async () => {
    const { stages, delivered, activities } = standIns([], async () => {
      throw ApplicationFailure.nonRetryable('storage is gone', PermanentFailure.verificationNotFound);
    });
    expect(await run(activities)).toBeInstanceOf(WorkflowFailedError);
    expect(stages.map((s) => [s.transition, s.stage, eventOf(s)])).toEqual([
      ['submitted', 'submitted', 'verification.submitted'],
      ['extracting', 'extracting', null],
      ['failed', 'extracting', 'verification.failed'],
    ]);
    expect(stages[2]).toMatchObject({ reasons: [{ code: 'processing_failed', retryable: true }] });
    expect(delivered).toEqual(['whd_1', 'whd_3']);
  });

  it('rides out infrastructure errors in extraction (more than 3 in a row) and still decides', async () => {
    let calls = 0;
    const { activities } = standIns([], async () => {
      calls += 1;
      // What a PostgreSQL outage looks like to an activity.
      if (calls <= 4) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
      return { readable: true, source: 'mrz_text', confidence: 1 };
    });
    expect(await run(activities)).toMatchObject({ status: 'completed', decision: 'accepted' });
    expect(calls).toBe(5);
  });

  it.each(Object.values(PermanentFailure))('fails at once, without a retry, on the permanent failure %s', async (type) => {
    let calls = 0;
    const { stages, activities } = standIns([], async () => {
      calls += 1;
      // Thrown as retryable on purpose: the retry policy itself must refuse to retry this type.
      throw ApplicationFailure.retryable('cannot be helped by retrying', type);
    });
    expect(await run(activities)).toBeInstanceOf(WorkflowFailedError);
    expect(calls).toBe(1);
    expect(stages.at(-1)).toMatchObject({ transition: 'failed' });
  });
});

async function waitFor(test: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await test())) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
