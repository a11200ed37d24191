import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Connection, Client } from '@temporalio/client';
import { Webhook } from 'standardwebhooks';
import { workflowIdFor } from '../../domain/temporal';
import { PROJECT_ROOT } from '../helpers/env';
import { freePort } from '../helpers/ports';
import { startReceiver } from '../helpers/receiver';

const MRZ = 'P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10';

/** Processes whose command line mentions `needle` (our fresh data folder is unique to this test). */
function processesMentioning(needle: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((line) => line.includes(needle) && !line.includes('ps -eo'));
}

/**
 * The API's address from npm start's banner (PORT=0: the port is the system's choice, made after the
 * Temporal dev server has taken its own ports, so none chosen beforehand can be taken meanwhile).
 */
async function waitForApi(child: ChildProcess, output: () => string, timeoutMs = 120_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`npm start exited early:\n${output()}`);
    const api = /API: +(http:\/\/\S+) /.exec(output())?.[1];
    if (api) return api;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`npm start printed no API address:\n${output()}`);
}

describe('npm start (smoke)', () => {
  it('serves the API and Temporal UI on embedded defaults, delivers a signed webhook, and stops cleanly on SIGINT', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycflow-smoke-'));
    const [temporalPort, uiPort] = [await freePort(), await freePort()];
    const receiver = await startReceiver();
    const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', TEMPORAL_DEV_PORT: String(temporalPort), TEMPORAL_DEV_UI_PORT: String(uiPort), DATA_DIR: dataDir };
    for (const key of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'ENCRYPTION_KEY', 'WEBHOOK_ALLOW_PRIVATE_HOSTS', 'NODE_OPTIONS']) delete env[key];
    // Its own process group, so SIGINT reaches every process as Ctrl-C in a terminal would.
    const child = spawn('npm', ['start'], { cwd: PROJECT_ROOT, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.once('exit', (code, signal) => resolve({ code, signal })),
    );

    try {
      const api = await waitForApi(child, () => output);
      expect((await fetch(`${api}/healthz`)).status).toBe(200);
      expect(output).toContain(`Temporal UI:  http://localhost:${uiPort}`);
      expect((await fetch(`http://127.0.0.1:${uiPort}/`)).status).toBe(200);
      expect((await fetch(`${api}/readyz`)).status).toBe(200);
      // The analyst console is served by npm start, its script built on the fly.
      expect(output).toContain(`Console:      ${api}/console`);
      expect(await (await fetch(`${api}/console`)).text()).toContain('/console/app.js');
      expect((await fetch(`${api}/console/app.js`)).status).toBe(200);

      const keys = JSON.parse(fs.readFileSync(path.join(dataDir, 'dev-keys.json'), 'utf8'));
      expect(output).toContain(keys.clientKey);
      // The sandbox key is printed too, and works: a test-mode verification, marked so.
      expect(output).toContain(keys.testKey);
      const sandboxed = await fetch(`${api}/v1/verifications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.testKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ documentType: 'passport', mrz: MRZ, sandbox: 'review' }),
      });
      expect([sandboxed.status, ((await sandboxed.json()) as { livemode: boolean }).livemode]).toEqual([202, false]);
      const response = await fetch(`${api}/v1/verifications`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.clientKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ documentType: 'passport', mrz: MRZ, callbackUrl: receiver.url }),
      });
      expect(response.status).toBe(202);
      const { id } = (await response.json()) as { id: string };

      const [request] = await receiver.waitFor(1, 60_000);
      const event = new Webhook(keys.signingSecret).verify(request!.body, request!.headers) as { type: string; data: { verificationId: string } };
      expect(event).toMatchObject({ type: 'verification.submitted', data: { verificationId: id } });

      const connection = await Connection.connect({ address: `127.0.0.1:${temporalPort}` });
      try {
        const description = await new Client({ connection }).workflow.getHandle(workflowIdFor(id)).describe();
        expect(description.typedSearchAttributes.getAll().map((pair) => pair.key.name)).toEqual(expect.arrayContaining(['KycStage', 'KycClientId']));
      } finally {
        await connection.close();
      }
      expect(processesMentioning(dataDir).some((line) => line.includes('temporal'))).toBe(true);

      process.kill(-child.pid!, 'SIGINT');
      // npm itself ends by the signal (as on Ctrl-C); our process must exit cleanly and take Temporal with it.
      expect([0, 'SIGINT']).toContain((await exited).code ?? (await exited).signal);
      const deadline = Date.now() + 20_000;
      while (processesMentioning(dataDir).length > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
      expect(processesMentioning(dataDir)).toEqual([]);
      expect(output).not.toMatch(/"level":(50|60)/);
    } finally {
      if (child.exitCode === null) {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // the group is already gone
        }
      }
      await receiver.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
