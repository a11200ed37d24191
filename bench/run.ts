import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import autocannon from 'autocannon';
import { Worker } from '@temporalio/worker';
import { createApp } from '../api/app';
import { loadConfig } from '../config';
import { issueApiKey } from '../db/repositories/clients';
import { createClient } from '../services/clients';
import { buildTd3 } from '../documents/mrz/build';
import { median } from '../documents/readers/raster';
import { createLogger } from '../lib/logger';
import { installTemporalRuntime } from '../lib/temporal-runtime';
import { connectTemporalClient, loadSecretBox, openMigratedDatabase } from '../runtime/bootstrap';
import { startDevServer } from '../temporal/dev-server';
import { connectWorker, createWorker } from '../worker/create-worker';
import { floorWorkflow } from './floor-workflow';

/**
 * `npm run bench`: end-to-end throughput with every webhook delivered, webhook latency, the Temporal
 * floor (same pipeline shape, no-op activities), and API latency at a fixed rate. Method: docs/benchmarks.md.
 * Options (env): BENCH_N (verifications per phase, default 200), BENCH_ROUNDS (alternated end-to-end and
 * floor runs, default 3), BENCH_CONCURRENCY (default 32),
 * BENCH_POST_RATE / BENCH_GET_RATE (requests/s of the API phase; defaults 10 and 100 — POST starts a
 * whole verification, so its rate stays below the end-to-end capacity), DATABASE_URL / TEMPORAL_ADDRESS
 * to use running services.
 */
const N = Number(process.env.BENCH_N ?? 200);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const POST_RATE = Number(process.env.BENCH_POST_RATE ?? 10);
const GET_RATE = Number(process.env.BENCH_GET_RATE ?? 100);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const EVENTS_PER_VERIFICATION = 4;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const round = (value: number, digits = 1) => Number(value.toFixed(digits));

async function pool<T>(count: number, concurrency: number, task: (i: number) => Promise<T>, pace?: number): Promise<void> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) {
        const i = next++;
        if (pace) {
          const due = started + (i * 1000) / pace;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        }
        await task(i);
      }
    }),
  );
}

