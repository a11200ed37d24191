import { sql } from 'kysely';
import { APPLICANT, passportMrz, PNG_1PX } from '../helpers/documents';
import { startTestSystem, type TestClient, type TestSystem } from '../helpers/system';


/**
 * What the analyst console stands on (issue 13): the document images, claims on cases, the deciding
 * analyst's name, and the audit trail of reads and decisions.
 */
describe('review cases: document images, claims, audit trail', () => {
  let system: TestSystem;
  let tenant: TestClient;
  let otherTenant: TestClient;
  let dana: string;
  let omar: string;
  let admin: string;

  const awaitingReview = async () => {
    // A declared surname the document does not carry: a case for an analyst.
    const created = await system.api(tenant.apiKey, 'POST', '/v1/verifications', { documentType: 'passport', mrz: passportMrz(), applicant: { ...APPLICANT, lastName: 'Andersson' } });
    expect(created.status).toBe(202);
    await system.waitForStatus(tenant.apiKey, created.body.id, ['awaiting_review']);
    return created.body.id as string;
  };
  const audit = async (query: string) => (await system.api(admin, 'GET', `/v1/audit-events?${query}`)).body.data as Array<{ action: string; actor: { name: string; role: string }; verificationId: string }>;

  beforeAll(async () => {
    system = await startTestSystem();
    tenant = await system.createTenant('Tenant');
    otherTenant = await system.createTenant('Other tenant');
    dana = await system.createAnalyst('Dana');
    omar = await system.createAnalyst('Omar');
    admin = await system.createAdmin('Ada (admin)');
  });
  afterAll(async () => {
    await system.stop();
  });

  describe('GET /v1/verifications/:id/documents/:side', () => {
    let withImage: string;
    let mrzOnly: string;

    beforeAll(async () => {
      withImage = (await system.api(tenant.apiKey, 'POST', '/v1/verifications', { documentType: 'passport', images: { front: PNG_1PX } })).body.id;
      mrzOnly = (await system.api(tenant.apiKey, 'POST', '/v1/verifications', { documentType: 'passport', mrz: passportMrz() })).body.id;
    });

    it('streams the stored image to the owning client, never cached, and does not audit a client reading its own data', async () => {
      const response = await fetch(`${system.baseUrl}/v1/verifications/${withImage}/documents/front`, { headers: { authorization: `Bearer ${tenant.apiKey}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('image/png');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(PNG_1PX, 'base64'))).toBe(true);
      expect(await audit(`verificationId=${withImage}&action=document.viewed`)).toEqual([]);
    });

    it('serves analysts and admins, each read audited with the actor', async () => {
      expect((await fetch(`${system.baseUrl}/v1/verifications/${withImage}/documents/front`, { headers: { authorization: `Bearer ${dana}` } })).status).toBe(200);
      expect((await fetch(`${system.baseUrl}/v1/verifications/${withImage}/documents/front`, { headers: { authorization: `Bearer ${admin}` } })).status).toBe(200);
      expect((await audit(`verificationId=${withImage}&action=document.viewed`)).map((e) => e.actor.name)).toEqual(['Ada (admin)', 'Dana']);
    });

    it('is 404 for another client, no_document_image for MRZ text or a side not sent, 400 for an unknown side', async () => {
      expect((await system.api(otherTenant.apiKey, 'GET', `/v1/verifications/${withImage}/documents/front`)).body.error.code).toBe('not_found');
      const mrz = await system.api(dana, 'GET', `/v1/verifications/${mrzOnly}/documents/front`);
      expect([mrz.status, mrz.body.error.code]).toEqual([404, 'no_document_image']);
      expect((await system.api(tenant.apiKey, 'GET', `/v1/verifications/${withImage}/documents/back`)).body.error.code).toBe('no_document_image');
      const side = await system.api(tenant.apiKey, 'GET', `/v1/verifications/${withImage}/documents/selfie`);
      expect([side.status, side.body.error.code]).toEqual([400, 'validation_failed']);
      expect((await system.api(tenant.apiKey, 'GET', `/v1/verifications/ver_missing/documents/front`)).status).toBe(404);
    });
  });

  describe('claims', () => {
    it('one analyst holds a case: another gets 409 case_claimed on claim and review; an admin may take it over', async () => {
      const id = await awaitingReview();
      const claimed = await system.api(dana, 'POST', `/v1/verifications/${id}/claim`);
      expect(claimed.status).toBe(200);
      expect(claimed.body).toMatchObject({ verificationId: id, analyst: { name: 'Dana' } });
      expect(Date.parse(claimed.body.expiresAt) - Date.now()).toBeGreaterThan(14 * 60_000);
      // Claiming again renews it.
      expect((await system.api(dana, 'POST', `/v1/verifications/${id}/claim`)).status).toBe(200);

      const taken = await system.api(omar, 'POST', `/v1/verifications/${id}/claim`);
      expect([taken.status, taken.body.error.code]).toEqual([409, 'case_claimed']);
      expect(taken.body.error.message).toMatch(/with Dana for \d+ more min/);
      const review = await system.api(omar, 'POST', `/v1/verifications/${id}/review`, { decision: 'accepted', reason: 'document_genuine' });
      expect([review.status, review.body.error.code]).toEqual([409, 'case_claimed']);
      // An analyst may not override; an admin may.
      expect((await system.api(omar, 'POST', `/v1/verifications/${id}/claim`, { override: true })).status).toBe(409);
      expect((await system.api(admin, 'POST', `/v1/verifications/${id}/claim`, { override: true })).body.analyst.name).toBe('Ada (admin)');
      expect((await system.api(dana, 'POST', `/v1/verifications/${id}/review`, { decision: 'accepted', reason: 'document_genuine' })).body.error.code).toBe('case_claimed');

      // The queue and the case show who holds it.
      const queue = await system.api(omar, 'GET', '/v1/reviews?reason=applicant_mismatch');
      const row = queue.body.data.find((v: { id: string }) => v.id === id);
      expect(row).toMatchObject({ claim: { analyst: { name: 'Ada (admin)' } }, applicant: { lastName: 'Andersson' }, review: { deadline: expect.any(String) } });
      expect(Date.parse(row.review.deadline)).toBeGreaterThan(Date.now() + 71 * 3_600_000);
      expect((await system.api(dana, 'GET', `/v1/verifications/${id}`)).body.claim.analyst.name).toBe('Ada (admin)');

      // Released, the case is free; the decision names the analyst and ends the claim.
      expect((await system.api(admin, 'DELETE', `/v1/verifications/${id}/claim`)).status).toBe(204);
      expect((await system.api(omar, 'POST', `/v1/verifications/${id}/claim`)).status).toBe(200);
      const decided = await system.api(omar, 'POST', `/v1/verifications/${id}/review`, { decision: 'rejected', reason: 'applicant_mismatch_confirmed', note: 'different person' });
      expect(decided.status).toBe(200);
      expect(decided.body.review).toMatchObject({ decision: 'rejected', reason: 'applicant_mismatch_confirmed', analystName: 'Omar', analystId: expect.stringMatching(/^key_/) });
      expect((await system.api(dana, 'GET', `/v1/verifications/${id}`)).body.claim).toBeNull();
      expect((await system.api(dana, 'POST', `/v1/verifications/${id}/claim`)).body.error.code).toBe('not_awaiting_review');
    });

    it('the queue filters by reason and client', async () => {
      const id = await awaitingReview();
      const byReason = await system.api(dana, 'GET', '/v1/reviews?reason=applicant_mismatch&limit=100');
      expect(byReason.body.data.map((v: { id: string }) => v.id)).toContain(id);
      expect((await system.api(dana, 'GET', '/v1/reviews?reason=document_expired&limit=100')).body.data.map((v: { id: string }) => v.id)).not.toContain(id);
      expect((await system.api(dana, 'GET', `/v1/reviews?clientId=${otherTenant.id}`)).body.data).toEqual([]);
      expect((await system.api(dana, 'GET', `/v1/reviews?clientId=${tenant.id}&limit=100`)).body.data.map((v: { id: string }) => v.id)).toContain(id);
      expect((await system.api(dana, 'GET', '/v1/reviews?reason=Not-A-Code')).status).toBe(400);
    });
  });

  describe('the audit trail', () => {
    it('records reads, claims and decisions by analysts and admins, ids only, newest first; admins only', async () => {
      const id = await awaitingReview();
      await system.api(tenant.apiKey, 'GET', `/v1/verifications/${id}`); // the client's own read: not audited
      await system.api(dana, 'GET', `/v1/verifications/${id}`);
      await system.api(dana, 'POST', `/v1/verifications/${id}/claim`);
      await system.api(dana, 'POST', `/v1/verifications/${id}/review`, { decision: 'accepted', reason: 'name_change_documented' });
      const events = await audit(`verificationId=${id}`);
      expect(events.map((e) => [e.action, e.actor.name])).toEqual([
        ['review.decided', 'Dana'],
        ['case.claimed', 'Dana'],
        ['verification.viewed', 'Dana'],
      ]);
      expect(events.every((e) => e.verificationId === id && e.actor.role === 'analyst')).toBe(true);

      // Paging and filters.
      const page1 = await system.api(admin, 'GET', `/v1/audit-events?verificationId=${id}&limit=2`);
      expect(page1.body).toMatchObject({ hasMore: true, nextCursor: expect.any(String) });
      const page2 = await system.api(admin, 'GET', `/v1/audit-events?verificationId=${id}&limit=2&cursor=${page1.body.nextCursor}`);
      expect(page2.body.data.map((e: { action: string }) => e.action)).toEqual(['verification.viewed']);
      expect((await audit(`action=case.claimed&verificationId=${id}`)).length).toBe(1);
      expect((await system.api(admin, 'GET', '/v1/audit-events?action=nope')).status).toBe(400);

      // Only admins read it; nobody can change it.
      expect((await system.api(dana, 'GET', '/v1/audit-events')).status).toBe(403);
      expect((await system.api(tenant.apiKey, 'GET', '/v1/audit-events')).status).toBe(403);
      await expect(sql`UPDATE audit_events SET action = 'x'`.execute(system.database.db)).rejects.toThrow(/append-only/);
      await expect(sql`DELETE FROM audit_events`.execute(system.database.db)).rejects.toThrow(/append-only/);
    });

    it('a list read by an analyst is audited per case listed', async () => {
      const id = await awaitingReview();
      await system.api(omar, 'GET', '/v1/reviews?limit=100');
      expect((await audit(`verificationId=${id}&action=verification.listed`)).map((e) => e.actor.name)).toEqual(['Omar']);
    });
  });

  describe('console sessions', () => {
    const signIn = (body: string, contentType = 'application/json') => fetch(`${system.baseUrl}/console/session`, { method: 'POST', headers: { 'content-type': contentType }, body });

    it('exchange an analyst or admin key for an HttpOnly, SameSite=Strict cookie; client keys, bad keys and form posts are refused', async () => {
      expect((await signIn(JSON.stringify({ apiKey: tenant.apiKey }))).status).toBe(403);
      expect((await signIn(JSON.stringify({ apiKey: 'kyc_analyst_nope' }))).status).toBe(401);
      expect((await signIn(`apiKey=${encodeURIComponent(dana)}`, 'application/x-www-form-urlencoded')).status).toBe(415);
      const response = await signIn(JSON.stringify({ apiKey: dana }));
      expect(response.status).toBe(201);
      const cookie = response.headers.get('set-cookie')!;
      expect(cookie).toMatch(/^kyc_console=[\w-]{43}; Max-Age=28800; Path=\/; Expires=.*; HttpOnly; SameSite=Strict$/);
      const body = await response.json();
      expect(body).toMatchObject({ analyst: { name: 'Dana', role: 'analyst' }, csrfToken: expect.any(String), reasonCodes: expect.arrayContaining(['document_genuine', 'other']) });
      expect(JSON.stringify(body)).not.toContain(dana);
    });

    it('the cookie authenticates API calls; a change needs the CSRF token; signing out ends it', async () => {
      const response = await signIn(JSON.stringify({ apiKey: omar }));
      const cookie = response.headers.get('set-cookie')!.split(';')[0]!;
      const { csrfToken } = await response.json();
      const call = (method: string, path: string, headers: Record<string, string> = {}) => fetch(`${system.baseUrl}${path}`, { method, headers: { cookie, ...headers } });
      expect((await call('GET', '/v1/reviews')).status).toBe(200);
      const id = await awaitingReview();
      const forged = await call('POST', `/v1/verifications/${id}/claim`);
      expect([forged.status, (await forged.json()).error.code]).toEqual([403, 'csrf_failed']);
      expect((await call('POST', `/v1/verifications/${id}/claim`, { 'x-csrf-token': csrfToken })).status).toBe(200);
      expect((await audit(`verificationId=${id}&action=case.claimed`)).map((e) => e.actor.name)).toEqual(['Omar']);

      expect((await call('DELETE', '/console/session')).status).toBe(403);
      expect((await call('DELETE', '/console/session', { 'x-csrf-token': csrfToken })).status).toBe(204);
      expect((await call('GET', '/v1/reviews')).status).toBe(401);
      expect((await call('GET', '/console/session')).status).toBe(401);
    });

    it('serves the console page with a strict content security policy, no caching', async () => {
      const page = await fetch(`${system.baseUrl}/console`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(page.headers.get('cache-control')).toBe('no-store');
      expect(await page.text()).toContain('<script type="module" src="/console/app.js">');
      expect((await fetch(`${system.baseUrl}/console/app.js`)).headers.get('content-type')).toMatch(/javascript/);
    });
  });
});
