import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { resolveTemporalBinary } from '../../temporal/binary';
import { freePort, killEveryChild, ManagedProcess, Postgres, sleep, TemporalServer, waitFor } from './cluster';
import { LoadClient } from './load';
import { FaultReceiver } from './receiver';
import { summariseWebhooks, type WebhookSummary } from './summary';
import { LOAD_SIZE, RECEIVER_DELAY_MS, SCENARIOS, SHORT, type FaultContext, type Scenario } from './scenarios';

/**
 * `npm run test:faults`: the service under faults, as deployed — see docs/reliability.md.
 *   --short            the CI's few scenarios (test/faults/scenarios.ts SHORT)
 *   --scenario a,b     only these
 *   --runs N           each scenario N times (default 1)
 *   --out FILE         the JSON report (default .data/faults/<time>.json)
 * Exits non-zero when a run misses a target (a verification lost or failed, a webhook missing or
 * out of order, a process that needs a hand restart).
 */
const ROOT = path.resolve(__dirname, '..', '..');
const LOST_AFTER_MS = 5 * 60_000;
const TERMINAL = ['completed', 'failed', 'cancelled'];

interface RunReport {
  scenario: string;
  run: number;
  ok: boolean;
  problems: string[];
  verifications: { started: number; answered202: number; unanswered: number; decided: number; failed: number; lost: number; sameKeyTwice: number };
  /** `failedAttempts`: delivery attempts that failed (the fault as the sender felt it). */
  webhooks: WebhookSummary & { failedAttempts: number; badSignatures: number };
  processes: { back: boolean; unexpectedExits: string[] };
  endpointGone?: { disabled: boolean; requestsAnswered410: number };
  /** Verifications answered 202 and not yet told `verification.completed` when the fault began. */
  inFlightAtFault: number;
  /** The longest time between two webhooks the receiver acknowledged, from the start of the fault. */
  longestSilenceSeconds: number;
  /** From the end of the fault to every verification decided and every webhook delivered. */
  recoverySeconds: number;
  totalSeconds: number;
}

interface Cluster {
  folder: string;
  postgres: Postgres;
  temporal: TemporalServer;
  encryptionKey: string;
}

let databases = 0;

