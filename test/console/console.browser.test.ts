/// <reference lib="dom" />
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { renderDocument } from '../../corpus/render';
import { APPLICANT, PERSON, passportMrz } from '../helpers/documents';
import { startReceiver, type Receiver } from '../helpers/receiver';
import { startTestSystem, type TestClient, type TestSystem } from '../helpers/system';
import { eventually } from '../helpers/wait';

/** Screenshots for the README and CI artifacts (git-ignored). */
const ARTIFACTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'console');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The analyst console in a real browser (Debian's Chromium driven by playwright-core): sign in, the
 * queue, a case with its document image, a claim held against a second analyst, a rejection with a
 * reason, the next case opening, and the client's `verification.completed` webhook.
 */
describe('the analyst console in a browser', () => {
  let system: TestSystem;
  let receiver: Receiver;
  let tenant: TestClient;
  let browser: Browser;
  let dana: string;
  let omar: string;
  const cases: string[] = [];

  const submit = async (reference: string) => {
    const response = await system.api(tenant.apiKey, 'POST', '/v1/verifications', {
      documentType: 'passport',
      reference,
      images: { front: renderDocument({ kind: 'passport', person: PERSON }).toString('base64') },
      // The declared surname is not the document's: a case for an analyst.
      applicant: { ...APPLICANT, lastName: 'Andersson' },
    });
    expect(response.status).toBe(202);
    return response.body.id as string;
  };

  async function signIn(key: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${system.baseUrl}/console`);
    await page.getByLabel('Analyst or admin API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Review queue' }).waitFor();
    return { context, page };
  }

  beforeAll(async () => {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    system = await startTestSystem();
    receiver = await startReceiver();
    tenant = await system.createTenant('Browser tenant');
    expect((await system.api(tenant.apiKey, 'POST', '/v1/webhook-endpoints', { url: receiver.url })).status).toBe(201);
    dana = await system.createAnalyst('Dana');
    omar = await system.createAnalyst('Omar');
    cases.push(await submit('signup-1001'), await submit('signup-1002'));
    for (const id of cases) await system.waitForStatus(tenant.apiKey, id, ['awaiting_review'], 90_000);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await receiver?.close();
    await system?.stop();
  });

  it('signs in with a key kept out of the browser: an HttpOnly, SameSite=Strict session cookie', async () => {
    const { context, page } = await signIn(dana);
    const cookies = await context.cookies();
    expect(cookies).toEqual([expect.objectContaining({ name: 'kyc_console', httpOnly: true, sameSite: 'Strict' })]);
    const stored = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    expect(stored).not.toContain(dana);
    await expect(page.locator('#who').textContent()).resolves.toBe('Dana (analyst)');
    await context.close();

    const refused = await browser.newPage();
    await refused.goto(`${system.baseUrl}/console`);
    await refused.getByLabel('Analyst or admin API key').fill(tenant.apiKey);
    await refused.getByRole('button', { name: 'Sign in' }).click();
    await refused.waitForFunction(() => document.querySelector('#signin-error')?.textContent !== '');
    await expect(refused.locator('#signin-error').textContent()).resolves.toMatch(/not an analyst or admin key/);
    await refused.close();
  });

  it('works a case: queue, document image, claim against another analyst, reject with a reason, next case, webhook', async () => {
    const { context, page } = await signIn(dana);
    for (const id of cases) await page.locator(`tr[data-id="${id}"]`).waitFor();
    await page.screenshot({ path: path.join(ARTIFACTS, 'queue.png') });

    // Dana opens the first case: it is hers, the image loads, the declared surname is flagged.
    await page.locator(`tr[data-id="${cases[0]}"]`).getByRole('button', { name: 'Open' }).click();
    await page.getByRole('heading', { name: 'Case signup-1001' }).waitFor();
    const image = page.locator('#document-image');
    await image.waitFor();
    await page.waitForFunction(() => ((document.querySelector('#document-image') as HTMLImageElement | null)?.naturalWidth ?? 0) > 0);
    expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(100);
    await expect(page.locator('td.differs').allTextContents()).resolves.toEqual(['Andersson (differs)']);
    await expect(page.locator('#mrz').textContent()).resolves.toContain('LINDQVIST');
    await page.screenshot({ path: path.join(ARTIFACTS, 'case.png'), fullPage: true });

    // Omar, in another browser, sees it held by Dana and cannot decide it; the queue says so too.
    const omarSide = await signIn(omar);
    await expect(omarSide.page.locator(`tr[data-id="${cases[0]}"] td.claim`).textContent()).resolves.toMatch(/^with Dana, \d+ min$/);
    await omarSide.page.goto(`${system.baseUrl}/console#/case/${cases[0]}`);
    await omarSide.page.locator('#claim-notice').waitFor();
    await expect(omarSide.page.locator('#claim-notice').textContent()).resolves.toMatch(/Read only: The case is with Dana/);
    await expect(omarSide.page.locator('#decide-submit').isDisabled()).resolves.toBe(true);
    await omarSide.context.close();

    // Dana rejects with the keyboard and a reason from the list; the next case opens.
    await page.locator('body').press('r');
    await page.getByLabel('Reason').selectOption('applicant_mismatch_confirmed');
    await page.getByLabel('Note (optional)').fill('Declared surname is not on the document');
    await page.getByRole('button', { name: 'Record decision' }).click();
    await page.getByRole('heading', { name: 'Case signup-1002' }).waitFor();

    const decided = await system.waitForStatus(tenant.apiKey, cases[0]!, ['completed']);
    expect(decided).toMatchObject({ decision: 'rejected', review: { reason: 'applicant_mismatch_confirmed', analystName: 'Dana', note: 'Declared surname is not on the document' } });
    const completed = await eventually(
      async () => receiver.requests.map((r) => JSON.parse(r.body)).find((e) => e.type === 'verification.completed' && e.data.verificationId === cases[0]),
      30_000,
      'the verification.completed webhook',
    );
    expect(completed.data).toMatchObject({ decision: 'rejected' });

    // An error from the review Update is shown plainly: the second case decided elsewhere meanwhile.
    await system.api(await system.createAdmin(), 'POST', `/v1/verifications/${cases[1]}/review`, { decision: 'accepted', reason: 'document_genuine' });
    await page.locator('body').press('a');
    await page.getByLabel('Reason').selectOption('document_genuine');
    await page.getByRole('button', { name: 'Record decision' }).click();
    await page.locator('#decide-error').filter({ hasText: 'no longer awaiting review' }).waitFor();

    // History finds the decided case by reference, read-only; sign-out ends the session.
    await page.getByRole('link', { name: 'History' }).click();
    await page.getByLabel('Reference or id').fill('signup-1001');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('cell', { name: 'Dana' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to the kycflow console' }).waitFor();
    const after = await page.evaluate(async () => (await fetch('/v1/reviews')).status);
    expect(after).toBe(401);
    await context.close();
  }, 120_000);

  it('an admin takes over a case another analyst holds', async () => {
    const created = await system.api(tenant.apiKey, 'POST', '/v1/verifications', { documentType: 'passport', reference: 'signup-1003', mrz: passportMrz(), applicant: { ...APPLICANT, lastName: 'Andersson' } });
    await system.waitForStatus(tenant.apiKey, created.body.id, ['awaiting_review']);
    expect((await system.api(dana, 'POST', `/v1/verifications/${created.body.id}/claim`)).status).toBe(200);
    const { context, page } = await signIn(await system.createAdmin('Ada'));
    await page.goto(`${system.baseUrl}/console#/case/${created.body.id}`);
    await page.locator('#claim-notice').waitFor();
    await expect(page.locator('#decide-submit').isDisabled()).resolves.toBe(true);
    await page.getByRole('button', { name: 'Take over (admin)' }).click();
    await page.waitForFunction(() => !(document.querySelector('#decide-submit') as HTMLButtonElement | null)?.disabled);
    await expect(page.locator('#no-image').textContent()).resolves.toMatch(/MRZ text/);
    expect((await system.api(dana, 'GET', `/v1/verifications/${created.body.id}`)).body.claim.analyst.name).toBe('Ada');
    await context.close();
  });

  it('reopens a decided case, which is then decided again in the console', async () => {
    const created = await system.api(tenant.apiKey, 'POST', '/v1/verifications', { documentType: 'passport', reference: 'signup-1005', mrz: passportMrz() });
    expect(await system.waitForStatus(tenant.apiKey, created.body.id, ['completed'])).toMatchObject({ decision: 'accepted' });
    const { context, page } = await signIn(dana);
    await page.goto(`${system.baseUrl}/console#/case/${created.body.id}`);
    await page.getByRole('heading', { name: 'Reopen' }).waitFor();
    await page.getByLabel('Reason code').fill('Not A Code');
    await page.getByRole('button', { name: 'Reopen for review' }).click();
    // The browser's own pattern check keeps a bad code from being sent.
    expect((await system.api(dana, 'GET', `/v1/verifications/${created.body.id}`)).body.status).toBe('completed');
    await page.getByLabel('Reason code').fill('suspected_fraud');
    await page.getByLabel('Note (optional)').fill('Same face under another name');
    await page.getByRole('button', { name: 'Reopen for review' }).click();
    await page.getByRole('heading', { name: 'Decide' }).waitFor();
    await page.waitForFunction(() => !(document.querySelector('#decide-submit') as HTMLButtonElement | null)?.disabled);
    await expect(page.locator('#case-status').textContent()).resolves.toBe('awaiting_review');
    await page.locator('body').press('r');
    await page.getByLabel('Reason').selectOption('suspected_forgery');
    await page.getByRole('button', { name: 'Record decision' }).click();
    const decided = await eventually(async () => {
      const v = (await system.api(dana, 'GET', `/v1/verifications/${created.body.id}`)).body;
      return v.status === 'completed' && v;
    });
    expect(decided).toMatchObject({ decision: 'rejected', review: { reopened: { reason: 'suspected_fraud', analystName: 'Dana' } } });
    await context.close();
  });

  it('has no serious accessibility violations (axe-core, WCAG 2 A/AA) on the sign-in page, the queue, a case and a decided one', async () => {
    const created = await system.api(tenant.apiKey, 'POST', '/v1/verifications', { documentType: 'passport', reference: 'signup-1004', mrz: passportMrz(), applicant: { ...APPLICANT, lastName: 'Andersson' } });
    await system.waitForStatus(tenant.apiKey, created.body.id, ['awaiting_review']);
    // axe is injected as a script, which the console's CSP (rightly) forbids: bypassed for this check only.
    const context = await browser.newContext({ bypassCSP: true, viewport: { width: 1360, height: 900 } });
    const page = await context.newPage();
    const violations = async (where: string) => {
      await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
      const result = await page.evaluate(async () => {
        const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Array<{ id: string; impact: string; nodes: unknown[] }> }> } }).axe;
        return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } });
      });
      return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${where}: ${v.id} (${v.nodes.length})`);
    };
    await page.goto(`${system.baseUrl}/console`);
    await page.getByLabel('Analyst or admin API key').waitFor();
    const found = await violations('sign-in');
    await page.getByLabel('Analyst or admin API key').fill(omar);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.locator(`tr[data-id="${created.body.id}"]`).waitFor();
    found.push(...(await violations('queue')));
    await page.goto(`${system.baseUrl}/console#/case/${created.body.id}`);
    await page.locator('#decide-submit').waitFor();
    await page.locator('#timeline').waitFor();
    found.push(...(await violations('case')));
    // A decided case, with its reopen form.
    await page.goto(`${system.baseUrl}/console#/case/${cases[0]}`);
    await page.locator('#reopen-submit').waitFor();
    await page.locator('#timeline').waitFor();
    found.push(...(await violations('decided case')));
    expect(found).toEqual([]);
    await context.close();
  });
});
