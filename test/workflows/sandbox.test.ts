import { issueApiKey } from '../../db/repositories/clients';
import { PNG_1PX, passportMrz } from '../helpers/documents';
import { useSystemWithReceiver, verificationsOf } from '../helpers/harness';
import { startReceiver } from '../helpers/receiver';
import { eventually } from '../helpers/wait';

interface Received {
  type: string;
  data: { verificationId: string; sequence: number; livemode: boolean; status: string; decision?: string; final?: boolean; reasons?: Array<{ code: string; retryable: boolean }> };
}

/**
 * The sandbox end to end (issue 14 part 4): a test key's verifications never run OCR, take the
 * outcome the request chose through the real workflow and real signed webhooks, and never mix
 * with live data.
 */
describe('the sandbox: test keys and forced outcomes', () => {
  const h = useSystemWithReceiver({ REVIEW_DEADLINE_MS: String(60 * 60 * 1000) });
  const { webhooks } = verificationsOf<Received>(h);
  let testKey: string;
  beforeAll(async () => {
    testKey = (await issueApiKey(h.system.database.db, { role: 'client', clientId: h.tenant.id, name: 'sandbox', test: true })).key;
  });

  const create = (key: string, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    h.system.api(key, 'POST', '/v1/verifications', { documentType: 'passport', callbackUrl: h.receiver.url, images: { front: PNG_1PX }, ...body }, headers);

  it('rejects as asked, with every webhook signed and marked livemode: false, and never reads the image', async () => {
    expect(testKey).toMatch(/^kyc_test_/);
    const created = await create(testKey, { sandbox: { decision: 'rejected', reasons: ['document_expired', 'underage'] } });
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ livemode: false, sandbox: { decision: 'rejected', reasons: ['document_expired', 'underage'] } });
    const events = await webhooks(4);
    expect(events.map((e) => [e.type, e.data.livemode])).toEqual([
      ['verification.submitted', false],
      ['verification.extraction_completed', false],
      ['verification.authenticity_completed', false],
      ['verification.completed', false],
    ]);
    expect(events[3]!.data).toMatchObject({ decision: 'rejected', final: true, reasons: [{ code: 'document_expired', retryable: true }, { code: 'underage', retryable: false }] });
    const verification = await h.system.waitForStatus(testKey, created.body.id, ['completed']);
    expect(verification.extraction).toBeNull();
    expect(verification.checks.filter((c: { result: string }) => c.result === 'fail').map((c: { code: string }) => c.code)).toEqual(['document_expired', 'underage']);
  });

  it('sends a case to review, which the test key decides itself (analysts never see it)', async () => {
    // A bare decision is short for {decision}.
    const created = await create(testKey, { sandbox: 'review' });
    const id = created.body.id;
    await h.system.waitForStatus(testKey, id, ['awaiting_review']);
    const analyst = await h.system.createAnalyst();
    expect((await h.system.api(analyst, 'GET', '/v1/reviews')).body.data.map((v: { id: string }) => v.id)).not.toContain(id);
    // A live client key cannot decide; the test key can, for its own sandbox case.
    expect((await h.system.api(h.tenant.apiKey, 'POST', `/v1/verifications/${id}/review`, { decision: 'accepted', reason: 'document_genuine' })).status).toBe(403);
    const decided = await h.system.api(testKey, 'POST', `/v1/verifications/${id}/review`, { decision: 'accepted', reason: 'document_genuine' });
    expect(decided.status).toBe(200);
    expect(decided.body).toMatchObject({ status: 'completed', decision: 'accepted', livemode: false });
    const types = (await webhooks(5)).map((e) => e.type);
    expect(types).toEqual(['verification.submitted', 'verification.extraction_completed', 'verification.authenticity_completed', 'verification.review_started', 'verification.completed']);
  });

  it('accepts without a sandbox field, and makes document_unreadable an unreadable document', async () => {
    const accepted = await create(testKey, {});
    expect(await h.system.waitForStatus(testKey, accepted.body.id, ['completed'])).toMatchObject({ decision: 'accepted', sandbox: { decision: 'accepted' } });
    const unreadable = await create(testKey, { sandbox: { decision: 'rejected', reasons: ['document_unreadable'] } });
    expect(await h.system.waitForStatus(testKey, unreadable.body.id, ['completed'])).toMatchObject({ decision: 'rejected', reasons: [{ code: 'document_unreadable' }], final: false });
    // A new document may take another outcome: the resubmission flow, sandboxed.
    const again = await h.system.api(testKey, 'POST', `/v1/verifications/${unreadable.body.id}/documents`, { images: [PNG_1PX], sandbox: 'accepted' });
    expect(again.status).toBe(202);
    await eventually(async () => (await h.system.api(testKey, 'GET', `/v1/verifications/${unreadable.body.id}`)).body.decision === 'accepted', 20_000, 'the second attempt');
  });

  it('keeps live and test data apart: verifications, lists, endpoints, events and idempotency keys', async () => {
    const liveHook = await startReceiver();
    const testHook = await startReceiver();
    try {
      const liveEndpoint = await h.system.api(h.tenant.apiKey, 'POST', '/v1/webhook-endpoints', { url: liveHook.url });
      const testEndpoint = await h.system.api(testKey, 'POST', '/v1/webhook-endpoints', { url: testHook.url });
      expect([liveEndpoint.body.livemode, testEndpoint.body.livemode]).toEqual([true, false]);
      expect((await h.system.api(testKey, 'GET', `/v1/webhook-endpoints/${liveEndpoint.body.id}`)).status).toBe(404);
      expect((await h.system.api(h.tenant.apiKey, 'GET', '/v1/webhook-endpoints')).body.data.map((e: { id: string }) => e.id)).toEqual([liveEndpoint.body.id]);

      // The same Idempotency-Key in each mode: two verifications.
      const live = await create(h.tenant.apiKey, { images: undefined, mrz: passportMrz() }, { 'Idempotency-Key': 'order-77' });
      const test = await create(testKey, {}, { 'Idempotency-Key': 'order-77' });
      expect(live.body.id).not.toBe(test.body.id);
      expect([live.body.livemode, test.body.livemode]).toEqual([true, false]);

      await h.system.waitForStatus(h.tenant.apiKey, live.body.id, ['completed']);
      await h.system.waitForStatus(testKey, test.body.id, ['completed']);
      const liveIds = (await liveHook.waitFor(4)).map((r) => JSON.parse(r.body).data.verificationId as string);
      const testIds = (await testHook.waitFor(4)).map((r) => JSON.parse(r.body).data.verificationId as string);
      expect(new Set(liveIds)).toEqual(new Set([live.body.id]));
      expect(new Set(testIds)).toEqual(new Set([test.body.id]));

      // Neither mode sees the other's verifications or events.
      expect((await h.system.api(testKey, 'GET', `/v1/verifications/${live.body.id}`)).status).toBe(404);
      expect((await h.system.api(h.tenant.apiKey, 'GET', `/v1/verifications/${test.body.id}`)).status).toBe(404);
      const listed = (await h.system.api(testKey, 'GET', '/v1/verifications?limit=100')).body.data as Array<{ livemode: boolean }>;
      expect(listed.every((v) => v.livemode === false)).toBe(true);
      const testEvent = (await h.system.api(testKey, 'GET', `/v1/verifications/${test.body.id}/events`)).body.data[0].id;
      expect((await h.system.api(h.tenant.apiKey, 'POST', `/v1/events/${testEvent}/resend`)).status).toBe(404);
    } finally {
      await liveHook.close();
      await testHook.close();
    }
  });

  it('refuses a sandbox outcome from a live key, and an outcome that does not add up', async () => {
    const live = await create(h.tenant.apiKey, { sandbox: { decision: 'rejected' } });
    expect([live.status, live.body.error.code, live.body.error.details[0].path]).toEqual([400, 'validation_failed', 'sandbox']);
    const bad = await create(testKey, { sandbox: { decision: 'accepted', reasons: ['underage'] } });
    expect([bad.status, bad.body.error.code]).toEqual([400, 'validation_failed']);
    const unknown = await create(testKey, { sandbox: { decision: 'rejected', reasons: ['not_a_check'] } });
    expect([unknown.status, unknown.body.error.code]).toEqual([400, 'validation_failed']);
  });
});
