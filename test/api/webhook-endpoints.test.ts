import { startTestSystem, type TestClient, type TestSystem } from '../helpers/system';

describe('/v1/webhook-endpoints', () => {
  let system: TestSystem;
  let alice: TestClient;
  let bob: TestClient;

  beforeAll(async () => {
    // No allow-list here: private and loopback addresses must be refused.
    system = await startTestSystem({ WEBHOOK_ALLOW_PRIVATE_HOSTS: '' });
    alice = await system.createTenant('Alice');
    bob = await system.createTenant('Bob');
  });
  afterAll(async () => {
    await system.stop();
  });

  it('creates an endpoint and shows its secret once', async () => {
    const created = await system.api(alice.apiKey, 'POST', '/v1/webhook-endpoints', {
      url: 'https://8.8.8.8/kyc-hooks',
      eventTypes: ['verification.completed'],
      description: 'decisions only',
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^whe_/), url: 'https://8.8.8.8/kyc-hooks', eventTypes: ['verification.completed'], status: 'enabled' });
    expect(created.body.secret).toMatch(/^whsec_/);

    const fetched = await system.api(alice.apiKey, 'GET', `/v1/webhook-endpoints/${created.body.id}`);
    expect(fetched.status).toBe(200);
    expect(fetched.body.secret).toBeUndefined();
    const list = await system.api(alice.apiKey, 'GET', '/v1/webhook-endpoints');
    expect(list.body.data.map((e: { id: string }) => e.id)).toContain(created.body.id);
    expect(JSON.stringify(list.body)).not.toContain('whsec_');

    const row = await system.database.db.selectFrom('webhook_endpoints').select('secret_enc').where('id', '=', created.body.id).executeTakeFirstOrThrow();
    expect(row.secret_enc).not.toContain(created.body.secret.slice(6));
    expect(system.secrets.decrypt(row.secret_enc)).toBe(created.body.secret);
  });

  it.each([
    ['a private address', 'http://10.0.0.1/hook'],
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data'],
    ['IPv6 loopback', 'http://[::1]:8080/hook'],
    ['IPv4 loopback', 'http://127.0.0.1:4000/hook'],
    ['a name resolving to loopback', 'http://localhost:4000/hook'],
    ['an IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/hook'],
  ])('refuses %s at registration', async (_name, url) => {
    const response = await system.api(alice.apiKey, 'POST', '/v1/webhook-endpoints', { url });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('url_not_allowed');
  });

  it('refuses a private callbackUrl on a verification too', async () => {
    const response = await system.api(alice.apiKey, 'POST', '/v1/verifications', {
      documentType: 'passport',
      mrz: 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10',
      callbackUrl: 'http://192.168.0.10/cb',
    });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('url_not_allowed');
  });

  it('updates, disables, rotates and deletes; another client sees 404 for all of it', async () => {
    const { body: endpoint } = await system.api(alice.apiKey, 'POST', '/v1/webhook-endpoints', { url: 'https://8.8.4.4/a' });
    const path = `/v1/webhook-endpoints/${endpoint.id}`;

    const patched = await system.api(alice.apiKey, 'PATCH', path, { url: 'https://8.8.4.4/b', eventTypes: ['verification.submitted'], enabled: false });
    expect(patched.body).toMatchObject({ url: 'https://8.8.4.4/b', eventTypes: ['verification.submitted'], status: 'disabled', enabled: false });
    const reenabled = await system.api(alice.apiKey, 'PATCH', path, { status: 'enabled' });
    expect(reenabled.body.status).toBe('enabled');
    expect((await system.api(alice.apiKey, 'PATCH', path, { url: 'http://10.1.1.1/' })).body.error.code).toBe('url_not_allowed');
    expect((await system.api(alice.apiKey, 'PATCH', path, { eventTypes: ['verification.exploded'] })).status).toBe(400);

    const rotated = await system.api(alice.apiKey, 'POST', `${path}/rotate-secret`, { gracePeriodSeconds: 3600 });
    expect(rotated.status).toBe(200);
    expect(rotated.body.secret).toMatch(/^whsec_/);
    expect(rotated.body.secret).not.toBe(endpoint.secret);
    expect(new Date(rotated.body.previousSecretExpiresAt).getTime()).toBeGreaterThan(Date.now());

    for (const [method, suffix] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['POST', '/rotate-secret'], ['GET', '/deliveries']] as const) {
      const response = await system.api(bob.apiKey, method, path + suffix, method === 'PATCH' ? { enabled: false } : method === 'POST' ? {} : undefined);
      expect([method + suffix, response.status]).toEqual([method + suffix, 404]);
    }

    expect((await system.api(alice.apiKey, 'DELETE', path)).status).toBe(204);
    expect((await system.api(alice.apiKey, 'GET', path)).status).toBe(404);
  });

  it('is for client keys only', async () => {
    const analyst = await system.createAnalyst();
    const response = await system.api(analyst, 'GET', '/v1/webhook-endpoints');
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('forbidden');
  });
});