async function runOnce(cluster: Cluster, scenario: Scenario, run: number): Promise<RunReport> {
  const started = Date.now();
  const n = ++databases;
  const databaseUrl = await cluster.postgres.createDatabase(`faults_${n}`);
  const apiPort = await freePort();
  const api = `http://127.0.0.1:${apiPort}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    DATA_DIR: path.join(cluster.folder, 'data'),
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: cluster.temporal.address,
    TEMPORAL_TASK_QUEUE: `faults-${n}`,
    ENCRYPTION_KEY: cluster.encryptionKey,
    WEBHOOK_ALLOW_PRIVATE_HOSTS: '127.0.0.1',
    WEBHOOK_TIMEOUT_MS: '3000',
    WEBHOOK_RETRY_INITIAL_MS: '1000',
    WEBHOOK_RETRY_MAX_INTERVAL_MS: '10000',
    RECONCILER_INTERVAL_MS: '5000',
    RECONCILER_MIN_AGE_MS: '10000',
    SHUTDOWN_GRACE_MS: '5000',
    WORKER_METRICS_PORT: '0',
  };
  const logs = path.join(cluster.folder, 'logs', `${scenario.name}-${run}`);
  fs.mkdirSync(logs, { recursive: true });
  const apiProcess = new ManagedProcess('api', process.execPath, [path.join(ROOT, 'dist', 'api', 'server.js')], env, path.join(logs, 'api.log'));
  const workers = Array.from(
    { length: scenario.workers ?? 1 },
    (_, i) => new ManagedProcess(`worker-${i + 1}`, process.execPath, [path.join(ROOT, 'dist', 'worker', 'main.js')], env, path.join(logs, `worker-${i + 1}.log`)),
  );
  const apiReady = async () => (await fetch(`${api}/readyz`, { signal: AbortSignal.timeout(3000) })).status === 200;
  const restart = async (process: ManagedProcess) => {
    process.start();
    if (process === apiProcess) await waitFor('API', apiReady, 120_000);
  };
  const receiver = new FaultReceiver();
  const db = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  db.on('error', () => undefined); // PostgreSQL stopped on purpose
  try {
    await restart(apiProcess);
    for (const worker of workers) worker.start();
    const created = JSON.parse(
      execFileSync(process.execPath, [path.join(ROOT, 'dist', 'scripts', 'kyc.js'), 'client:create', '--name', 'faults', '--skip-review'], { env, cwd: ROOT }).toString(),
    ) as { apiKey: string };
    await receiver.accept();
    const endpointIds = new Map<string, string>();
    for (const pathName of ['/main', ...(scenario.extraEndpoints ?? [])]) {
      const response = await fetch(`${api}/v1/webhook-endpoints`, {
        method: 'POST',
        headers: { authorization: `Bearer ${created.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ url: receiver.url(pathName) }),
      });
      const endpoint = (await response.json()) as { id: string; secret: string };
      if (response.status !== 201) throw new Error(`endpoint not created: ${response.status} ${JSON.stringify(endpoint)}`);
      receiver.setSecret(pathName, endpoint.secret);
      receiver.set(pathName, { delayMs: RECEIVER_DELAY_MS });
      endpointIds.set(pathName, endpoint.id);
    }

    const load = new LoadClient(() => api, created.apiKey, `run${n}`);
    let loadFinished = false;
    let inFlightAtFault = 0;
    let faultStarted = 0;
    const loadDone = (scenario.load === 'burst' ? load.run(LOAD_SIZE, 1000, (i) => i % 2 === 0, 20) : load.run(LOAD_SIZE, 10, () => true, 20)).finally(() => (loadFinished = true));
    const context: FaultContext = {
      postgres: cluster.postgres,
      temporal: cluster.temporal,
      workers,
      api: apiProcess,
      receiver,
      load,
      restart,
      answered: async (count) => {
        await waitFor('load', async () => loadFinished || load.result.answered >= count, 120_000);
        const completed = new Set(receiver.receipts.filter((r) => r.path === '/main' && r.type === 'verification.completed').map((r) => r.verificationId));
        inFlightAtFault = load.result.ids.size - completed.size;
        faultStarted = Date.now();
      },
    };
    await scenario.fault(context);
    faultStarted ||= Date.now();
    const recovered = Date.now();
    await loadDone;

    const measure = async () => {
      const rows = (await db.query<{ id: string; status: string }>('SELECT id, status FROM verifications')).rows;
      const events = (await db.query<{ id: string }>('SELECT id FROM events')).rows;
      return { rows, events };
    };
    const received = () => new Set(receiver.receipts.filter((r) => r.path === '/main').map((r) => r.webhookId));
    let state = { rows: [] as Array<{ id: string; status: string }>, events: [] as Array<{ id: string }> };
    for (;;) {
      state = await measure().catch(() => state);
      const delivered = received();
      const done = state.rows.length > 0 && state.rows.every((r) => TERMINAL.includes(r.status)) && state.events.every((e) => delivered.has(e.id));
      if (done || Date.now() - recovered > LOST_AFTER_MS) break;
      await sleep(1000);
    }
    const recoverySeconds = (Date.now() - recovered) / 1000;
    fs.writeFileSync(path.join(logs, 'receipts.json'), JSON.stringify({ faultStarted, recovered, receipts: receiver.receipts }));

    // The longest time the client heard nothing, from the fault on (the outage as the client saw it).
    const heard = [faultStarted, ...receiver.receipts.filter((r) => r.path === '/main' && r.at >= faultStarted).map((r) => r.at)].sort((a, b) => a - b);
    const longestSilence = Math.max(0, ...heard.slice(1).map((at, i) => at - heard[i]!));
    const failedAttempts = Number((await db.query<{ n: string }>("SELECT count(*) AS n FROM attempts WHERE outcome = 'failure'")).rows[0]!.n);
    const sameKeyTwice = Number(
      (await db.query<{ n: string }>('SELECT count(*) AS n FROM (SELECT idempotency_key FROM verifications WHERE idempotency_key IS NOT NULL GROUP BY client_id, idempotency_key HAVING count(*) > 1) t')).rows[0]!.n,
    );
    const report: RunReport = {
      scenario: scenario.name,
      run,
      ok: true,
      problems: [],
      verifications: {
        started: state.rows.length,
        answered202: load.result.answered,
        unanswered: load.result.unanswered,
        decided: state.rows.filter((r) => r.status === 'completed').length,
        failed: state.rows.filter((r) => r.status === 'failed').length,
        lost: state.rows.filter((r) => !TERMINAL.includes(r.status)).length,
        sameKeyTwice,
      },
      webhooks: {
        ...summariseWebhooks(
          receiver.receipts.filter((r) => r.path === '/main'),
          state.events.map((e) => e.id),
        ),
        failedAttempts,
        badSignatures: receiver.badSignatures,
      },
      processes: { back: false, unexpectedExits: [...apiProcess.unexpectedExits, ...workers.flatMap((w) => w.unexpectedExits), ...cluster.temporal.process.unexpectedExits] },
      inFlightAtFault,
      longestSilenceSeconds: Math.round(longestSilence / 1000),
      recoverySeconds: Math.round(recoverySeconds),
      totalSeconds: 0,
    };
    report.processes.back = report.processes.unexpectedExits.length === 0 && (await apiReady().catch(() => false));
    const gone = endpointIds.get('/gone');
    if (gone) {
      const status = (await db.query<{ status: string }>('SELECT status FROM webhook_endpoints WHERE id = $1', [gone])).rows[0]?.status;
      report.endpointGone = { disabled: status === 'disabled', requestsAnswered410: receiver.refusals.get('/gone') ?? 0 };
      if (!report.endpointGone.disabled) report.problems.push('the endpoint answering 410 was not disabled');
    }
    const v = report.verifications;
    const w = report.webhooks;
    if (v.lost) report.problems.push(`${v.lost} verifications not decided ${LOST_AFTER_MS / 60_000} min after recovery`);
    if (v.failed) report.problems.push(`${v.failed} verifications failed`);
    const stored = new Set(state.rows.map((r) => r.id));
    const noRow = [...load.result.ids].filter((id) => !stored.has(id)).length;
    if (noRow) report.problems.push(`${noRow} verifications answered 202 have no row`);
    if (v.sameKeyTwice) report.problems.push(`${v.sameKeyTwice} Idempotency-Keys made two verifications`);
    if (w.missing) report.problems.push(`${w.missing} webhooks not delivered`);
    if (w.outOfOrder) report.problems.push(`${w.outOfOrder} webhooks out of sequence order`);
    if (w.badSignatures) report.problems.push(`${w.badSignatures} webhooks with a bad signature`);
    if (load.result.unexpected.length) report.problems.push(`unexpected answers: ${[...new Set(load.result.unexpected)].join(', ')}`);
    if (!report.processes.back) report.problems.push(`processes not back by themselves: ${report.processes.unexpectedExits.join('; ') || 'API not ready'}`);
    report.ok = report.problems.length === 0;
    report.totalSeconds = Math.round((Date.now() - started) / 1000);
    return report;
  } finally {
    await Promise.all([apiProcess.kill('SIGTERM'), ...workers.map((w) => w.kill('SIGTERM'))]);
    await receiver.close();
    await db.end().catch(() => undefined);
  }
}

