import { Webhook } from 'standardwebhooks';
import { buildTd3 } from '../../documents/mrz/build';
import { renderDocument } from '../../corpus/render';
import { APPLICANT, PERSON } from '../helpers/documents';
import { useSystemWithReceiver } from '../helpers/harness';

/** Real images through the real pipeline: OCR on the documents task queue, checks, decision, webhooks. */
describe('the document engine in the workflow', () => {
  const h = useSystemWithReceiver();

  async function submitImage(png: Buffer, applicant: Record<string, string> = APPLICANT): Promise<string> {
    const response = await h.system.api(h.tenant.apiKey, 'POST', '/v1/verifications', {
      documentType: 'passport',
      images: [png.toString('base64')],
      applicant,
      callbackUrl: h.receiver.url,
    });
    expect(response.status).toBe(202);
    return response.body.id;
  }

  it('reads a genuine passport image and accepts it', async () => {
    const id = await submitImage(renderDocument({ kind: 'passport', person: PERSON }));
    const verification = await h.system.waitForStatus(h.tenant.apiKey, id, ['completed'], 60_000);
    expect(verification.decision).toBe('accepted');
    expect(verification.extraction).toMatchObject({ source: 'ocr', format: 'TD3', fields: { documentNumber: 'K4T7Q92M1', lastName: 'LINDQVIST', birthDate: '1988-03-14' } });
  }, 90_000);

  it('reads an ID card sent as front and back, the MRZ on the back', async () => {
    const card = { ...PERSON, documentNumber: 'ZR81F03X2' };
    const [front, back] = (['front', 'back'] as const).map((side) => renderDocument({ kind: 'id_card', person: card, side }).toString('base64'));
    const response = await h.system.api(h.tenant.apiKey, 'POST', '/v1/verifications', {
      documentType: 'id_card',
      images: { front, back },
      applicant: APPLICANT,
      callbackUrl: h.receiver.url,
    });
    expect(response.status).toBe(202);
    const verification = await h.system.waitForStatus(h.tenant.apiKey, response.body.id, ['completed'], 60_000);
    expect(verification.decision).toBe('accepted');
    expect(verification.extraction).toMatchObject({ source: 'ocr', format: 'TD1', fields: { documentNumber: 'ZR81F03X2', lastName: 'LINDQVIST' } });
  }, 90_000);

  it('rejects a forged check digit with mrz_check_digit_invalid, through the API and in the completed webhook', async () => {
    const [line1, line2] = buildTd3(PERSON);
    const forged = line2.slice(0, 9) + String((Number(line2[9]) + 3) % 10) + line2.slice(10);
    const id = await submitImage(renderDocument({ kind: 'passport', person: PERSON, mrzLines: [line1, forged] }));
    const verification = await h.system.waitForStatus(h.tenant.apiKey, id, ['completed'], 60_000);
    expect(verification.decision).toBe('rejected');
    expect(verification.reasons.map((r: { code: string }) => r.code)).toContain('mrz_check_digit_invalid');

    const requests = await h.receiver.waitFor(4, 30_000);
    const completed = requests.map((r) => new Webhook(h.tenant.signingSecret).verify(r.body, r.headers) as any).find((e) => e.type === 'verification.completed');
    expect(completed.data.decision).toBe('rejected');
    expect(completed.data.reasons).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'mrz_check_digit_invalid', retryable: false })]));
    expect(JSON.stringify(completed)).not.toContain('LINDQVIST');
  }, 90_000);

  it('sends a blurred image to review with image_quality_low', async () => {
    const id = await submitImage(renderDocument({ kind: 'passport', person: PERSON, blur: 1.5 }));
    const verification = await h.system.waitForStatus(h.tenant.apiKey, id, ['awaiting_review'], 60_000);
    expect(verification.reasons).toEqual([expect.objectContaining({ code: 'image_quality_low', retryable: true })]);
  }, 90_000);

  it('rejects a corrupt image (PNG signature, garbage after it) as document_unreadable', async () => {
    const corrupt = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2000, 7)]);
    const id = await submitImage(corrupt);
    const verification = await h.system.waitForStatus(h.tenant.apiKey, id, ['completed'], 60_000);
    expect(verification).toMatchObject({ decision: 'rejected', reasons: [{ code: 'document_unreadable', retryable: true }] });
  }, 90_000);

  it('rejects an image without a readable MRZ as document_unreadable, retryable', async () => {
    const id = await submitImage(renderDocument({ kind: 'passport', person: PERSON, mrzLines: ['THIS PAGE HAS NO', 'MACHINE READABLE ZONE'] }));
    const verification = await h.system.waitForStatus(h.tenant.apiKey, id, ['completed'], 60_000);
    expect(verification).toMatchObject({ decision: 'rejected', reasons: [{ code: 'document_unreadable', retryable: true }] });
  }, 90_000);
});
