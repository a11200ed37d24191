import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { APPLICANT, passportMrz } from '../helpers/documents';
import { PROJECT_ROOT } from '../helpers/env';
import { startReceiver } from '../helpers/receiver';
import { startTestSystem, type TestSystem } from '../helpers/system';

const run = promisify(execFile);

describe('npm run kyc (admin CLI)', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system.stop();
  });

  async function kyc(...args: string[]): Promise<any> {
    const { stdout } = await run(path.join(PROJECT_ROOT, 'node_modules/.bin/tsx'), [path.join(PROJECT_ROOT, 'scripts/kyc.ts'), ...args], {
      cwd: PROJECT_ROOT,
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        DATABASE_URL: system.database.url,
        ENCRYPTION_KEY: system.config.ENCRYPTION_KEY,
        TEMPORAL_ADDRESS: system.config.TEMPORAL_ADDRESS,
        TEMPORAL_TASK_QUEUE: system.config.TEMPORAL_TASK_QUEUE,
      },
    });
    return JSON.parse(stdout);
  }

  it('creates clients, analysts and keys that work against the API, lists verifications and resends events', async () => {
    const client = await kyc('client:create', '--name', 'Acme Neobank');
    expect(client).toMatchObject({
      clientId: expect.stringMatching(/^cli_/),
      keyId: expect.stringMatching(/^key_/),
      apiKey: expect.stringMatching(/^kyc_client_/),
      signingSecret: expect.stringMatching(/^whsec_/),
    });
    const analyst = await kyc('analyst:create', '--name', 'Dana');
    expect(analyst.role).toBe('analyst');

    const receiver = await startReceiver();
    try {
      const created = await system.api(client.apiKey, 'POST', '/v1/verifications', { documentType: 'passport', mrz: passportMrz(), callbackUrl: receiver.url });
      expect(created.status).toBe(202);
      expect((await system.api(analyst.apiKey, 'GET', '/v1/reviews')).status).toBe(200);
      await system.waitForStatus(client.apiKey, created.body.id, ['completed']);
      const [first] = await receiver.waitFor(4);

      const listed = await kyc('verifications:list', '--client', client.clientId);
      expect(listed.map((v: { id: string }) => v.id)).toEqual([created.body.id]);

      const resent = await kyc('events:resend', first!.headers['webhook-id']!);
      expect(resent).toHaveLength(1);
      const again = (await receiver.waitFor(5))[4]!;
      expect(again.headers['webhook-id']).toBe(first!.headers['webhook-id']);
    } finally {
      await receiver.close();
    }

    // A test-mode key: the sandbox, which sees none of the live verifications.
    const test = await kyc('key:create', '--test', '--client', client.clientId);
    expect(test).toMatchObject({ livemode: false, apiKey: expect.stringMatching(/^kyc_test_/) });
    const live = (await system.api(client.apiKey, 'GET', '/v1/verifications')).body.data.length;
    expect(live).toBeGreaterThan(0);
    expect((await system.api(test.apiKey, 'GET', '/v1/verifications')).body.data).toEqual([]);

    const extra = await kyc('key:create', '--role', 'client', '--client', client.clientId);
    expect((await system.api(extra.apiKey, 'GET', '/v1/verifications')).status).toBe(200);
    expect(await kyc('key:revoke', extra.keyId)).toEqual({ revoked: true });
    expect((await system.api(extra.apiKey, 'GET', '/v1/verifications')).status).toBe(401);
    // The key client:create printed can be revoked by its id too.
    expect(await kyc('key:revoke', client.keyId)).toEqual({ revoked: true });
    expect((await system.api(client.apiKey, 'GET', '/v1/verifications')).status).toBe(401);
  });

  it('reviews and cancels verifications through the same use cases as the API', async () => {
    const client = await kyc('client:create', '--name', 'Review Desk');
    const doubtful = { documentType: 'passport', mrz: passportMrz(), applicant: { ...APPLICANT, lastName: 'Andersson' } };
    const toReview = await system.api(client.apiKey, 'POST', '/v1/verifications', doubtful);
    expect(toReview.status).toBe(202);
    await system.waitForStatus(client.apiKey, toReview.body.id, ['awaiting_review']);
    await expect(kyc('verifications:review', toReview.body.id, '--decision', 'maybe', '--reason', 'x')).rejects.toMatchObject({ code: 2 });
    expect(await kyc('verifications:review', toReview.body.id, '--decision', 'accepted', '--reason', 'name_change_documented')).toMatchObject({ status: 'completed', decision: 'accepted' });
    // Decided: the same refusal the API answers with 409.
    await expect(kyc('verifications:review', toReview.body.id, '--decision', 'rejected', '--reason', 'suspected_forgery')).rejects.toMatchObject({ stderr: expect.stringContaining('not_awaiting_review') });

    const toCancel = await system.api(client.apiKey, 'POST', '/v1/verifications', doubtful);
    await system.waitForStatus(client.apiKey, toCancel.body.id, ['awaiting_review']);
    expect(await kyc('verifications:cancel', toCancel.body.id)).toMatchObject({ status: 'cancelled', stage: 'awaiting_review' });
    await expect(kyc('verifications:cancel', toCancel.body.id)).rejects.toMatchObject({ stderr: expect.stringContaining('verification_completed') });
  });

  it('explains its usage on a bad command', async () => {
    await expect(kyc('frobnicate')).rejects.toMatchObject({ stderr: expect.stringContaining('unknown command: frobnicate') });
  });
});
