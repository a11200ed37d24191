import { WorkflowNotFoundError } from '@temporalio/client';
import { sql } from 'kysely';
import { workflowIdFor } from '../../domain/temporal';
import { retentionScheduleId } from '../../temporal/retention-schedule';
import { passportMrz, PNG_1PX } from '../helpers/documents';
import { useSystemWithReceiver, verificationsOf } from '../helpers/harness';
import { startTestSystem, type TestSystem } from '../helpers/system';
import { eventually } from '../helpers/wait';

interface Received {
  type: string;
  data: { verificationId: string; sequence: number; status: string; decision?: string };
}

/** A synthetic applicant used by no other test: none of these may be left once erased. */
const PERSON = { lastName: 'ZWEIBACKEN', firstName: 'ODALYS', documentNumber: 'ER4SE0001', birthDate: '1979-06-23' };
const TRACES = /zweibacken|odalys|er4se0001|790623|1979-06-23|petrovna/i;

/** Every row of every table in the system's database, as JSON text. */
async function everything(system: TestSystem): Promise<string> {
  const db = system.database.db;
  const tables = await sql<{ table_name: string }>`select table_name from information_schema.tables where table_schema = 'public'`.execute(db);
  const dumps: string[] = [];
  for (const { table_name } of tables.rows) {
    const rows = await sql<{ row: string }>`select row_to_json(t)::text as row from ${sql.table(table_name)} t`.execute(db);
    dumps.push(...rows.rows.map((r) => r.row));
  }
  return dumps.join('\n');
}

/** The histories of every workflow this system's worker ran, as JSON text. */
async function temporalHistories(system: TestSystem): Promise<{ workflowIds: string[]; text: string }> {
  const workflowIds: string[] = [];
  const texts: string[] = [];
  for await (const execution of system.temporal.workflow.list({ query: `TaskQueue = '${system.config.TEMPORAL_TASK_QUEUE}'` })) {
    workflowIds.push(execution.workflowId);
    const history = await system.temporal.workflow.getHandle(execution.workflowId, execution.runId).fetchHistory();
    // Payloads decoded: their data is base64 (or bytes).
    texts.push(
      JSON.stringify(history, (key, value: unknown) => {
        if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
        return key === 'data' && typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : value;
      }),
    );
  }
  return { workflowIds, text: texts.join('\n') };
}

/**
 * Erasure and retention end to end (issue 14 part 3): nothing of an erased applicant remains in
 * PostgreSQL or in Temporal; a tombstone does, and the client is told.
 */
describe('erasing a verification', () => {
  const h = useSystemWithReceiver({ REVIEW_DEADLINE_MS: String(60 * 60 * 1000) });
  const { submit, webhooks, until } = verificationsOf<Received>(h);

  it('erases a reviewed verification: a tombstone and verification.erased remain, nothing of the applicant in PostgreSQL or Temporal', async () => {
    const analyst = await h.system.createAnalyst('Dana');
    const id = await submit({
      images: { front: PNG_1PX },
      mrz: passportMrz(PERSON),
      applicant: { firstName: 'Odalys', lastName: 'Petrovna' },
      metadata: { customer: 'Odalys Zweibacken' },
      reference: 'erase-1',
    });
    await h.system.waitForStatus(h.tenant.apiKey, id, ['awaiting_review']);
    const reviewed = await h.system.api(analyst, 'POST', `/v1/verifications/${id}/review`, { decision: 'accepted', reason: 'name_change_documented', note: 'Odalys Zweibacken married a Petrovna' });
    expect(reviewed.status).toBe(200);
    await webhooks(5);
    await h.system.temporal.workflow.getHandle(workflowIdFor(id)).result();
    // Before: the applicant is everywhere it should be.
    expect(TRACES.test(await everything(h.system))).toBe(true);
    expect(TRACES.test((await temporalHistories(h.system)).text)).toBe(true);

    const erased = await h.system.api(h.tenant.apiKey, 'DELETE', `/v1/verifications/${id}`);
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ id, reference: 'erase-1', status: 'completed', decision: 'accepted', applicant: null, extraction: null, metadata: {}, checks: [], issuingCountry: null });
    expect(erased.body.erasedAt).not.toBeNull();
    expect(erased.body.review).toMatchObject({ decision: 'accepted', reason: 'name_change_documented' });
    expect(erased.body.review).not.toHaveProperty('note');

    const events = await until('verification.erased');
    expect(events.map((e) => e.type)).toHaveLength(6);
    expect(events.at(-1)).toMatchObject({ type: 'verification.erased', data: { verificationId: id, status: 'completed', sequence: 6 } });

    // Nothing in PostgreSQL...
    expect((await everything(h.system)).match(TRACES)?.[0] ?? null).toBeNull();
    const documents = await h.system.database.db.selectFrom('documents').select('id').where('verification_id', '=', id).execute();
    expect(documents).toEqual([]);
    // ...nor in Temporal: the verification's runs are gone (Temporal deletes a closed run
    // asynchronously, about half a minute later on the dev server), and no other history holds any of it.
    await eventually(
      () =>
        h.system.temporal.workflow
          .getHandle(workflowIdFor(id))
          .describe()
          .then(() => false)
          .catch((error: unknown) => error instanceof WorkflowNotFoundError),
      90_000,
      'the runs to be deleted',
    );
    await eventually(async () => !(await temporalHistories(h.system)).workflowIds.includes(workflowIdFor(id)), 30_000, 'visibility to forget the runs');
    const left = await temporalHistories(h.system);
    expect(left.workflowIds).toContain(`erasure-${id}`);
    expect(left.text.match(TRACES)?.[0] ?? null).toBeNull();

    // The tombstone reads; nothing else works on it. Erasing again changes nothing.
    expect((await h.system.api(h.tenant.apiKey, 'GET', `/v1/verifications/${id}`)).body).toMatchObject({ id, decision: 'accepted', erasedAt: erased.body.erasedAt });
    const image = await h.system.api(h.tenant.apiKey, 'GET', `/v1/verifications/${id}/documents/front`);
    expect([image.status, image.body.error.code]).toEqual([410, 'verification_erased']);
    const timeline = (await h.system.api(h.tenant.apiKey, 'GET', `/v1/verifications/${id}/events`)).body.data as Array<{ id: string; type: string }>;
    const resend = await h.system.api(h.tenant.apiKey, 'POST', `/v1/events/${timeline[0]!.id}/resend`);
    expect([resend.status, resend.body.error.code]).toEqual([410, 'verification_erased']);
    expect((await h.system.api(analyst, 'POST', `/v1/verifications/${id}/reopen`, { reason: 'suspected_fraud' })).status).toBe(410);
    expect((await h.system.api(h.tenant.apiKey, 'DELETE', `/v1/verifications/${id}`)).body.erasedAt).toBe(erased.body.erasedAt);
    expect(timeline.filter((e) => e.type === 'verification.erased')).toHaveLength(1);
  }, 180_000);

  it('cancels a running verification first (an admin erasing it), and refuses analysts and other clients', async () => {
    const id = await submit({ mrz: passportMrz({ ...PERSON, documentNumber: 'ER4SE0002' }), applicant: { lastName: 'Petrovna' } });
    await h.system.waitForStatus(h.tenant.apiKey, id, ['awaiting_review']);
    const other = await h.system.createTenant('Other Ltd');
    expect((await h.system.api(other.apiKey, 'DELETE', `/v1/verifications/${id}`)).status).toBe(404);
    expect((await h.system.api(await h.system.createAnalyst(), 'DELETE', `/v1/verifications/${id}`)).status).toBe(403);

    const erased = await h.system.api(await h.system.createAdmin(), 'DELETE', `/v1/verifications/${id}`);
    expect(erased.status).toBe(200);
    expect(erased.body).toMatchObject({ status: 'cancelled', applicant: null });
    // The cancellation's webhook may still be pending when the run goes: it is sent before the erasure.
    const types = (await until('verification.erased')).map((e) => e.type);
    expect(types.slice(-2)).toEqual(['verification.cancelled', 'verification.erased']);
    const review = await h.system.api(await h.system.createAnalyst(), 'POST', `/v1/verifications/${id}/review`, { decision: 'accepted', reason: 'document_genuine' });
    expect([review.status, review.body.error.code]).toEqual([410, 'verification_erased']);
  });
});

