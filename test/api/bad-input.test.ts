import { STATUS_CODES } from 'node:http';
import net from 'node:net';
import { gzipSync } from 'node:zlib';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { workflowIdFor } from '../../domain/temporal';
import { getStatusQuery, reviewDecisionSignal, submitReviewUpdate } from '../../workflows';
import { passportMrz, PNG_1PX } from '../helpers/documents';
import { multipartBody, rawRequest, type RawRequest } from '../helpers/http';
import { startTestSystem, type TestClient, type TestSystem } from '../helpers/system';
import { eventually } from '../helpers/wait';

const VALID = { documentType: 'passport', mrz: passportMrz() };
const NUL = '\u0000';

/**
 * Bad input of every kind gets a 4xx with a stable code, straight away, and nothing of it is stored
 * (issue 8, items 5 to 9 and 12).
 */
describe('bad input', () => {
  let system: TestSystem;
  let tenant: TestClient;
  let analyst: string;
  let endpointId: string;
  let eventId: string;
  const auth = () => ({ authorization: `Bearer ${tenant.apiKey}` });
  const json = (path: string, body: Buffer | string, headers: Record<string, string> = {}, method = 'POST') =>
    rawRequest(system.baseUrl + path, { method, body, headers: { ...auth(), 'content-type': 'application/json', ...headers } });
  const countVerifications = async () => Number((await system.database.db.selectFrom('verifications').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  beforeAll(async () => {
    system = await startTestSystem();
    tenant = await system.createTenant();
    analyst = await system.createAnalyst();
    endpointId = (await system.api(tenant.apiKey, 'POST', '/v1/webhook-endpoints', { url: 'https://8.8.8.8/hooks' })).body.id;
    const created = await system.api(tenant.apiKey, 'POST', '/v1/verifications', VALID);
    eventId = (await eventually(() => system.database.db.selectFrom('events').select('id').where('verification_id', '=', created.body.id).executeTakeFirst())).id;
  });
  afterAll(async () => {
    await system.stop();
  });

  describe('text that cannot be stored is a 400 validation_failed naming the field, and is not stored', () => {
    let before: number;
    beforeAll(async () => {
      before = await countVerifications();
    });
    afterAll(async () => {
      expect(await countVerifications()).toBe(before);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['reference', { ...VALID, reference: `ref${NUL}1` }, 'reference'],
      ['mrz', { documentType: 'passport', mrz: passportMrz() + NUL }, 'mrz'],
      ['applicant.firstName', { ...VALID, applicant: { firstName: `Maja${NUL}` } }, 'applicant.firstName'],
      ['applicant.lastName (lone surrogate)', { ...VALID, applicant: { lastName: 'Lindqvist\uD800' } }, 'applicant.lastName'],
      ['a metadata value', { ...VALID, metadata: { order: `42${NUL}` } }, 'metadata.order'],
      ['a metadata key', { ...VALID, metadata: { [`or${NUL}der`]: '42' } }, 'metadata'],
      ['callbackUrl', { ...VALID, callbackUrl: `https://8.8.8.8/hook${NUL}` }, 'callbackUrl'],
      ['a U+FFFD left by a decoder', { ...VALID, reference: 'ref\uFFFD' }, 'reference'],
    ])('POST /v1/verifications: %s', async (_name, body, field) => {
      const response = await system.api(tenant.apiKey, 'POST', '/v1/verifications', body);
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
      expect(response.body.error.details.map((d: { path: string }) => d.path).join(' ')).toContain(field);
    });

    it.each<[string, string, string, Record<string, unknown>, string]>([
      ['endpoint description', 'POST', '/v1/webhook-endpoints', { url: 'https://8.8.8.8/h', description: `d${NUL}` }, 'description'],
      ['endpoint url', 'POST', '/v1/webhook-endpoints', { url: `https://8.8.8.8/h${NUL}` }, 'url'],
      ['endpoint description on update', 'PATCH', '/v1/webhook-endpoints/:endpoint', { description: `d${NUL}` }, 'description'],
      ['resend endpointId', 'POST', '/v1/events/:event/resend', { endpointId: `whe_${NUL}` }, 'endpointId'],
    ])('%s', async (_name, method, path, body, field) => {
      const response = await system.api(tenant.apiKey, method, path.replace(':endpoint', endpointId).replace(':event', eventId), body);
      expect(response.status).toBe(400);
      expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    });

    it.each([
      ['GET', '/v1/verifications/ver_%00'],
      ['GET', '/v1/verifications/ver_%00/events'],
      ['POST', '/v1/verifications/ver_%00/cancel'],
      ['GET', '/v1/webhook-endpoints/whe_%00'],
      ['DELETE', '/v1/webhook-endpoints/whe_%00'],
      ['GET', '/v1/webhook-endpoints/whe_%00/deliveries'],
      ['POST', '/v1/events/evt_%00/resend'],
      ['GET', '/v1/verifications?cursor=ver_%00'],
      ['GET', '/v1/verifications?reference=a%00b'],
      ['GET', '/v1/verifications?status=%00'],
      ['GET', '/v1/verifications?limit=%00'],
      ['GET', '/v1/verifications?cursor=%FF'],
      ['GET', '/v1/webhook-endpoints?cursor=whe_%00'],
      ['GET', `/v1/webhook-endpoints/:endpoint/deliveries?cursor=whd_%00`],
    ])('%s %s', async (method, path) => {
      const response = await system.api(tenant.apiKey, method, path.replace(':endpoint', endpointId));
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('validation_failed');
    });

    it('a NUL in the review queue cursor and in a review path id', async () => {
      expect((await system.api(analyst, 'GET', '/v1/reviews?cursor=ver_%00')).body.error.code).toBe('validation_failed');
      const review = await system.api(analyst, 'POST', '/v1/verifications/ver_%00/review', { decision: 'accepted', reason: 'document_genuine' });
      expect(review.status).toBe(400);
    });

    it('multipart fields follow the same rule', async () => {
      const boundary = 'kycflow-boundary';
      const body = multipartBody(boundary, [
        { name: 'documentType', value: 'passport' },
        { name: 'reference', value: Buffer.from([0x72, 0x65, 0x66, 0xff, 0xfe]) },
        { name: 'front', value: Buffer.from(PNG_1PX, 'base64'), filename: 'front.png' },
      ]);
      const response = await rawRequest(`${system.baseUrl}/v1/verifications`, { body, headers: { ...auth(), 'content-type': `multipart/form-data; boundary=${boundary}` } });
      expect(response.status).toBe(400);
      expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain('reference');
    });
  });

  describe('bytes that are not what they claim to be', () => {
    const utf8Body = (reference: Buffer) => Buffer.concat([Buffer.from(`{"documentType":"passport","mrz":${JSON.stringify(VALID.mrz)},"reference":"`), reference, Buffer.from('"}')]);

    it.each<[string, () => RawRequest & { path?: string }, number, string]>([
      ['invalid UTF-8 in a JSON body', () => ({ body: utf8Body(Buffer.from([0x61, 0xc3, 0x28, 0xff])) }), 400, 'invalid_encoding'],
      ['an encoded lone surrogate in a JSON body', () => ({ body: utf8Body(Buffer.from([0xed, 0xa0, 0x80])) }), 400, 'invalid_encoding'],
      ['charset=latin1', () => ({ body: JSON.stringify(VALID), headers: { 'content-type': 'application/json; charset=latin1' } }), 415, 'unsupported_charset'],
      ['Content-Encoding: foo', () => ({ body: JSON.stringify(VALID), headers: { 'content-encoding': 'foo' } }), 415, 'unsupported_content_encoding'],
      ['a body that is not gzip though it says so', () => ({ body: 'certainly not gzip', headers: { 'content-encoding': 'gzip' } }), 400, 'invalid_body'],
      ['a gzip body cut short', () => ({ body: gzipSync(JSON.stringify(VALID)).subarray(0, 20), headers: { 'content-encoding': 'gzip' } }), 400, 'invalid_body'],
    ])('%s', async (_name, request, status, code) => {
      const { body, headers } = request();
      const response = await json('/v1/verifications', body!, headers);
      expect(response.status).toBe(status);
      expect(response.body.error.code).toBe(code);
    });

    it('a path that does not percent-decode to UTF-8 is invalid_encoding', async () => {
      const response = await system.api(tenant.apiKey, 'GET', '/v1/verifications/ver_%FF');
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('invalid_encoding');
    });

    it.each<[string, string, () => Buffer, number, string]>([
      ['multipart without a boundary', 'multipart/form-data', () => multipartBody('b', [{ name: 'documentType', value: 'passport' }]), 400, 'invalid_multipart'],
      ['multipart cut off in the middle of a file', 'multipart/form-data; boundary=b', () => truncated(), 400, 'invalid_multipart'],
      ['an unexpected file field', 'multipart/form-data; boundary=b', () => multipartBody('b', [{ name: 'selfie', value: Buffer.alloc(8), filename: 'x.png' }]), 400, 'validation_failed'],
    ])('%s', async (_name, contentType, body, status, code) => {
      const response = await rawRequest(`${system.baseUrl}/v1/verifications`, { body: body(), headers: { ...auth(), 'content-type': contentType } });
      expect(response.status).toBe(status);
      expect(response.body.error.code).toBe(code);
    });

    function truncated(): Buffer {
      const whole = multipartBody('b', [
        { name: 'documentType', value: 'passport' },
        { name: 'front', value: Buffer.concat([Buffer.from(PNG_1PX, 'base64'), Buffer.alloc(512, 7)]), filename: 'front.png' },
      ]);
      return whole.subarray(0, whole.length - 300);
    }
  });

  describe('bodies too big or too deep, and headers that are not text: a 4xx, nothing stored, the process up', () => {
    const FIFTY_MB = 50 * 1024 * 1024;

    it.each<[string, () => { body: Buffer | string; headers?: Record<string, string>; contentType?: string }, number, string]>([
      ['a 50 MB JSON body', () => ({ body: JSON.stringify({ ...VALID, reference: 'x'.repeat(FIFTY_MB) }) }), 413, 'payload_too_large'],
      [
        'a 50 MB document in a multipart upload',
        () => ({
          body: multipartBody('b', [
            { name: 'documentType', value: 'passport' },
            { name: 'front', value: Buffer.concat([Buffer.from(PNG_1PX, 'base64'), Buffer.alloc(FIFTY_MB)]), filename: 'front.png' },
          ]),
          contentType: 'multipart/form-data; boundary=b',
        }),
        413,
        'document_too_large',
      ],
      ['JSON nested 100 000 deep', () => ({ body: `{"documentType":"passport","mrz":${JSON.stringify(VALID.mrz)},"metadata":${'['.repeat(100_000)}${']'.repeat(100_000)}}` }), 400, 'validation_failed'],
      ['an Idempotency-Key longer than 255 characters', () => ({ body: JSON.stringify(VALID), headers: { 'idempotency-key': 'k'.repeat(256) } }), 400, 'invalid_idempotency_key'],
      ['an Idempotency-Key beyond visible ASCII (a byte HTTP reads as Latin-1)', () => ({ body: JSON.stringify(VALID), headers: { 'idempotency-key': 'clé-1' } }), 400, 'invalid_idempotency_key'],
      ['an Idempotency-Key with a tab', () => ({ body: JSON.stringify(VALID), headers: { 'idempotency-key': 'key\tone' } }), 400, 'invalid_idempotency_key'],
    ])('%s', async (_name, request, status, code) => {
      const before = await countVerifications();
      const { body, headers = {}, contentType } = request();
      const response = await rawRequest(`${system.baseUrl}/v1/verifications`, { body, headers: { ...auth(), 'content-type': contentType ?? 'application/json', ...headers } });
      expect(response.status).toBe(status);
      expect(response.body.error.code).toBe(code);
      expect(await countVerifications()).toBe(before);
      expect((await rawRequest(`${system.baseUrl}/healthz`, { method: 'GET' })).status).toBe(200);
    }, 60_000);

    it.each<[string, string, number, string]>([
      ['a control character in Idempotency-Key', 'Idempotency-Key: key\u0001one', 400, 'malformed_request'],
      ['a NUL in Idempotency-Key', 'Idempotency-Key: key\u0000one', 400, 'malformed_request'],
      ['a header injected into Idempotency-Key with a bare CR', 'Idempotency-Key: key\rX-Injected: 1', 400, 'malformed_request'],
      ['a header injected into Idempotency-Key with a bare LF', 'Idempotency-Key: key\nX-Injected: 1', 400, 'malformed_request'],
      ['headers beyond the size limit', `X-Padding: ${'p'.repeat(20 * 1024)}`, 431, 'headers_too_large'],
    ])('%s is answered with a code, nothing stored', async (_name, header, status, code) => {
      const before = await countVerifications();
      const body = JSON.stringify(VALID);
      const answer = await new Promise<string>((resolve, reject) => {
        const { port } = new URL(system.baseUrl);
        const socket = net.connect(Number(port), '127.0.0.1', () =>
          socket.end(
            `POST /v1/verifications HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${tenant.apiKey}\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n${header}\r\n\r\n${body}`,
          ),
        );
        let text = '';
        socket.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
        socket.on('close', () => resolve(text));
        socket.on('error', reject);
      });
      expect(answer.split('\r\n')[0]).toBe(`HTTP/1.1 ${status} ${STATUS_CODES[status]}`);
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: { code } });
      expect(await countVerifications()).toBe(before);
      expect((await rawRequest(`${system.baseUrl}/healthz`, { method: 'GET' })).status).toBe(200);
    });
  });

  it('ten concurrent POSTs with one Idempotency-Key make one verification; the others replay it', async () => {
    const body = { ...VALID, reference: 'concurrent-1' };
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => system.api(tenant.apiKey, 'POST', '/v1/verifications', body, { 'idempotency-key': 'same-key-10' })),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(10).fill(202));
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(responses.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(9);
    const reused = await system.api(tenant.apiKey, 'POST', '/v1/verifications', { ...body, reference: 'other' }, { 'idempotency-key': 'same-key-10' });
    expect(reused.body.error.code).toBe('idempotency_key_reused');
  });

  it('a review that cannot be recorded is refused up front, and the case can still be reviewed', async () => {
    const created = await system.api(tenant.apiKey, 'POST', '/v1/verifications', { ...VALID, applicant: { lastName: 'Andersson' } });
    await system.waitForStatus(tenant.apiKey, created.body.id, ['awaiting_review']);
    const viaApi = await system.api(analyst, 'POST', `/v1/verifications/${created.body.id}/review`, { decision: 'accepted', reason: 'name_change', note: `seen${NUL}` });
    expect(viaApi.status).toBe(400);
    expect(viaApi.body.error.details).toEqual([expect.objectContaining({ path: 'note' })]);

    // The workflow's own guard, for callers other than the API (the Temporal CLI and UI).
    const handle = system.temporal.workflow.getHandle(workflowIdFor(created.body.id));
    await expect(handle.executeUpdate(submitReviewUpdate, { args: [{ decision: 'accepted', reason: 'name_change', note: `seen${NUL}` }] })).rejects.toBeInstanceOf(
      WorkflowUpdateFailedError,
    );
    await handle.signal(reviewDecisionSignal, { decision: 'accepted', reason: 'name_change', note: 'a\uDC00' });
    expect((await handle.query(getStatusQuery)).status).toBe('awaiting_review');

    const reviewed = await system.api(analyst, 'POST', `/v1/verifications/${created.body.id}/review`, { decision: 'accepted', reason: 'name_change', note: 'seen 🙂' });
    expect(reviewed.status).toBe(200);
    expect(reviewed.body).toMatchObject({ status: 'completed', decision: 'accepted', review: expect.objectContaining({ note: 'seen 🙂' }) });
  });
});
