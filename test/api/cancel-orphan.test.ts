import { Webhook } from 'standardwebhooks';
import { passportMrz } from '../helpers/documents';
import { useSystemWithReceiver } from '../helpers/harness';
import { insertOrphan } from '../helpers/orphans';
import type { ReceivedRequest } from '../helpers/receiver';
import { eventually } from '../helpers/wait';

/** Cancelling a verification whose workflow was never started (the API died between insert and start). */
describe('POST /v1/verifications/:id/cancel of a verification without a workflow', () => {
  // The reconciler's default minimum age (1 minute) keeps it away from the orphan during the test.
  const h = useSystemWithReceiver();

  it('cancels it and tells the client with verification.cancelled, like any other', async () => {
    const orphan = await insertOrphan(h.system.database.db, h.tenant.id, { mrz: passportMrz(), callbackUrl: h.receiver.url });
    const response = await h.system.api(h.tenant.apiKey, 'POST', `/v1/verifications/${orphan.id}/cancel`);
    expect(response.status).toBe(202);
    // Answered by the workflow's cancel Update once the cancellation is recorded: no polling.
    expect(response.body.status).toBe('cancelled');

    const verify = (r: ReceivedRequest) => new Webhook(h.tenant.signingSecret).verify(r.body, r.headers) as { type: string; data: { verificationId: string } };
    const cancelled = await eventually(async () => h.receiver.requests.map(verify).find((e) => e.type === 'verification.cancelled'), 20_000, 'verification.cancelled');
    expect(cancelled.data.verificationId).toBe(orphan.id);
    const again = await h.system.api(h.tenant.apiKey, 'POST', `/v1/verifications/${orphan.id}/cancel`);
    expect(again.status).toBe(409);
  });
});
