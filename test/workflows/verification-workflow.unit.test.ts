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
import {
  cancelUpdate,
  getStatusQuery,
  reopenUpdate,
  resubmitUpdate,
  retentionPurgeWorkflow,
  submitReviewUpdate,
  verificationWorkflow,
  type VerificationWorkflowInput,
} from '../../workflows';
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
      listExpiredVerifications: async () => [],
      eraseExpiredVerification: async () => undefined,
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
      const answer = await handle.executeUpdate(submitReviewUpdate, { args: [{ decision: 'accepted', reason: 'document_genuine', analystId: 'key_1' }] });
      // Every run ends before its worker stops: an activity left pending would hold the test server's clock.
      await handle.result();
      return answer;
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

  describe('resubmission', () => {
    const WEEK = 7 * 24 * 3600 * 1000;
    const withResubmission = (maxAttempts = 3): VerificationWorkflowInput => ({ ...input(), resubmission: { windowMs: WEEK, maxAttempts } });
    /** Unreadable until `readableFrom` documents were sent. */
    const readsFrom = (readableFrom: number) => {
      let calls = 0;
      return async () => {
        calls += 1;
        return calls >= readableFrom ? { readable: true, source: 'mrz_text' as const, confidence: 1 } : { readable: false, source: null, confidence: 0 };
      };
    };

    it('waits for a new document after a retryable rejection (final: false, for the window), reads it in the same run and decides again', async () => {
      const { stages, delivered, activities } = standIns([{ code: 'document_expired', result: 'pass' }], readsFrom(2));
      const { answer, wrong, result } = await withWorker(activities, async (taskQueue) => {
        const handle = await env.client.workflow.start(verificationWorkflow, { taskQueue, workflowId: `verification-${randomBytes(4).toString('hex')}`, args: [withResubmission()] });
        await waitFor(async () => stages.some((s) => s.transition === 'completed'));
        const wrong = await handle.executeUpdate(resubmitUpdate, { args: [{ attempt: 3 }] }).catch((error: unknown) => error);
        const answer = await handle.executeUpdate(resubmitUpdate, { args: [{ attempt: 2 }] });
        return { answer, wrong, result: await handle.result() };
      });
      expect(wrong).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(answer).toMatchObject({ attempt: 2 });
      expect(result).toMatchObject({ status: 'completed', decision: 'accepted', attempt: 2 });
      expect(stages.map((s) => [s.transition, s.round])).toEqual([
        ['submitted', 1],
        ['extracting', 1],
        ['unreadable', 1],
        ['completed', 1],
        ['resubmitted', 2],
        ['extracting', 2],
        ['extracted', 2],
        ['analysed', 2],
        ['completed', 2],
      ]);
      const first = stages[3]!;
      expect(first).toMatchObject({ decision: 'rejected', resubmission: { final: false } });
      expect(Date.parse(first.resubmission!.until!) - Date.now()).toBeGreaterThan(WEEK - 60_000);
      expect(stages[4]).toMatchObject({ attempt: 2, stage: 'submitted' });
      // The last decision is final (no resubmission given), and every event went out in order.
      expect(stages.at(-1)!.resubmission).toBeUndefined();
      expect(delivered).toEqual(stages.flatMap((s, i) => (eventOf(s) ? [`whd_${i + 1}`] : [])));
    });

    it('makes the rejection final when no document comes within the window (a week, in moments), and then refuses one', async () => {
      const { stages, activities } = standIns([], readsFrom(99));
      const { result, late } = await withWorker(activities, async (taskQueue) => {
        const handle = await env.client.workflow.start(verificationWorkflow, { taskQueue, workflowId: `verification-${randomBytes(4).toString('hex')}`, args: [withResubmission()] });
        const result = await handle.result();
        return { result, late: await handle.executeUpdate(resubmitUpdate, { args: [{ attempt: 2 }] }).catch((error: unknown) => error) };
      });
      expect(result).toMatchObject({ status: 'completed', decision: 'rejected', attempt: 1 });
      expect(stages.map((s) => s.transition)).toEqual(['submitted', 'extracting', 'unreadable', 'completed', 'resubmissionClosed']);
      expect(stages.at(-1)).toMatchObject({ resubmission: { final: true }, stage: 'extracting' });
      expect(late).toBeInstanceOf(Error);
    });

    it("closes the window when the waiting run is cancelled (the Web UI's cancel): the rejection stands, final", async () => {
      const { stages, activities } = standIns([], readsFrom(99));
      const result = await withWorker(activities, async (taskQueue) => {
        const handle = await env.client.workflow.start(verificationWorkflow, { taskQueue, workflowId: `verification-${randomBytes(4).toString('hex')}`, args: [withResubmission()] });
        await waitFor(async () => stages.some((s) => s.transition === 'completed'));
        await handle.cancel();
        return handle.result();
      });
      expect(result).toMatchObject({ status: 'completed', decision: 'rejected' });
      expect(stages.map((s) => s.transition).slice(-2)).toEqual(['completed', 'resubmissionClosed']);
    });

    it('makes the last attempt final, and never waits after a rejection that is not retryable', async () => {
      const unreadable = standIns([], readsFrom(99));
      await withWorker(unreadable.activities, async (taskQueue) => {
        const handle = await env.client.workflow.start(verificationWorkflow, { taskQueue, workflowId: `verification-${randomBytes(4).toString('hex')}`, args: [withResubmission(2)] });
        await waitFor(async () => unreadable.stages.some((s) => s.transition === 'completed'));
        await handle.executeUpdate(resubmitUpdate, { args: [{ attempt: 2 }] });
        return handle.result();
      });
      const completions = unreadable.stages.filter((s) => s.transition === 'completed');
      expect(completions.map((s) => [s.round, s.resubmission?.final])).toEqual([
        [1, false],
        [2, undefined],
      ]);
      expect(unreadable.stages.at(-1)!.transition).toBe('completed');

      const forged = standIns([{ code: 'mrz_check_digit_invalid', result: 'fail' }]);
      expect(await run(forged.activities, withResubmission())).toMatchObject({ decision: 'rejected', reasons: [{ code: 'mrz_check_digit_invalid', retryable: false }] });
      expect(forged.stages.at(-1)).toMatchObject({ transition: 'completed' });
      expect(forged.stages.at(-1)!.resubmission).toBeUndefined();
    });
  });

  describe('reopening', () => {
    const workflowId = () => `verification-${randomBytes(4).toString('hex')}`;

    it('reopens a rejection waiting for a new document: the window closes, an analyst decides again, cancelling is refused meanwhile', async () => {
      const unreadable = async () => ({ readable: false, source: null, confidence: 0 });
      const { stages, activities } = standIns([], unreadable);
      const { reopened, refusedCancel, lateDocument, decided } = await withWorker(activities, async (taskQueue) => {
        const handle = await env.client.workflow.start(verificationWorkflow, {
          taskQueue,
          workflowId: workflowId(),
          args: [{ ...input(), resubmission: { windowMs: 7 * 24 * 3600 * 1000, maxAttempts: 3 } }],
        });
        await waitFor(async () => stages.some((s) => s.transition === 'completed'));
        const reopened = await handle.executeUpdate(reopenUpdate, { args: [{ reason: 'suspected_fraud', note: 'same face, other name', analystId: 'key_a' }] });
        const refusedCancel = await handle.executeUpdate(cancelUpdate).catch((error: unknown) => error);
        const again = await handle.executeUpdate(reopenUpdate, { args: [{ reason: 'suspected_fraud' }] }).catch((error: unknown) => error);
        expect(again).toBeInstanceOf(WorkflowUpdateFailedError);
        const lateDocument = await handle.executeUpdate(resubmitUpdate, { args: [{ attempt: 2 }] }).catch((error: unknown) => error);
        const decided = await handle.executeUpdate(submitReviewUpdate, { args: [{ decision: 'rejected', reason: 'suspected_forgery', analystId: 'key_b' }] });
        await handle.result();
        return { reopened, refusedCancel, lateDocument, decided };
      });
      expect(reopened).toMatchObject({ status: 'awaiting_review', decision: null, reasons: [{ code: 'suspected_fraud', retryable: false }] });
      expect(refusedCancel).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(lateDocument).toBeInstanceOf(WorkflowUpdateFailedError);
      expect(decided).toMatchObject({ status: 'completed', decision: 'rejected', reasons: [{ code: 'suspected_forgery' }, { code: 'suspected_fraud' }] });
      expect(stages.map((s) => [s.transition, s.round])).toEqual([
        ['submitted', 1],
        ['extracting', 1],
        ['unreadable', 1],
        ['completed', 1],
        ['resubmissionClosed', 1],
        ['reopened', 2],
        ['completed', 2],
      ]);
      expect(stages[5]!.review).toMatchObject({ reopened: { reason: 'suspected_fraud', note: 'same face, other name', analystId: 'key_a' } });
      expect(stages[6]).toMatchObject({ review: { decision: 'rejected', analystId: 'key_b', reopened: { reason: 'suspected_fraud' } } });
      expect(stages[6]!.resubmission).toBeUndefined();
    });

    it('a run started to reopen records nothing until its reopen Update, then reviews in the next round (and times out like any review)', async () => {
      const { stages, activities } = standIns([]);
      const result = await withWorker(activities, async (taskQueue) => {
        const handle = await env.client.workflow.start(verificationWorkflow, { taskQueue, workflowId: workflowId(), args: [{ ...input(), reopened: { round: 3, attempt: 2 } }] });
        expect(await handle.query(getStatusQuery)).toMatchObject({ status: 'completed', attempt: 2 });
        expect(stages).toEqual([]);
        const bad = await handle.executeUpdate(reopenUpdate, { args: [{ reason: 'Not A Code' }] }).catch((error: unknown) => error);
        expect(bad).toBeInstanceOf(WorkflowUpdateFailedError);
        await handle.executeUpdate(reopenUpdate, { args: [{ reason: 'customer_complaint' }] });
        return handle.result();
      });
      expect(stages.map((s) => [s.transition, s.round, s.stage])).toEqual([
        ['reopened', 4, 'awaiting_review'],
        ['completed', 4, 'awaiting_review'],
      ]);
      expect(result).toMatchObject({ decision: 'review_required', reasons: [{ code: 'review_timeout' }, { code: 'customer_complaint' }] });
    });

    it('refuses to reopen a verification that is not decided yet', async () => {
      const { activities } = standIns(doubtful);
      const refused = await withWorker(activities, async (taskQueue) => {
        const handle = await env.client.workflow.start(verificationWorkflow, { taskQueue, workflowId: workflowId(), args: [input()] });
        await waitFor(async () => (await handle.query(getStatusQuery)).status === 'awaiting_review');
        const refused = await handle.executeUpdate(reopenUpdate, { args: [{ reason: 'suspected_fraud' }] }).catch((error: unknown) => error);
        await handle.executeUpdate(cancelUpdate);
        await handle.result();
        return refused;
      });
      expect(refused).toBeInstanceOf(WorkflowUpdateFailedError);
    });
  });

  it('purges in batches, continues as new when many are due, and skips (and reports) one it cannot erase', async () => {
    const due = Array.from({ length: 25 }, (_, i) => `ver_${String(i).padStart(2, '0')}`);
    const erased: string[] = [];
    const lists: Array<{ limit: number; skip: string[] }> = [];
    const { activities } = standIns([]);
    activities.listExpiredVerifications = async ({ limit, skip = [] }) => {
      lists.push({ limit, skip });
      return due.filter((id) => !erased.includes(id) && !skip.includes(id)).slice(0, limit);
    };
    activities.eraseExpiredVerification = async (id) => {
      if (id === 'ver_07') throw ApplicationFailure.nonRetryable('cannot erase', 'Broken');
      erased.push(id);
    };
    const result = await withWorker(activities, (taskQueue) =>
      env.client.workflow.execute(retentionPurgeWorkflow, { taskQueue, workflowId: `purge-${randomBytes(4).toString('hex')}`, args: [{ retentionDays: 90, batchSize: 2 }] }),
    );
    expect(result).toEqual({ erased: 24, skipped: 1 });
    expect([...erased].sort()).toEqual(due.filter((id) => id !== 'ver_07'));
    // Ten batches in the first run, the rest after continue-as-new, which carried the skipped id along.
    expect(lists.length).toBeGreaterThan(10);
    expect(lists.at(-1)!.skip).toEqual(['ver_07']);
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
