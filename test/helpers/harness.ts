import { Webhook } from 'standardwebhooks';
import { webhookBodyProblem } from '../../webhooks/catalogue';
import { startReceiver, type Receiver, type ReceivedRequest } from './receiver';
import { eventually } from './wait';
import { startTestSystem, type TestClient, type TestSystem } from './system';

export interface Harness {
  system: TestSystem;
  tenant: TestClient;
  receiver: Receiver;
}

/**
 * Registers the jest hooks most integration files need: one system and one client per file, a
 * fresh webhook receiver per test. Read the fields inside tests (they are set by the hooks).
 */
export function useSystemWithReceiver(overrides: Record<string, string> = {}): Harness {
  const harness = {} as Harness;
  beforeAll(async () => {
    harness.system = await startTestSystem(overrides);
    harness.tenant = await harness.system.createTenant();
  });
  afterAll(async () => {
    await harness.system.stop();
  });
  beforeEach(async () => {
    harness.receiver = await startReceiver();
  });
  afterEach(async () => {
    await harness.receiver.close();
  });
  return harness;
}

/**
 * Verifications sent to the harness's receiver as its client, and the webhooks received so far,
 * each checked against the webhook catalogue and verified with the client's secret.
 */
export function verificationsOf<T = { type: string; data: Record<string, unknown> }>(h: Harness) {
  const verified = (request: ReceivedRequest): T => {
    const problem = webhookBodyProblem(JSON.parse(request.body));
    if (problem) throw new Error(`A webhook does not match its schema: ${problem}`);
    return new Webhook(h.tenant.signingSecret).verify(request.body, request.headers) as T;
  };
  return {
    async submit(body: Record<string, unknown>): Promise<string> {
      const response = await h.system.api(h.tenant.apiKey, 'POST', '/v1/verifications', { documentType: 'passport', callbackUrl: h.receiver.url, ...body });
      if (response.status !== 202) throw new Error(`POST /v1/verifications answered ${response.status}: ${JSON.stringify(response.body)}`);
      return response.body.id as string;
    },
    async webhooks(count: number): Promise<T[]> {
      return (await h.receiver.waitFor(count)).map(verified);
    },
    /** Once a webhook of `type` has arrived: every distinct one so far (a redelivery counted once), in arrival order. */
    async until(type: string, timeoutMs = 30_000): Promise<T[]> {
      await eventually(async () => h.receiver.requests.some((r) => (JSON.parse(r.body) as { type: string }).type === type), timeoutMs, `a ${type} webhook`);
      const seen = new Set<string>();
      return h.receiver.requests.filter((r) => !seen.has(String(r.headers['webhook-id'])) && seen.add(String(r.headers['webhook-id']))).map(verified);
    },
  };
}