function table(reports: RunReport[]): string {
  const columns: Array<[string, (r: RunReport) => number | string]> = [
    ['in flight at the fault', (r) => r.inFlightAtFault],
    ['started', (r) => r.verifications.started],
    ['202', (r) => r.verifications.answered202],
    ['decided', (r) => r.verifications.decided],
    ['failed', (r) => r.verifications.failed],
    ['lost', (r) => r.verifications.lost],
    ['webhooks expected', (r) => r.webhooks.expected],
    ['delivered', (r) => r.webhooks.delivered],
    ['missing', (r) => r.webhooks.missing],
    ['out of order', (r) => r.webhooks.outOfOrder],
    ['duplicates', (r) => r.webhooks.duplicates],
    ['failed attempts', (r) => r.webhooks.failedAttempts],
    ['processes back', (r) => (r.processes.back ? 'yes' : 'NO')],
    ['longest silence s', (r) => r.longestSilenceSeconds],
    ['recovery s', (r) => r.recoverySeconds],
  ];
  const byScenario = new Map<string, RunReport[]>();
  for (const report of reports) byScenario.set(report.scenario, [...(byScenario.get(report.scenario) ?? []), report]);
  const header = `| scenario | runs | ${columns.map(([name]) => name).join(' | ')} |\n|${'---|'.repeat(columns.length + 2)}`;
  const rows = [...byScenario].map(([name, runs]) => `| ${name} | ${runs.length} | ${columns.map(([, pick]) => runs.map(pick).join(' / ')).join(' | ')} |`);
  return [header, ...rows].join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { short: { type: 'boolean' }, scenario: { type: 'string' }, runs: { type: 'string' }, out: { type: 'string' }, keep: { type: 'boolean' } } });
  const names = values.scenario?.split(',') ?? (values.short ? SHORT : SCENARIOS.map((s) => s.name));
  const scenarios = names.map((name) => SCENARIOS.find((s) => s.name === name) ?? (() => { throw new Error(`unknown scenario ${name}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`); })());
  const runs = Number(values.runs ?? 1);

  console.log('::: building (npm run build)');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'kycflow-faults-'));
  fs.chmodSync(folder, 0o755);
  const postgres = new Postgres(folder, await freePort());
  const binary = resolveTemporalBinary({ projectRoot: ROOT }).executable;
  if (binary.type !== 'existing-path') throw new Error('the Temporal CLI is not installed: run npm run temporal:install');
  const temporal = new TemporalServer(binary.path, folder, await freePort());
  const cluster: Cluster = { folder, postgres, temporal, encryptionKey: crypto.randomBytes(32).toString('base64') };
  const reports: RunReport[] = [];
  let failed = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      killEveryChild();
      try {
        postgres.stop('immediate');
      } catch {
        // not started yet, or already stopped
      }
      fs.rmSync(folder, { recursive: true, force: true });
      process.exit(130);
    });
  }
  try {
    postgres.init();
    postgres.start();
    await temporal.start();
    console.log(`::: PostgreSQL on 127.0.0.1:${postgres.port}, Temporal on ${temporal.address}, logs in ${folder}/logs`);
    for (const scenario of scenarios) {
      for (let run = 1; run <= runs; run++) {
        console.log(`::: ${scenario.name} (run ${run}/${runs}): ${scenario.description}`);
        const report = await runOnce(cluster, scenario, run);
        reports.push(report);
        const v = report.verifications;
        const w = report.webhooks;
        console.log(
          `    ${report.ok ? 'ok' : 'FAILED'} in ${report.totalSeconds} s: ${v.started} started, ${v.answered202} answered 202, ${v.decided} decided, ${v.failed} failed, ${v.lost} lost; ` +
            `${report.inFlightAtFault} in flight at the fault; webhooks ${w.delivered}/${w.expected} delivered, ${w.missing} missing, ${w.outOfOrder} out of order, ${w.duplicates} duplicates, ${w.failedAttempts} failed attempts; longest silence ${report.longestSilenceSeconds} s; recovered in ${report.recoverySeconds} s`,
        );
        for (const problem of report.problems) console.log(`    - ${problem}`);
        if (!report.ok) failed = true;
      }
    }
  } finally {
    await temporal.process.kill('SIGTERM');
    try {
      postgres.stop();
    } catch {
      // already stopped by a failed scenario
    }
    const out = values.out ?? path.join(ROOT, '.data', 'faults', `${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, JSON.stringify({ at: new Date().toISOString(), machine: { cpus: os.cpus().length, node: process.version }, reports }, null, 2) + '\n');
    console.log(`\n${table(reports)}\n\nreport: ${out}`);
    if (failed || values.keep) console.log(`logs kept in ${folder}/logs`);
    else fs.rmSync(folder, { recursive: true, force: true });
  }
  if (failed) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
