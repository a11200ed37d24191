import fs from 'node:fs';
import path from 'node:path';
import { ERROR_CODES } from '../../api/errors';
import { DOCUMENT_TYPES } from '../../api/schemas/verifications';
import { PROJECT_ROOT } from '../helpers/env';
import { rawRequest } from '../helpers/http';
import { passportMrz } from '../helpers/documents';
import { startReceiver } from '../helpers/receiver';
import { startTestSystem, type TestSystem } from '../helpers/system';
import { eventually } from '../helpers/wait';

describe('platform endpoints', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system.stop();
  });

  it('serves an OpenAPI 3.1 document generated from the request schemas', async () => {
    const response = await fetch(`${system.baseUrl}/openapi.json`);
    expect(response.status).toBe(200);
    const spec = (await response.json()) as any;
    expect(spec.openapi).toBe('3.1.0');
    const create = spec.components.schemas.CreateVerification;
    expect(create.required).toContain('documentType');
    expect(create.properties.documentType.enum).toEqual([...DOCUMENT_TYPES]);
    expect(create.additionalProperties).toBe(false);
    expect(spec.components.schemas.SubmitReview.properties.decision.enum).toEqual(['accepted', 'rejected']);
    for (const path of ['/v1/verifications', '/v1/verifications/{id}/review', '/v1/webhook-endpoints/{id}/rotate-secret', '/v1/events/{id}/resend']) {
      expect(spec.paths[path]).toBeDefined();
    }
    // Every $ref points at a defined component.
    const refs = JSON.stringify(spec).match(/#\/components\/schemas\/\w+/g) ?? [];
    for (const ref of new Set(refs)) expect(spec.components.schemas[ref.split('/').pop()!]).toBeDefined();
  });

  it.each<[string, string, string, 'client' | 'analyst', Record<string, string>?, string?]>([
    ['get', '/v1/verifications', '/v1/verifications?limit=101', 'client'],
    ['get', '/v1/reviews', '/v1/reviews?limit=101', 'analyst'],
    ['get', '/v1/webhook-endpoints', '/v1/webhook-endpoints?limit=101', 'client'],
    ['get', '/v1/verifications/{id}', '/v1/verifications/ver_%00', 'client'],
    ['get', '/v1/verifications/{id}/events', '/v1/verifications/ver_%FF/events', 'client'],
    ['post', '/v1/verifications/{id}/cancel', '/v1/verifications/ver_%00/cancel', 'client'],
    ['post', '/v1/verifications/{id}/cancel', '/v1/verifications/ver_x/cancel', 'analyst'],
    ['post', '/v1/verifications/{id}/review', '/v1/verifications/ver_x/review', 'analyst', { 'content-type': 'application/json; charset=latin1' }, '{}'],
    ['get', '/v1/webhook-endpoints/{id}', '/v1/webhook-endpoints/whe_x', 'analyst'],
    ['delete', '/v1/webhook-endpoints/{id}', '/v1/webhook-endpoints/whe_%00', 'client'],
    ['patch', '/v1/webhook-endpoints/{id}', '/v1/webhook-endpoints/whe_x', 'client', { 'content-type': 'application/json', 'content-encoding': 'foo' }, '{}'],
    ['post', '/v1/webhook-endpoints', '/v1/webhook-endpoints', 'client', { 'content-type': 'application/json', 'content-encoding': 'gzip' }, 'not gzip'],
    ['post', '/v1/webhook-endpoints/{id}/rotate-secret', '/v1/webhook-endpoints/whe_%00/rotate-secret', 'client'],
    ['get', '/v1/webhook-endpoints/{id}/deliveries', '/v1/webhook-endpoints/whe_%00/deliveries', 'client'],
    ['post', '/v1/events/{id}/resend', '/v1/events/evt_%00/resend', 'client'],
    ['post', '/v1/events/{id}/resend', '/v1/events/evt_x/resend', 'analyst'],
  ])('the spec documents the 4xx that %s %s answers (%s as %s)', async (method, specPath, requestPath, role, headers = {}, body = undefined) => {
    const key = role === 'client' ? (await system.createTenant()).apiKey : await system.createAnalyst();
    const response = await rawRequest(system.baseUrl + requestPath, { method: method.toUpperCase(), headers: { authorization: `Bearer ${key}`, ...headers }, body });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    const spec = (await (await fetch(`${system.baseUrl}/openapi.json`)).json()) as any;
    expect(Object.keys(spec.paths[specPath][method].responses)).toContain(String(response.status));
    expect(spec.components.schemas.Error.properties.error.properties.code.enum).toContain(response.body.error.code);
  });

  it('lists every error code in the spec and the README', async () => {
    const spec = (await (await fetch(`${system.baseUrl}/openapi.json`)).json()) as any;
    expect(spec.components.schemas.Error.properties.error.properties.code.enum).toEqual([...ERROR_CODES]);
    const readme = fs.readFileSync(path.join(PROJECT_ROOT, 'README.md'), 'utf8');
    for (const code of ERROR_CODES) expect(readme).toContain(`\`${code}\``);
  });

  it('serves interactive docs at /docs', async () => {
    const response = await fetch(`${system.baseUrl}/docs/`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('swagger-ui');
  });

  it('exposes Prometheus metrics: verifications by status and decision, delivery attempts, webhook latency', async () => {
    const tenant = await system.createTenant();
    const receiver = await startReceiver();
    try {
      const created = await system.api(tenant.apiKey, 'POST', '/v1/verifications', { documentType: 'passport', mrz: passportMrz(), callbackUrl: receiver.url });
      await system.waitForStatus(tenant.apiKey, created.body.id, ['completed']);
      await receiver.waitFor(4);
      const text = await eventually(async () => {
        const body = await (await fetch(`${system.baseUrl}/metrics`)).text();
        return /kycflow_webhook_latency_seconds_count [4-9]/.test(body) ? body : undefined;
      });
      expect(text).toMatch(/kycflow_verifications\{status="completed",decision="accepted"\} [1-9]/);
      expect(text).toMatch(/kycflow_webhook_attempts_total\{outcome="success",error_class="none"\} [4-9]/);
    } finally {
      await receiver.close();
    }
  });

  it('reports readiness of PostgreSQL and Temporal', async () => {
    const response = await fetch(`${system.baseUrl}/readyz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ready', checks: { database: true, temporal: true } });
  });
});
