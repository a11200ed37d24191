import { workflowIdFor } from '../../domain/temporal';
import { passportMrz } from '../helpers/documents';
import { useSystemWithReceiver, verificationsOf } from '../helpers/harness';
import { startTestSystem } from '../helpers/system';

interface Received {
  type: string;
  data: { verificationId: string; sequence: number; status: string; decision?: string; final?: boolean; supersedes?: string; reasons?: Array<{ code: string; retryable: boolean }> };
}

/**
 * Reopening end to end (issue 14 part 2): an analyst sends a decided verification back to review
 * (update-with-start: a new run under the same workflow id once the first has closed, or the open
 * run); the new decision supersedes the old one, and the client hears both.
 */
describe('reopening a decided verification', () => {
  const h = useSystemWithReceiver({ REVIEW_DEADLINE_MS: String(60 * 60 * 1000) });
  let analyst: string;
  beforeAll(async () => {
    analyst = await h.system.createAnalyst();
  });

  const { submit, webhooks } = verificationsOf<Received>(h);

  it('reopens an accepted verification whose run has closed; the analyst rejects it and the new decision supersedes the first', async () => {
    const id = await submit({ mrz: passportMrz(), reference: 'reopen-1' });
    await webhooks(4);
    const workflow = h.system.temporal.workflow.getHandle(workflowIdFor(id));
    await workflow.result();
    const firstRun = (await workflow.describe()).runId;

    const reopened = await h.system.api(analyst, 'POST', `/v1/verifications/${id}/reopen`, { reason: 'suspected_fraud', note: 'the same face under another name' });
    expect(reopened.status).toBe(200);
    expect(reopened.body).toMatchObject({ status: 'awaiting_review', decision: null, final: null, reasons: [{ code: 'suspected_fraud', retryable: false }] });
    expect(reopened.body.review).toMatchObject({ reopened: { reason: 'suspected_fraud', note: 'the same face under another name', analystName: expect.any(String) } });
    // A second run under the same workflow id: the Web UI shows both.
    expect((await workflow.describe()).runId).not.toBe(firstRun);

    const queue = await h.system.api(analyst, 'GET', '/v1/reviews');
    expect(queue.body.data.map((v: { id: string }) => v.id)).toContain(id);
    const again = await h.system.api(analyst, 'POST', `/v1/verifications/${id}/reopen`, { reason: 'suspected_fraud' });
    expect([again.status, again.body.error.code]).toEqual([409, 'verification_not_reopenable']);

    const decided = await h.system.api(analyst, 'POST', `/v1/verifications/${id}/review`, { decision: 'rejected', reason: 'suspected_forgery' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'completed', decision: 'rejected', final: true });

    const events = await webhooks(6);
    expect(events.slice(4).map((e) => [e.type, e.data.sequence, e.data.status])).toEqual([
      ['verification.reopened', 5, 'awaiting_review'],
      ['verification.completed', 6, 'completed'],
    ]);
    expect(events[4]!.data.reasons).toEqual([{ code: 'suspected_fraud', retryable: false }]);
    const timeline = (await h.system.api(h.tenant.apiKey, 'GET', `/v1/verifications/${id}/events`)).body.data as Array<{ id: string; type: string }>;
    expect(timeline.map((e) => e.type)).toEqual([
      'verification.submitted',
      'verification.extraction_completed',
      'verification.authenticity_completed',
      'verification.completed',
      'verification.reopened',
      'verification.completed',
    ]);
    expect(events[3]!.data.supersedes).toBeUndefined();
    expect(events[5]!.data).toMatchObject({ decision: 'rejected', final: true, supersedes: timeline[3]!.id });
    expect(events[5]!.data.reasons!.map((r) => r.code)).toEqual(['suspected_forgery', 'suspected_fraud']);

    const audit = await h.system.api(await h.system.createAdmin(), 'GET', `/v1/audit-events?verificationId=${id}&action=case.reopened`);
    expect(audit.body.data).toHaveLength(1);
  });

  it('reopens a rejection still waiting for a new document (the open run): its window closes', async () => {
    const id = await submit({ mrz: 'THIS IS NOT A MACHINE READABLE ZONE AT ALL <<<<<<<<' });
    await webhooks(3);
    expect((await h.system.api(analyst, 'POST', `/v1/verifications/${id}/reopen`, { reason: 'customer_complaint' })).status).toBe(200);
    const document = await h.system.api(h.tenant.apiKey, 'POST', `/v1/verifications/${id}/documents`, { mrz: passportMrz() });
    expect([document.status, document.body.error.code]).toEqual([409, 'verification_not_resubmittable']);
    expect((await webhooks(4))[3]).toMatchObject({ type: 'verification.reopened', data: { sequence: 4 } });
  });

  it('refuses clients, undecided verifications and bad reasons', async () => {
    const id = await submit({ mrz: passportMrz(), applicant: { lastName: 'Someone Else' } });
    await h.system.waitForStatus(h.tenant.apiKey, id, ['awaiting_review']);
    const undecided = await h.system.api(analyst, 'POST', `/v1/verifications/${id}/reopen`, { reason: 'suspected_fraud' });
    expect([undecided.status, undecided.body.error.code]).toEqual([409, 'verification_not_reopenable']);
    expect((await h.system.api(h.tenant.apiKey, 'POST', `/v1/verifications/${id}/reopen`, { reason: 'suspected_fraud' })).status).toBe(403);
    const bad = await h.system.api(analyst, 'POST', `/v1/verifications/${id}/reopen`, { reason: 'Suspected Fraud!' });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'validation_failed']);
    expect((await h.system.api(analyst, 'POST', '/v1/verifications/ver_00000000000000000000000000/reopen', { reason: 'suspected_fraud' })).status).toBe(404);
  });
});

describe('reopening after REOPEN_WINDOW_DAYS', () => {
  it('is refused', async () => {
    const system = await startTestSystem({ REOPEN_WINDOW_DAYS: '0' });
    try {
      const tenant = await system.createTenant();
      const analyst = await system.createAnalyst();
      const created = await system.api(tenant.apiKey, 'POST', '/v1/verifications', { documentType: 'passport', mrz: passportMrz() });
      await system.waitForStatus(tenant.apiKey, created.body.id, ['completed']);
      const late = await system.api(analyst, 'POST', `/v1/verifications/${created.body.id}/reopen`, { reason: 'suspected_fraud' });
      expect([late.status, late.body.error.code]).toEqual([409, 'verification_not_reopenable']);
      expect(late.body.error.message).toMatch(/0 days/);
    } finally {
      await system.stop();
    }
  });
});