/** A webhook receiver that records, per event, the delay from the event's timestamp to its arrival. */
async function startReceiver() {
  const latencies: number[] = [];
  let received = 0;
  const waiters: Array<() => void> = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const event = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { timestamp: string };
      latencies.push(Date.now() - Date.parse(event.timestamp));
      received++;
      res.writeHead(204).end();
      waiters.splice(0).forEach((wake) => wake());
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    latencies,
    reset() {
      latencies.length = 0;
      received = 0;
    },
    waitFor(count: number) {
      return new Promise<void>((resolve) => {
        const check = () => (received >= count ? resolve() : waiters.push(check));
        check();
      });
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kycflow-bench-'));
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', WEBHOOK_ALLOW_PRIVATE_HOSTS: '127.0.0.1', TEMPORAL_TASK_QUEUE: `bench-${Date.now()}` });
  const logger = createLogger(config.LOG_LEVEL);
  installTemporalRuntime(logger, 'error');
  const devServer = config.TEMPORAL_ADDRESS ? undefined : await startDevServer({ projectRoot: path.resolve(__dirname, '..'), cliPath: config.TEMPORAL_CLI_PATH, namespace: 'default' });
  const address = config.TEMPORAL_ADDRESS ?? devServer!.address;
  const database = await openMigratedDatabase(config, logger);
  const secrets = loadSecretBox(config);
  const { client } = await createClient(database.db, secrets, { name: 'bench' });
  const { key } = await issueApiKey(database.db, { role: 'client', clientId: client.id, name: 'bench' });

  const connection = await connectWorker(address);
  const worker = await createWorker({ config, db: database.db, secrets, logger, connection });
  const floorQueue = `${config.TEMPORAL_TASK_QUEUE}-floor`;
  const floorWorker = await Worker.create({
    connection,
    taskQueue: floorQueue,
    workflowsPath: require.resolve('./floor-workflow'),
    activities: { noop: async (step: string) => step },
  });
  const running = [worker.run(), floorWorker.run()];
  const temporal = await connectTemporalClient(address, config.TEMPORAL_NAMESPACE);
  const app = createApp({ config, db: database.db, temporal, logger, secrets });
  const server = await new Promise<http.Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const receiver = await startReceiver();
  await fetch(`${api}/v1/webhook-endpoints`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ url: receiver.url }),
  });

  const mrz = buildTd3({
    issuingState: 'UTO', documentNumber: 'B3NCH0001', lastName: 'BENCH', firstName: 'MARK', nationality: 'UTO',
    birthDate: '1980-01-01', sex: 'unspecified', expirationDate: '2034-01-01',
  }).join('\n');
  const submit = async () => {
    const response = await fetch(`${api}/v1/verifications`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ documentType: 'passport', mrz }),
    });
    if (response.status !== 202) throw new Error(`submit failed: ${response.status}`);
    return ((await response.json()) as { id: string }).id;
  };

  // Warm-up: bundles, connections, JIT.
  await pool(10, 10, submit);
  await receiver.waitFor(10 * EVENTS_PER_VERIFICATION);
  receiver.reset();

  // (a) and (c), alternated over BENCH_ROUNDS rounds: on a small machine one run of either swings by
  // a third, so each round pairs an end-to-end run with a floor run under the same conditions and
  // the medians are reported. (b) at full speed pools the latencies of every round.
  const e2eRates: number[] = [];
  const floorRates: number[] = [];
  const fullSpeedLatency: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    receiver.reset();
    const t0 = performance.now();
    await pool(N, CONCURRENCY, submit);
    await receiver.waitFor(N * EVENTS_PER_VERIFICATION);
    e2eRates.push(N / ((performance.now() - t0) / 1000));
    fullSpeedLatency.push(...receiver.latencies);

    const t1 = performance.now();
    await pool(N, CONCURRENCY, (i) => temporal.workflow.execute(floorWorkflow, { taskQueue: floorQueue, workflowId: `floor-${round}-${Date.now()}-${i}` }));
    floorRates.push(N / ((performance.now() - t1) / 1000));
  }
  const e2eRate = median(e2eRates);
  const floorRate = median(floorRates);
  const ratios = e2eRates.map((rate, i) => rate / floorRates[i]!);

  // (b) at half the measured maximum rate.
  receiver.reset();
  const halfRate = e2eRate / 2;
  await pool(N, CONCURRENCY, submit, halfRate);
  await receiver.waitFor(N * EVENTS_PER_VERIFICATION);
  const halfRateLatency = [...receiver.latencies];

  // (d) API latency at a fixed rate.
  receiver.reset();
  const created = await submit();
  const cannon = (opts: autocannon.Options) => autocannon({ duration: 10, connections: 10, ...opts });
  const get = await cannon({ url: `${api}/v1/verifications/${created}`, headers: { authorization: `Bearer ${key}` }, overallRate: GET_RATE });
  const post = await cannon({
    url: `${api}/v1/verifications`,
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ documentType: 'passport', mrz }),
    overallRate: POST_RATE,
  });
  // Let the verifications the POST phase started finish before stopping.
  await receiver.waitFor((1 + post['2xx']) * EVENTS_PER_VERIFICATION);

  const results = {
    at: new Date().toISOString(),
    machine: { cpus: os.cpus().length, node: process.version, database: database.kind, temporal: devServer ? 'embedded dev server (in-memory)' : address },
    settings: { verificationsPerPhase: N, rounds: ROUNDS, concurrency: CONCURRENCY, postRate: POST_RATE, getRate: GET_RATE },
    endToEnd: { verificationsPerSecond: round(e2eRate, 2), webhooksPerSecond: round(e2eRate * EVENTS_PER_VERIFICATION, 1), rounds: e2eRates.map((r) => round(r, 2)) },
    webhookLatencyMs: {
      fullSpeed: { p50: percentile(fullSpeedLatency, 50), p95: percentile(fullSpeedLatency, 95), p99: percentile(fullSpeedLatency, 99) },
      halfRate: { ratePerSecond: round(halfRate, 2), p50: percentile(halfRateLatency, 50), p95: percentile(halfRateLatency, 95), p99: percentile(halfRateLatency, 99) },
    },
    temporalFloor: {
      workflowsPerSecond: round(floorRate, 2),
      rounds: floorRates.map((r) => round(r, 2)),
      /** Median of the per-round ratios (each round's two runs shared the machine's state). */
      ratioEndToEndToFloor: round(median(ratios), 3),
      ratioRounds: ratios.map((r) => round(r, 3)),
    },
    /** The worker and the API share this process; the worker loads the OCR models at start. */
    memory: { peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024), rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20) },
    api: {
      postVerifications: { rate: POST_RATE, p50: post.latency.p50, p99: post.latency.p99, non2xx: post.non2xx, errors: post.errors },
      getVerification: { rate: GET_RATE, p50: get.latency.p50, p99: get.latency.p99, non2xx: get.non2xx, errors: get.errors },
    },
  };

  console.table({
    [`end to end (verifications/s, median of ${ROUNDS})`]: `${results.endToEnd.verificationsPerSecond} (${results.endToEnd.rounds.join(', ')})`,
    [`Temporal floor (workflows/s, median of ${ROUNDS})`]: `${results.temporalFloor.workflowsPerSecond} (${results.temporalFloor.rounds.join(', ')})`,
    'ratio a/c (median of rounds)': `${results.temporalFloor.ratioEndToEndToFloor} (${results.temporalFloor.ratioRounds.join(', ')})`,
    'webhook p50/p95/p99 ms (full speed)': `${results.webhookLatencyMs.fullSpeed.p50} / ${results.webhookLatencyMs.fullSpeed.p95} / ${results.webhookLatencyMs.fullSpeed.p99}`,
    [`webhook p50/p95/p99 ms (at ${results.webhookLatencyMs.halfRate.ratePerSecond}/s)`]: `${results.webhookLatencyMs.halfRate.p50} / ${results.webhookLatencyMs.halfRate.p95} / ${results.webhookLatencyMs.halfRate.p99}`,
    [`POST /v1/verifications p50/p99 ms (${POST_RATE}/s)`]: `${post.latency.p50} / ${post.latency.p99}`,
    [`GET /v1/verifications/:id p50/p99 ms (${GET_RATE}/s)`]: `${get.latency.p50} / ${get.latency.p99}`,
    'process RSS now / peak MiB (worker with OCR models + API)': `${results.memory.rssMiB} / ${results.memory.peakRssMiB}`,
  });
  const out = path.join(__dirname, 'results', `bench-${results.at.replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  console.log(`results: ${path.relative(process.cwd(), out)}`);

  server.close();
  await receiver.close();
  worker.shutdown();
  floorWorker.shutdown();
  await Promise.all(running);
  await temporal.connection.close();
  await connection.close();
  await database.close();
  await devServer?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
