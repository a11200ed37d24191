import { Webhook } from 'standardwebhooks';
import { useSystemWithReceiver } from '../helpers/harness';

const MRZ = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10';

describe('signed webhook delivery, end to end (real Temporal, PostgreSQL and HTTP)', () => {
  // Sub-second retry intervals are rounded up by the server's timers; 1 s, 2 s, … shows the backoff.
  const h = useSystemWithReceiver({ WEBHOOK_RETRY_INITIAL_MS: '1000' });

  async function submit(): Promise<string> {
    const response = await h.system.api(h.tenant.apiKey, 'POST', '/v1/verifications', {
      documentType: 'passport',
      reference: 'customer-1',
      mrz: MRZ,
      callbackUrl: h.receiver.url,
    });
    expect(response.status).toBe(202);
    return response.body.id as string;
  }

  it('arrives signed per Standard Webhooks; verification fails when one body byte changes', async () => {
    const verificationId = await submit();
    const [request] = await h.receiver.waitFor(1);
    const webhook = new Webhook(h.tenant.signingSecret);

    const payload = webhook.verify(request!.body, request!.headers) as { type: string; data: Record<string, unknown> };
    expect(payload.type).toBe('verification.submitted');
    expect(payload.data).toMatchObject({ verificationId, reference: 'customer-1', sequence: 1, status: 'submitted' });
    expect(request!.headers['webhook-id']).toMatch(/^evt_/);
    expect(request!.headers['content-type']).toBe('application/json');

    const tampered = request!.body.replace('"sequence":1', '"sequence":2');
    expect(tampered).not.toBe(request!.body);
    expect(() => webhook.verify(tampered, request!.headers)).toThrow();
    expect(() => new Webhook('whsec_' + Buffer.alloc(32, 7).toString('base64')).verify(request!.body, request!.headers)).toThrow();
  });

  it('retries 500s with growing gaps, records every attempt, and delivers on the third', async () => {
    h.receiver.setResponder((_req, index) => (index < 2 ? { status: 500, body: 'temporarily broken' } : { status: 204 }));
    const verificationId = await submit();
    const requests = await h.receiver.waitFor(3);

    const ids = new Set(requests.map((r) => r.headers['webhook-id']));
    expect(ids.size).toBe(1);
    const gaps = [requests[1]!.receivedAt - requests[0]!.receivedAt, requests[2]!.receivedAt - requests[1]!.receivedAt];
    expect(gaps[0]).toBeGreaterThanOrEqual(900);
    expect(gaps[1]).toBeGreaterThan(gaps[0]! * 1.5);

    await waitUntil(async () => {
      const events = await h.system.api(h.tenant.apiKey, 'GET', `/v1/verifications/${verificationId}/events`);
      return events.body.data[0].deliveries[0].status === 'succeeded';
    });
    const events = await h.system.api(h.tenant.apiKey, 'GET', `/v1/verifications/${verificationId}/events`);
    const delivery = events.body.data[0].deliveries[0];
    expect(delivery).toMatchObject({ status: 'succeeded', attemptCount: 3, target: 'callback' });
    expect(delivery.attempts.map((a: { attempt: number; statusCode: number; outcome: string }) => [a.attempt, a.statusCode, a.outcome])).toEqual([
      [1, 500, 'failure'],
      [2, 500, 'failure'],
      [3, 204, 'success'],
    ]);
    expect(delivery.attempts[0]).toMatchObject({ errorClass: 'http_500', responseExcerpt: 'temporarily broken' });
    // Exactly three requests for this event; the later stages' events follow only after it succeeded.
    const submitted = h.receiver.requests.filter((r) => r.headers['webhook-id'] === requests[0]!.headers['webhook-id']);
    expect(submitted).toHaveLength(3);
    expect(h.receiver.requests.slice(0, 3)).toEqual(submitted);
  });

  it('GET /v1/verifications/:id shows the status and the recorded events', async () => {
    const verificationId = await submit();
    await h.receiver.waitFor(4);
    const response = await h.system.api(h.tenant.apiKey, 'GET', `/v1/verifications/${verificationId}`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: verificationId, status: 'completed', documentType: 'passport', reference: 'customer-1' });
    expect(response.body.events.map((e: { type: string; sequence: number }) => [e.sequence, e.type])).toEqual([
      [1, 'verification.submitted'],
      [2, 'verification.extraction_completed'],
      [3, 'verification.authenticity_completed'],
      [4, 'verification.completed'],
    ]);
    expect(response.body.links.temporalUi).toContain(`verification-${verificationId}`);
  });
});

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('condition not met in time');
}
