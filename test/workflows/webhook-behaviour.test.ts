import { Webhook } from 'standardwebhooks';
import { seededRandom } from '../../lib/random';
import { APPLICANT, passportMrz } from '../helpers/documents';
import { startReceiver, type ReceivedRequest, type Receiver } from '../helpers/receiver';
import { startTestSystem, type TestClient, type TestSystem } from '../helpers/system';
import { eventually } from '../helpers/wait';

const body = (r: ReceivedRequest) => JSON.parse(r.body) as { type: string; data: { verificationId: string; sequence: number } };

describe('webhook delivery behaviour (registered endpoints)', () => {
  let system: TestSystem;
  let tenant: TestClient;
  let receiver: Receiver;

  beforeAll(async () => {
    system = await startTestSystem({ WEBHOOK_TIMEOUT_MS: '700', WEBHOOK_RETRY_INITIAL_MS: '200', WEBHOOK_RETRY_MAX_INTERVAL_MS: '1000' });
  });
  afterAll(async () => {
    await system.stop();
  });
  beforeEach(async () => {
    tenant = await system.createTenant();
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await receiver.close();
  });

  async function register(eventTypes: string[] = []) {
    const response = await system.api(tenant.apiKey, 'POST', '/v1/webhook-endpoints', { url: receiver.url, eventTypes });
    expect(response.status).toBe(201);
    return response.body as { id: string; secret: string };
  }

  async function submit(extra: Record<string, unknown> = {}): Promise<string> {
    const response = await system.api(tenant.apiKey, 'POST', '/v1/verifications', { documentType: 'passport', mrz: passportMrz(), applicant: APPLICANT, ...extra });
    expect(response.status).toBe(202);
    return response.body.id;
  }

  it('keeps per-verification order under random 500s and timeouts; each event arrives once after dedupe', async () => {
    await register();
    const random = seededRandom(7);
    receiver.setResponder(() => {
      const roll = random();
      if (roll < 0.3) return { status: 500 };
      if (roll < 0.4) return { status: 200, delayMs: 1200 }; // longer than the 700 ms timeout
      return { status: 204 };
    });
    const ids = await Promise.all([submit(), submit(), submit(), submit()]);

    const firstArrivals = await eventually(async () => {
      const done = await Promise.all(ids.map((id) => system.api(tenant.apiKey, 'GET', `/v1/verifications/${id}/events`)));
      const allDelivered = done.every((r) => r.body.data.length === 4 && r.body.data.every((e: any) => e.deliveries.every((d: any) => d.status === 'succeeded')));
      if (!allDelivered) return undefined;
      // What arrived, looked at only once every delivery is recorded as succeeded (the receiver
      // records a request as it arrives): looked at before, the last delivery could land in between.
      const seen = new Map<string, ReceivedRequest>();
      for (const request of receiver.requests) if (!seen.has(request.headers['webhook-id']!)) seen.set(request.headers['webhook-id']!, request);
      return [...seen.values()];
    }, 90_000, 'every event to be delivered');

    expect(receiver.requests.length).toBeGreaterThan(firstArrivals.length); // the receiver really was flaky
    for (const id of ids) {
      const sequences = firstArrivals.filter((r) => body(r).data.verificationId === id).map((r) => body(r).data.sequence);
      expect(sequences).toEqual([1, 2, 3, 4]);
    }
    const webhookIds = firstArrivals.map((r) => r.headers['webhook-id']);
    expect(new Set(webhookIds).size).toBe(ids.length * 4);
  }, 120_000);

  it('only sends the event types an endpoint subscribed to', async () => {
    await register(['verification.completed']);
    const id = await submit();
    await system.waitForStatus(tenant.apiKey, id, ['completed']);
    const [request] = await receiver.waitFor(1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.requests).toHaveLength(1);
    expect(body(request!).type).toBe('verification.completed');
  });

  it('disables the endpoint on 410 Gone and stops sending to it', async () => {
    const endpoint = await register();
    receiver.setResponder(() => ({ status: 410 }));
    const id = await submit();
    await system.waitForStatus(tenant.apiKey, id, ['completed']);
    const disabled = await eventually(async () => {
      const response = await system.api(tenant.apiKey, 'GET', `/v1/webhook-endpoints/${endpoint.id}`);
      return response.body.status === 'disabled' ? response.body : undefined;
    });
    expect(disabled.disabledReason).toBe('gone');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(receiver.requests).toHaveLength(1);
    // Deliveries recorded before the endpoint was disabled are given up; later events create none.
    const deliveries = (await system.api(tenant.apiKey, 'GET', `/v1/webhook-endpoints/${endpoint.id}/deliveries`)).body.data as Array<{ status: string; lastError: string; attemptCount: number }>;
    const gone = deliveries.filter((d) => d.lastError === 'endpoint_gone');
    expect(gone).toEqual([expect.objectContaining({ status: 'failed', attemptCount: 1 })]);
    expect(deliveries.every((d) => d.status === 'failed' && ['endpoint_gone', 'endpoint_disabled'].includes(d.lastError))).toBe(true);
  });

  it('honours Retry-After on 429', async () => {
    await register(['verification.submitted']);
    receiver.setResponder((_r, index) => (index === 0 ? { status: 429, headers: { 'retry-after': '3' } } : { status: 200 }));
    await submit();
    const [first, second] = await receiver.waitFor(2, 20_000);
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(2900);
    expect(second!.headers['webhook-id']).toBe(first!.headers['webhook-id']);
  });

  it('signs with both secrets during a rotation grace period, and only the new one after', async () => {
    const endpoint = await register(['verification.submitted']);
    const rotated = await system.api(tenant.apiKey, 'POST', `/v1/webhook-endpoints/${endpoint.id}/rotate-secret`, { gracePeriodSeconds: 2 });
    await submit();
    const [during] = await receiver.waitFor(1);
    expect(during!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(endpoint.secret).verify(during!.body, during!.headers)).not.toThrow();
    expect(() => new Webhook(rotated.body.secret).verify(during!.body, during!.headers)).not.toThrow();

    await new Promise((resolve) => setTimeout(resolve, 2100));
    await submit();
    const after = (await receiver.waitFor(2))[1]!;
    expect(after.headers['webhook-signature']!.split(' ')).toHaveLength(1);
    expect(() => new Webhook(rotated.body.secret).verify(after.body, after.headers)).not.toThrow();
    expect(() => new Webhook(endpoint.secret).verify(after.body, after.headers)).toThrow();
  });

  it('resends an event with the same webhook-id; other clients cannot', async () => {
    const endpoint = await register(['verification.completed']);
    const id = await submit();
    const [original] = await receiver.waitFor(1);
    const events = await system.api(tenant.apiKey, 'GET', `/v1/verifications/${id}/events`);
    const completed = events.body.data.find((e: { type: string }) => e.type === 'verification.completed');

    const other = await system.createTenant('Other');
    expect((await system.api(other.apiKey, 'POST', `/v1/events/${completed.id}/resend`, {})).status).toBe(404);

    const resent = await system.api(tenant.apiKey, 'POST', `/v1/events/${completed.id}/resend`, { endpointId: endpoint.id });
    expect(resent.status).toBe(202);
    const [, again] = await receiver.waitFor(2);
    expect(again!.headers['webhook-id']).toBe(original!.headers['webhook-id']);
    expect(again!.body).toBe(original!.body);
    expect(() => new Webhook(endpoint.secret).verify(again!.body, again!.headers)).not.toThrow();
  });
});

