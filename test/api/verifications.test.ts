import { PNG_1PX } from '../helpers/documents';
import { startTestSystem, type TestClient, type TestSystem } from '../helpers/system';

const MRZ = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10';

describe('POST /v1/verifications and GET /v1/verifications/:id', () => {
  let system: TestSystem;
  let alice: TestClient;
  let bob: TestClient;

  beforeAll(async () => {
    system = await startTestSystem({ MAX_DOCUMENT_BYTES: '2048' });
    alice = await system.createTenant('Alice Bank');
    bob = await system.createTenant('Bob Insurance');
  });
  afterAll(async () => {
    await system.stop();
  });

  it('needs a valid API key', async () => {
    const missing = await fetch(`${system.baseUrl}/v1/verifications/ver_x`);
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as any).error.code).toBe('unauthenticated');
    const wrong = await system.api('kyc_client_not-a-real-key', 'GET', '/v1/verifications/ver_x');
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthenticated');
  });

  it.each([
    ['malformed JSON', '{"documentType": "passport",', 400, 'invalid_json'],
    ['a missing documentType', { mrz: MRZ }, 400, 'validation_failed'],
    ['an unknown document type', { documentType: 'library_card', mrz: MRZ }, 400, 'unsupported_document_type'],
    ['no document at all', { documentType: 'passport' }, 400, 'validation_failed'],
    ['bad base64', { documentType: 'passport', images: ['not base64!!'] }, 400, 'invalid_base64'],
    ['an image that is not PNG or JPEG', { documentType: 'passport', images: [Buffer.from('GIF89a-fake-image').toString('base64')] }, 415, 'unsupported_media_type'],
    ['an oversized image', { documentType: 'passport', images: [Buffer.alloc(4096, 1).toString('base64')] }, 413, 'document_too_large'],
    ['a small PNG that would decode to 400 megapixels', { documentType: 'passport', images: [pngHeader(20_000, 20_000).toString('base64')] }, 413, 'document_too_large'],
    ['an unknown field', { documentType: 'passport', mrz: MRZ, surprise: true }, 400, 'validation_failed'],
    ['a callbackUrl that is not http(s)', { documentType: 'passport', mrz: MRZ, callbackUrl: 'ftp://example.com/x' }, 400, 'validation_failed'],
  ])('rejects %s with a clear code', async (_name, body, status, code) => {
    const response = await system.api(alice.apiKey, 'POST', '/v1/verifications', body);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe(code);
    expect(typeof response.body.error.message).toBe('string');
    expect(JSON.stringify(response.body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it('lists each validation problem in details', async () => {
    const response = await system.api(alice.apiKey, 'POST', '/v1/verifications', { documentType: 'passport', mrz: 'short', reference: '' });
    expect(response.status).toBe(400);
    expect(response.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['mrz', 'reference']);
  });

  it('accepts a PNG image and keeps it out of the response', async () => {
    const response = await system.api(alice.apiKey, 'POST', '/v1/verifications', { documentType: 'id_card', images: { front: PNG_1PX } });
    expect(response.status).toBe(202);
    expect(response.body.id).toMatch(/^ver_[0-9A-Z]{26}$/);
    expect(JSON.stringify(response.body)).not.toContain(PNG_1PX);
    const documents = await system.database.db.selectFrom('documents').selectAll().where('verification_id', '=', response.body.id).execute();
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ side: 'front', content_type: 'image/png' });
  });

  it('accepts multipart uploads with the same fields, and applies the size limit to files', async () => {
    const form = new FormData();
    form.append('documentType', 'passport');
    form.append('reference', 'multipart-1');
    form.append('applicant', JSON.stringify({ lastName: 'Lindqvist' }));
    form.append('front', new Blob([Buffer.from(PNG_1PX, 'base64')], { type: 'image/png' }), 'front.png');
    const response = await fetch(`${system.baseUrl}/v1/verifications`, { method: 'POST', headers: { authorization: `Bearer ${alice.apiKey}` }, body: form });
    expect(response.status).toBe(202);
    const created = (await response.json()) as any;
    expect(created.reference).toBe('multipart-1');
    const documents = await system.database.db.selectFrom('documents').select(['side', 'content_type']).where('verification_id', '=', created.id).execute();
    expect(documents).toEqual([{ side: 'front', content_type: 'image/png' }]);

    const big = new FormData();
    big.append('documentType', 'passport');
    big.append('front', new Blob([Buffer.alloc(4096, 1)]), 'big.png');
    const tooBig = await fetch(`${system.baseUrl}/v1/verifications`, { method: 'POST', headers: { authorization: `Bearer ${alice.apiKey}` }, body: big });
    expect(tooBig.status).toBe(413);
    expect(((await tooBig.json()) as any).error.code).toBe('document_too_large');

    const badJson = new FormData();
    badJson.append('documentType', 'passport');
    badJson.append('applicant', '{not json');
    badJson.append('front', new Blob([Buffer.from(PNG_1PX, 'base64')]), 'front.png');
    const invalid = await fetch(`${system.baseUrl}/v1/verifications`, { method: 'POST', headers: { authorization: `Bearer ${alice.apiKey}` }, body: badJson });
    expect(invalid.status).toBe(400);
  });

  it('enforces roles: analysts cannot submit, clients cannot read the review queue', async () => {
    const analyst = await system.createAnalyst();
    const submit = await system.api(analyst, 'POST', '/v1/verifications', { documentType: 'passport', mrz: MRZ });
    expect(submit.status).toBe(403);
    expect(submit.body.error.code).toBe('forbidden');
    const queue = await system.api(alice.apiKey, 'GET', '/v1/reviews');
    expect(queue.status).toBe(403);
    const created = await system.api(alice.apiKey, 'POST', '/v1/verifications', { documentType: 'passport', mrz: MRZ });
    const read = await system.api(analyst, 'GET', `/v1/verifications/${created.body.id}`);
    expect(read.status).toBe(200);
  });

  it('honours Idempotency-Key: same body returns the same verification, a different body is a 409', async () => {
    const body = { documentType: 'passport', mrz: MRZ, reference: 'idem-1' };
    const headers = { 'idempotency-key': 'order-123' };
    const first = await system.api(alice.apiKey, 'POST', '/v1/verifications', body, headers);
    const second = await system.api(alice.apiKey, 'POST', '/v1/verifications', body, headers);
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.id).toBe(first.body.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');

    const conflict = await system.api(alice.apiKey, 'POST', '/v1/verifications', { ...body, reference: 'idem-2' }, headers);
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('idempotency_key_reused');

    // The key is scoped to the client: another client may use the same key.
    const other = await system.api(bob.apiKey, 'POST', '/v1/verifications', body, headers);
    expect(other.status).toBe(202);
    expect(other.body.id).not.toBe(first.body.id);
  });

  it("isolates tenants: another client's verification is a 404", async () => {
    const created = await system.api(alice.apiKey, 'POST', '/v1/verifications', { documentType: 'passport', mrz: MRZ });
    const mine = await system.api(alice.apiKey, 'GET', `/v1/verifications/${created.body.id}`);
    const theirs = await system.api(bob.apiKey, 'GET', `/v1/verifications/${created.body.id}`);
    expect(mine.status).toBe(200);
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('not_found');
    const events = await system.api(bob.apiKey, 'GET', `/v1/verifications/${created.body.id}/events`);
    expect(events.status).toBe(404);
  });

  it('answers unknown routes with a 404 code', async () => {
    const response = await system.api(alice.apiKey, 'GET', '/v1/nothing-here');
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('route_not_found');
  });
});

/** A PNG signature and IHDR chunk announcing width × height: enough to be sniffed, tiny to send. */
function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write('IHDR', 4, 'latin1');
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.writeUInt8(8, 16);
  ihdr.writeUInt8(6, 17);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr, Buffer.alloc(32)]);
}
