import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { passportMrz } from '../helpers/documents';
import { startTestSystem, type TestClient, type TestSystem } from '../helpers/system';

/** Synthetic personal data that must never reach a log line. */
const PERSONAL = {
  firstName: 'Ingrid-Solveig',
  lastName: 'Quillfeather',
  email: 'ingrid.quillfeather@example.org',
  key: 'signup-ingrid-quillfeather-1977',
  note: 'met Ingrid Quillfeather at the counter',
};

/** Issue 8, item 11: database errors are logged by code, constraint and table only. */
describe('logs carry no request data', () => {
  let system: TestSystem;
  let tenant: TestClient;
  const lines: string[] = [];
  const body = (reference: string) => ({
    documentType: 'passport',
    mrz: passportMrz(),
    reference,
    applicant: { firstName: PERSONAL.firstName, lastName: PERSONAL.lastName },
    metadata: { email: PERSONAL.email },
  });

  beforeAll(async () => {
    const logs = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    system = await startTestSystem({ LOG_LEVEL: 'info' }, { logs });
    tenant = await system.createTenant();
    // A constraint this deployment's database happens to have: PostgreSQL refuses the row and its
    // error detail quotes all of it ("Failing row contains (…)").
    await sql`alter table verifications add constraint verifications_log_probe check (reference is distinct from 'make-postgres-fail')`.execute(system.database.db);
  });
  afterAll(async () => {
    await system.stop();
  });

  it('an insert PostgreSQL refuses is a 500 logged by code, constraint and table', async () => {
    const response = await system.api(tenant.apiKey, 'POST', '/v1/verifications', body('make-postgres-fail'), { 'idempotency-key': PERSONAL.key });
    expect(response.status).toBe(500);
    expect(response.body.error.code).toBe('internal_error');
    const logged = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'unhandled API error');
    expect(logged.err).toEqual({ type: 'DatabaseError', code: '23514', constraint: 'verifications_log_probe', table: 'verifications' });
  });

  it('bad and concurrent input leaves no personal data in the logs either', async () => {
    const withNul = { ...body('nul'), applicant: { lastName: `${PERSONAL.lastName}\u0000` } };
    expect((await system.api(tenant.apiKey, 'POST', '/v1/verifications', withNul)).status).toBe(400);
    const same = await Promise.all(
      Array.from({ length: 4 }, () => system.api(tenant.apiKey, 'POST', '/v1/verifications', body('same'), { 'idempotency-key': `${PERSONAL.key}-2` })),
    );
    expect(same.map((r) => r.status)).toEqual([202, 202, 202, 202]);
    const analyst = await system.createAnalyst();
    const review = await system.api(analyst, 'POST', `/v1/verifications/${same[0]!.body.id}/review`, { decision: 'accepted', reason: 'seen', note: `${PERSONAL.note}\u0000` });
    expect(review.status).toBe(400);
  });

  it('none of the personal data sent above appears in any log line', () => {
    expect(lines.length).toBeGreaterThan(0);
    const all = lines.join('\n');
    for (const value of Object.values(PERSONAL)) expect(all).not.toContain(value);
  });
});
