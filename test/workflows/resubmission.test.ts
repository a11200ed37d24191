import { APPLICANT, forgedBirthDateMrz, passportMrz, PNG_1PX } from '../helpers/documents';
import { useSystemWithReceiver, verificationsOf } from '../helpers/harness';
import { multipartBody, rawRequest } from '../helpers/http';

interface Received {
  type: string;
  data: { verificationId: string; sequence: number; attempt: number; status: string; decision?: string; final?: boolean; resubmitUntil?: string; reasons?: Array<{ code: string; retryable: boolean }> };
}

const UNREADABLE_MRZ = 'THIS IS NOT A MACHINE READABLE ZONE AT ALL <<<<<<<<';

/**
 * Resubmission end to end (issue 14 part 1): a verification rejected for retryable reasons only
 * takes a new document through the API, is read again in the same workflow and decided again; the
 * client is told each step by signed webhooks.
 */
describe('resubmitting a document after a retryable rejection', () => {
  const h = useSystemWithReceiver({ MAX_ATTEMPTS: '2', RESUBMISSION_WINDOW_MS: String(7 * 24 * 3600 * 1000) });

  const { submit, webhooks } = verificationsOf<Received>(h);

  const resubmit = (id: string, body: unknown) => h.system.api(h.tenant.apiKey, 'POST', `/v1/verifications/${id}/documents`, body);

  it('resubmits after document_unreadable (multipart) and is accepted: the events of both attempts, in one sequence', async () => {
    const id = await submit({ images: { front: PNG_1PX }, reference: 'resubmit-1' });
    const first = await webhooks(3);
    expect(first.map((e) => e.type)).toEqual(['verification.submitted', 'verification.extraction_completed', 'verification.completed']);
    expect(first[2]!.data).toMatchObject({ decision: 'rejected', final: false, attempt: 1, reasons: [{ code: 'document_unreadable', retryable: true }] });
    const until = Date.parse(first[2]!.data.resubmitUntil!);
    expect(until - Date.now()).toBeGreaterThan(7 * 24 * 3600 * 1000 - 120_000);

    const rejected = await h.system.waitForStatus(h.tenant.apiKey, id, ['completed']);
    expect(rejected).toMatchObject({ decision: 'rejected', attempt: 1, final: false, resubmitUntil: new Date(until).toISOString() });
    const image = await fetch(`${h.system.baseUrl}/v1/verifications/${id}/documents/front`, { headers: { authorization: `Bearer ${h.tenant.apiKey}` } });
    expect([image.status, Buffer.from(await image.arrayBuffer()).toString('base64')]).toEqual([200, PNG_1PX]);

    // The new document as a multipart upload, like creation.
    const boundary = 'kycflow-resubmit';
    const response = await rawRequest(`${h.system.baseUrl}/v1/verifications/${id}/documents`, {
      body: multipartBody(boundary, [{ name: 'mrz', value: passportMrz() }]),
      headers: { authorization: `Bearer ${h.tenant.apiKey}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    });
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ id, attempt: 2, decision: null, final: null, reasons: [] });

    const all = await webhooks(7);
    expect(all.slice(3).map((e) => [e.type, e.data.sequence, e.data.attempt])).toEqual([
      ['verification.resubmitted', 4, 2],
      ['verification.extraction_completed', 5, 2],
      ['verification.authenticity_completed', 6, 2],
      ['verification.completed', 7, 2],
    ]);
    expect(all[6]!.data).toMatchObject({ decision: 'accepted', final: true, reasons: [] });
    expect(all[6]!.data).not.toHaveProperty('resubmitUntil');

    const accepted = await h.system.waitForStatus(h.tenant.apiKey, id, ['completed']);
    expect(accepted).toMatchObject({ decision: 'accepted', attempt: 2, final: true, resubmitUntil: null, extraction: { source: 'mrz_text' } });
    // The timeline keeps both decisions; the current attempt was sent as text, so it has no image.
    expect(accepted.events.map((e: { type: string }) => e.type).filter((t: string) => t === 'verification.completed')).toHaveLength(2);
    expect((await h.system.api(h.tenant.apiKey, 'GET', `/v1/verifications/${id}/documents/front`)).body.error.code).toBe('no_document_image');

    // Accepted: no more documents.
    const again = await resubmit(id, { mrz: passportMrz() });
    expect([again.status, again.body.error.code]).toEqual([409, 'verification_not_resubmittable']);
  });

  it('makes the last attempt final (MAX_ATTEMPTS) and refuses another document', async () => {
    const id = await submit({ mrz: UNREADABLE_MRZ });
    await webhooks(3);
    expect((await resubmit(id, { mrz: UNREADABLE_MRZ })).status).toBe(202);
    const events = await webhooks(6);
    expect(events.at(-1)!.data).toMatchObject({ decision: 'rejected', attempt: 2, final: true });
    const verification = await h.system.waitForStatus(h.tenant.apiKey, id, ['completed']);
    expect(verification).toMatchObject({ attempt: 2, final: true });
    const refused = await resubmit(id, { mrz: passportMrz() });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'verification_not_resubmittable']);
    expect(refused.body.error.message).toMatch(/final/);
  });

  it('refuses a document for a rejection that is not retryable, a running verification, bad input, and another client', async () => {
    const forged = await submit({ mrz: forgedBirthDateMrz() });
    await webhooks(4);
    expect(await h.system.waitForStatus(h.tenant.apiKey, forged, ['completed'])).toMatchObject({ decision: 'rejected', final: true });
    const refused = await resubmit(forged, { mrz: passportMrz() });
    expect([refused.status, refused.body.error.code]).toEqual([409, 'verification_not_resubmittable']);

    const doubtful = await submit({ mrz: passportMrz(), applicant: { ...APPLICANT, lastName: 'Other' } });
    await h.system.waitForStatus(h.tenant.apiKey, doubtful, ['awaiting_review']);
    const running = await resubmit(doubtful, { mrz: passportMrz() });
    expect([running.status, running.body.error.code]).toEqual([409, 'verification_not_resubmittable']);

    const unreadable = await submit({ mrz: UNREADABLE_MRZ });
    await h.system.waitForStatus(h.tenant.apiKey, unreadable, ['completed']);
    const empty = await resubmit(unreadable, {});
    expect([empty.status, empty.body.error.code]).toEqual([400, 'validation_failed']);
    const extra = await resubmit(unreadable, { mrz: passportMrz(), documentType: 'passport' });
    expect([extra.status, extra.body.error.code]).toEqual([400, 'validation_failed']);
    const notBase64 = await resubmit(unreadable, { images: ['***'] });
    expect(notBase64.status).toBe(400);

    const other = await h.system.createTenant('Someone Else');
    const foreign = await h.system.api(other.apiKey, 'POST', `/v1/verifications/${unreadable}/documents`, { mrz: passportMrz() });
    expect([foreign.status, foreign.body.error.code]).toEqual([404, 'not_found']);
    const analyst = await h.system.createAnalyst();
    expect((await h.system.api(analyst, 'POST', `/v1/verifications/${unreadable}/documents`, { mrz: passportMrz() })).status).toBe(403);

    // None of these took an attempt.
    expect((await h.system.api(h.tenant.apiKey, 'GET', `/v1/verifications/${unreadable}`)).body).toMatchObject({ attempt: 1, final: false });
  });
});
