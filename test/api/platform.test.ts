import { DOCUMENT_TYPES } from '../../api/schemas/verifications';
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