describe('erasing a rejection that still takes a new document', () => {
  const h = useSystemWithReceiver();
  it('makes it final, and a new document then answers 410', async () => {
    const created = await h.system.api(h.tenant.apiKey, 'POST', '/v1/verifications', { documentType: 'passport', mrz: 'THIS IS NOT A MACHINE READABLE ZONE AT ALL <<<<<<<<' });
    expect(await h.system.waitForStatus(h.tenant.apiKey, created.body.id, ['completed'])).toMatchObject({ final: false });
    const erased = await h.system.api(h.tenant.apiKey, 'DELETE', `/v1/verifications/${created.body.id}`);
    expect(erased.body).toMatchObject({ decision: 'rejected', final: true, resubmitUntil: null });
    const again = await h.system.api(h.tenant.apiKey, 'POST', `/v1/verifications/${created.body.id}/documents`, { mrz: passportMrz() });
    expect([again.status, again.body.error.code]).toEqual([410, 'verification_erased']);
  });
});

describe('retention: the Temporal Schedule erases what is older than RETENTION_DAYS', () => {
  it('purges a decided verification soon after its retention ends', async () => {
    // About two seconds of retention, a purge every two seconds.
    const system = await startTestSystem({ RETENTION_DAYS: String(2 / 86400), RETENTION_PURGE_INTERVAL_MS: '2000' });
    const schedule = system.temporal.schedule.getHandle(retentionScheduleId(system.config.TEMPORAL_TASK_QUEUE));
    try {
      const tenant = await system.createTenant();
      const created = await system.api(tenant.apiKey, 'POST', '/v1/verifications', { documentType: 'passport', mrz: passportMrz({ ...PERSON, documentNumber: 'ER4SE0003' }), metadata: { customer: 'Odalys' } });
      await system.waitForStatus(tenant.apiKey, created.body.id, ['completed']);
      await eventually(async () => (await system.api(tenant.apiKey, 'GET', `/v1/verifications/${created.body.id}`)).body.erasedAt !== null, 60_000, 'the purge');
      expect((await everything(system)).match(TRACES)?.[0] ?? null).toBeNull();

      const description = await schedule.describe();
      expect(description.spec.intervals?.[0]?.every).toBe(2000);
      expect(description.action).toMatchObject({ type: 'startWorkflow', workflowType: 'retentionPurgeWorkflow' });
      const purges: string[] = [];
      for await (const run of system.temporal.workflow.list({ query: `WorkflowType = 'retentionPurgeWorkflow' AND TaskQueue = '${system.config.TEMPORAL_TASK_QUEUE}'` })) purges.push(run.status.name);
      expect(purges).toContain('COMPLETED');
    } finally {
      await schedule.delete().catch(() => undefined);
      await system.stop();
    }
  }, 120_000);
});
