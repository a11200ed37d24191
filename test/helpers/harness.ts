import { startReceiver, type Receiver } from './receiver';
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