describe('giving up on a delivery', () => {
  it('marks it failed when the retry policy gives up, then sends the next events in order', async () => {
    const system = await startTestSystem({ WEBHOOK_RETRY_INITIAL_MS: '500', WEBHOOK_RETRY_MAX_AGE_MS: '2500' });
    const receiver = await startReceiver((request) => (body(request).type === 'verification.submitted' ? { status: 500 } : { status: 204 }));
    try {
      const tenant = await system.createTenant();
      const created = await system.api(tenant.apiKey, 'POST', '/v1/verifications', { documentType: 'passport', mrz: passportMrz(), callbackUrl: receiver.url });
      const id = created.body.id;
      const events = await eventually(async () => {
        const response = await system.api(tenant.apiKey, 'GET', `/v1/verifications/${id}/events`);
        const all = response.body.data as Array<{ type: string; deliveries: Array<{ status: string; lastError: string | null; attemptCount: number }> }>;
        return all.length === 4 && all.every((e) => e.deliveries[0]!.status !== 'pending') ? all : undefined;
      }, 30_000);
      expect(events[0]!.deliveries[0]).toMatchObject({ status: 'failed', lastError: 'retries_exhausted' });
      expect(events[0]!.deliveries[0]!.attemptCount).toBeGreaterThanOrEqual(2);
      expect(events.slice(1).map((e) => e.deliveries[0]!.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
      const delivered = receiver.requests.filter((r) => body(r).type !== 'verification.submitted').map((r) => body(r).data.sequence);
      expect(delivered).toEqual([2, 3, 4]);
      const lastSubmittedAttempt = Math.max(...receiver.requests.filter((r) => body(r).type === 'verification.submitted').map((r) => r.receivedAt));
      expect(receiver.requests.find((r) => body(r).data.sequence === 2)!.receivedAt).toBeGreaterThan(lastSubmittedAttempt);
    } finally {
      await receiver.close();
      await system.stop();
    }
  }, 60_000);
});
