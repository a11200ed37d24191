import { Webhook } from 'standardwebhooks';
import { workflowIdFor } from '../../domain/temporal';
import { createLogger } from '../../lib/logger';
import { reconcileOrphans } from '../../worker/reconciler';
import { passportMrz } from '../helpers/documents';
import { useSystemWithReceiver } from '../helpers/harness';
import { insertOrphan } from '../helpers/orphans';

/** A verification stored without a workflow (the API died between the insert and the start). */
describe('the orphan reconciler', () => {
  const h = useSystemWithReceiver({ RECONCILER_INTERVAL_MS: '500', RECONCILER_MIN_AGE_MS: '1000' });

  it('starts the workflow of a verification that has none, which then runs to its decision', async () => {
    const orphan = await insertOrphan(h.system.database.db, h.tenant.id, { mrz: passportMrz(), callbackUrl: h.receiver.url });
    const verification = await h.system.waitForStatus(h.tenant.apiKey, orphan.id, ['completed']);
    expect(verification.decision).toBe('accepted');
    const events = (await h.receiver.waitFor(4)).map((r) => new Webhook(h.tenant.signingSecret).verify(r.body, r.headers) as { type: string });
    expect(events.map((e) => e.type)).toEqual([
      'verification.submitted',
      'verification.extraction_completed',
      'verification.authenticity_completed',
      'verification.completed',
    ]);
  });

  it('is idempotent: a pass over a verification whose workflow exists starts nothing new', async () => {
    const orphan = await insertOrphan(h.system.database.db, h.tenant.id, { mrz: passportMrz(), callbackUrl: h.receiver.url });
    await h.system.waitForStatus(h.tenant.apiKey, orphan.id, ['completed']);
    const handle = h.system.temporal.workflow.getHandle(workflowIdFor(orphan.id));
    const { runId } = await handle.describe();

    // The row is made to look unstarted again; the workflow id already has a (closed) run.
    await h.system.database.db.updateTable('verifications').set({ status: 'submitted' }).where('id', '=', orphan.id).execute();
    await h.system.database.db.deleteFrom('events').where('verification_id', '=', orphan.id).execute();
    const deps = { config: h.system.config, db: h.system.database.db, temporal: h.system.temporal, logger: createLogger('silent') };
    expect(await reconcileOrphans(deps)).toBeGreaterThanOrEqual(1);
    const runIds: string[] = [];
    for await (const run of h.system.temporal.workflow.list({ query: `WorkflowId = '${workflowIdFor(orphan.id)}'` })) runIds.push(run.runId);
    expect(runIds).toEqual([runId]);
  });
});
