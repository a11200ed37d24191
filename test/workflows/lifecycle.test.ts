import { Webhook } from 'standardwebhooks';
import { workflowIdFor } from '../../domain/temporal';
import { reviewDecisionSignal } from '../../workflows';
import { APPLICANT, forgedBirthDateMrz, passportMrz } from '../helpers/documents';
import { startReceiver } from '../helpers/receiver';
import { useSystemWithReceiver } from '../helpers/harness';
import { startTestSystem } from '../helpers/system';

interface Received {
  type: string;
  data: { verificationId: string; sequence: number; status: string; decision?: string; reasons?: Array<{ code: string; retryable: boolean }> };
}

describe('the verification lifecycle end to end', () => {
  const h = useSystemWithReceiver({ REVIEW_DEADLINE_MS: String(60 * 60 * 1000) });
  let analystKey: string;
  beforeAll(async () => {
    analystKey = await h.system.createAnalyst();
  });

  async function submit(body: Record<string, unknown>, key = h.tenant.apiKey): Promise<string> {
    const response = await h.system.api(key, 'POST', '/v1/verifications', { documentType: 'passport', callbackUrl: h.receiver.url, ...body });
    expect(response.status).toBe(202);
    return response.body.id;
  }

  /** Verified, in arrival order. */
  async function webhooks(count: number, secret = h.tenant.signingSecret): Promise<Received[]> {
    const requests = await h.receiver.waitFor(count);
    return requests.map((request) => new Webhook(secret).verify(request.body, request.headers) as Received);
  }

  it('accepts a genuine document: every stage is a webhook, in order, and the decision is stored', async () => {
    const id = await submit({ mrz: passportMrz(), applicant: APPLICANT, reference: 'acc-1' });
    const events = await webhooks(4);
    expect(events.map((e) => [e.type, e.data.sequence])).toEqual([
      ['verification.submitted', 1],
      ['verification.extraction_completed', 2],
      ['verification.authenticity_completed', 3],
      ['verification.completed', 4],
    ]);
    expect(events[3]!.data).toMatchObject({ verificationId: id, status: 'completed', decision: 'accepted', reasons: [] });

    const verification = await h.system.waitForStatus(h.tenant.apiKey, id, ['completed']);
    expect(verification).toMatchObject({ decision: 'accepted', stage: 'checking_authenticity', extraction: { source: 'mrz_text', fields: { lastName: 'LINDQVIST' } } });
    expect(verification.checks.every((c: { result: string }) => c.result === 'pass')).toBe(true);
    expect(verification.completedAt).not.toBeNull();

    const description = await h.system.temporal.workflow.getHandle(workflowIdFor(id)).describe();
    const attributes = Object.fromEntries(description.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]));
    expect(attributes).toMatchObject({ KycStage: 'completed', KycDecision: 'accepted', KycClientId: h.tenant.id });
    expect(await description.memo).toMatchObject({ reference: 'acc-1' });
    expect(JSON.stringify(attributes)).not.toContain('LINDQVIST');
  });

  it('rejects a forged check digit with mrz_check_digit_invalid, final (not retryable)', async () => {
    const id = await submit({ mrz: forgedBirthDateMrz() });
    const events = await webhooks(4);
    expect(events[3]).toMatchObject({ type: 'verification.completed', data: { decision: 'rejected' } });
    expect(events[3]!.data.reasons).toEqual([expect.objectContaining({ code: 'mrz_check_digit_invalid', retryable: false })]);
    const verification = await h.system.waitForStatus(h.tenant.apiKey, id, ['completed']);
    expect(verification.reasons[0].code).toBe('mrz_check_digit_invalid');
  });

  it('rejects a document number already used by a different person as duplicate_document', async () => {
    const other = await h.system.createTenant('Duplicates Ltd');
    const first = await submit({ mrz: passportMrz({ documentNumber: 'DP1234567' }) }, other.apiKey);
    expect((await h.system.waitForStatus(other.apiKey, first, ['completed'])).decision).toBe('accepted');
    const second = await submit({ mrz: passportMrz({ documentNumber: 'DP1234567', lastName: 'IMPOSTOR', birthDate: '1979-01-02' }) }, other.apiKey);
    const verification = await h.system.waitForStatus(other.apiKey, second, ['completed']);
    expect(verification).toMatchObject({ decision: 'rejected', reasons: [{ code: 'duplicate_document', retryable: false }] });
  });

  it('rejects an unreadable document as retryable', async () => {
    const id = await submit({ mrz: 'THIS IS NOT A MACHINE READABLE ZONE AT ALL <<<<<<<<' });
    const verification = await h.system.waitForStatus(h.tenant.apiKey, id, ['completed']);
    expect(verification).toMatchObject({ decision: 'rejected', reasons: [{ code: 'document_unreadable', retryable: true }] });
  });

  it('routes a doubtful case to an analyst, who accepts it through the API', async () => {
    const id = await submit({ mrz: passportMrz(), applicant: { ...APPLICANT, lastName: 'Andersson' } });
    const awaiting = await h.system.waitForStatus(h.tenant.apiKey, id, ['awaiting_review']);
    expect(awaiting.reasons).toEqual([expect.objectContaining({ code: 'applicant_mismatch' })]);
    expect(awaiting.review.deadline).toBeDefined();

    const queue = await h.system.api(analystKey, 'GET', '/v1/reviews');
    expect(queue.status).toBe(200);
    expect(queue.body.data.map((v: { id: string }) => v.id)).toContain(id);

    const forbidden = await h.system.api(h.tenant.apiKey, 'POST', `/v1/verifications/${id}/review`, { decision: 'accepted', reason: 'name_change_documented' });
    expect(forbidden.status).toBe(403);
    expect(forbidden.body.error.code).toBe('forbidden');
    const malformed = await h.system.api(analystKey, 'POST', `/v1/verifications/${id}/review`, { decision: 'perhaps' });
    expect(malformed.status).toBe(400);

    const reviewed = await h.system.api(analystKey, 'POST', `/v1/verifications/${id}/review`, { decision: 'accepted', reason: 'name_change_documented', note: 'married name' });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body).toMatchObject({ status: 'completed', decision: 'accepted', review: { decision: 'accepted', reason: 'name_change_documented' } });

    const events = await webhooks(5);
    expect(events.map((e) => e.type)).toEqual([
      'verification.submitted',
      'verification.extraction_completed',
      'verification.authenticity_completed',
      'verification.review_started',
      'verification.completed',
    ]);
    const again = await h.system.api(analystKey, 'POST', `/v1/verifications/${id}/review`, { decision: 'rejected', reason: 'late' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('not_awaiting_review');
  });

  it('lets an analyst reject through the API, and the reviewDecision signal works too', async () => {
    const viaApi = await submit({ mrz: passportMrz(), applicant: { ...APPLICANT, dateOfBirth: '1990-01-01' } });
    await h.system.waitForStatus(h.tenant.apiKey, viaApi, ['awaiting_review']);
    const rejected = await h.system.api(analystKey, 'POST', `/v1/verifications/${viaApi}/review`, { decision: 'rejected', reason: 'photo_mismatch' });
    expect(rejected.body).toMatchObject({ decision: 'rejected', reasons: [{ code: 'photo_mismatch', retryable: false }, { code: 'applicant_mismatch' }] });

    const viaSignal = await submit({ mrz: passportMrz(), applicant: { ...APPLICANT, nationality: 'XXA' } });
    await h.system.waitForStatus(h.tenant.apiKey, viaSignal, ['awaiting_review']);
    await h.system.temporal.workflow.getHandle(workflowIdFor(viaSignal)).signal(reviewDecisionSignal, { decision: 'accepted', reason: 'document_genuine' });
    expect(await h.system.waitForStatus(h.tenant.apiKey, viaSignal, ['completed'])).toMatchObject({ decision: 'accepted' });
  });

  it('cancels while awaiting review, tells the client, and refuses to cancel once decided', async () => {
    const id = await submit({ mrz: passportMrz(), applicant: { ...APPLICANT, lastName: 'Other' } });
    await h.system.waitForStatus(h.tenant.apiKey, id, ['awaiting_review']);
    const cancelled = await h.system.api(h.tenant.apiKey, 'POST', `/v1/verifications/${id}/cancel`);
    expect(cancelled.status).toBe(202);
    expect(cancelled.body.status).toBe('cancelled');
    expect(cancelled.body.stage).toBe('awaiting_review');
    const events = await webhooks(5);
    expect(events[4]).toMatchObject({ type: 'verification.cancelled', data: { sequence: 5, status: 'cancelled' } });

    const again = await h.system.api(h.tenant.apiKey, 'POST', `/v1/verifications/${id}/cancel`);
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('verification_completed');
    const review = await h.system.api(analystKey, 'POST', `/v1/verifications/${id}/review`, { decision: 'accepted', reason: 'too_late' });
    expect(review.status).toBe(409);
  });

  it('skips manual review for a client that opted out: review_required at once', async () => {
    const optedOut = await h.system.createTenant('No review Ltd', { skipManualReview: true });
    const id = await submit({ mrz: passportMrz(), applicant: { ...APPLICANT, lastName: 'Someone' } }, optedOut.apiKey);
    const verification = await h.system.waitForStatus(optedOut.apiKey, id, ['completed']);
    expect(verification).toMatchObject({ decision: 'review_required', reasons: [{ code: 'applicant_mismatch' }] });
    const events = await webhooks(4, optedOut.signingSecret);
    expect(events.map((e) => e.type)).not.toContain('verification.review_started');
  });

  it('lists verifications with filters and cursor pagination, newest first', async () => {
    const other = await h.system.createTenant('Lister');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await submit({ mrz: passportMrz(), reference: `list-${i}` }, other.apiKey));
    const first = await h.system.api(other.apiKey, 'GET', '/v1/verifications?limit=2');
    expect(first.body.data.map((v: { id: string }) => v.id)).toEqual([ids[2], ids[1]]);
    expect(first.body.hasMore).toBe(true);
    const second = await h.system.api(other.apiKey, 'GET', `/v1/verifications?limit=2&cursor=${first.body.nextCursor}`);
    expect(second.body.data.map((v: { id: string }) => v.id)).toEqual([ids[0]]);
    expect(second.body.hasMore).toBe(false);
    const byReference = await h.system.api(other.apiKey, 'GET', '/v1/verifications?reference=list-1');
    expect(byReference.body.data.map((v: { id: string }) => v.id)).toEqual([ids[1]]);
    const bad = await h.system.api(other.apiKey, 'GET', '/v1/verifications?status=sleeping');
    expect(bad.status).toBe(400);
  });
});

describe('review deadline', () => {
  it('completes as review_required with review_timeout when no analyst answers in time', async () => {
    const system = await startTestSystem({ REVIEW_DEADLINE_MS: '1500' });
    const receiver = await startReceiver();
    try {
      const tenant = await system.createTenant();
      const created = await system.api(tenant.apiKey, 'POST', '/v1/verifications', {
        documentType: 'passport',
        mrz: passportMrz(),
        applicant: { ...APPLICANT, lastName: 'Late' },
        callbackUrl: receiver.url,
      });
      const verification = await system.waitForStatus(tenant.apiKey, created.body.id, ['completed']);
      expect(verification.decision).toBe('review_required');
      expect(verification.reasons[0]).toEqual({ code: 'review_timeout', retryable: false });
      const last = (await receiver.waitFor(5))[4]!;
      expect(JSON.parse(last.body)).toMatchObject({ type: 'verification.completed', data: { decision: 'review_required' } });
    } finally {
      await receiver.close();
      await system.stop();
    }
  });
});
