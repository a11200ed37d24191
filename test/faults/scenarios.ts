import type { ManagedProcess, Postgres, TemporalServer } from './cluster';
import { sleep } from './cluster';
import type { LoadClient } from './load';
import type { FaultReceiver } from './receiver';

/** What a scenario may act on while the load runs. */
export interface FaultContext {
  postgres: Postgres;
  temporal: TemporalServer;
  workers: ManagedProcess[];
  api: ManagedProcess;
  receiver: FaultReceiver;
  load: LoadClient;
  /** Starts a process again as its supervisor would, and waits until it serves. */
  restart(process: ManagedProcess): Promise<void>;
  /** Resolves once `n` POSTs were answered 202. */
  answered(n: number): Promise<void>;
}

export interface Scenario {
  name: string;
  description: string;
  /** Worker processes (default 1). */
  workers?: number;
  /** Receiver paths registered as webhook endpoints besides `/main` (which gets every event). */
  extraEndpoints?: string[];
  /**
   * The load: `steady` is 60 verifications at 10/s with Idempotency-Keys; `burst` is 60 POSTs
   * 20 at a time, every other one without a key.
   */
  load?: 'steady' | 'burst';
  /** Runs while the load is under way; resolves when the fault is over (everything restarted). */
  fault(context: FaultContext): Promise<void>;
}

export const LOAD_SIZE = 60;
/** The receiver's usual answer time: with four events per verification delivered one after another, it keeps ~40 in flight at 10 POSTs/s. */
export const RECEIVER_DELAY_MS = 1000;
/** The fault starts once this many verifications are in flight. */
const IN_FLIGHT = 40;

/** The Temporal server stopped by `signal` once the load is in flight, back on its state after `ms`. */
async function temporalAway({ temporal, answered }: FaultContext, signal: NodeJS.Signals, ms: number): Promise<void> {
  await answered(IN_FLIGHT);
  await temporal.process.kill(signal);
  await sleep(ms);
  await temporal.start();
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'worker-kill',
    description: 'worker kill -9, restarted 2 s later',
    async fault({ workers, answered, restart }) {
      await answered(IN_FLIGHT);
      await workers[0]!.kill('SIGKILL');
      await sleep(2000);
      await restart(workers[0]!);
    },
  },
  {
    name: 'two-workers-one-killed',
    description: 'two workers, one kill -9 and not restarted: the other takes over',
    workers: 2,
    async fault({ workers, answered }) {
      await answered(IN_FLIGHT);
      await workers[1]!.kill('SIGKILL');
    },
  },
  {
    name: 'temporal-kill',
    description: 'Temporal server kill -9, restarted on its state 2 s later',
    fault: (context) => temporalAway(context, 'SIGKILL', 2000),
  },
  {
    name: 'postgres-restart',
    description: 'PostgreSQL restart (fast shutdown, open connections dropped)',
    async fault({ postgres, answered }) {
      await answered(IN_FLIGHT);
      postgres.restart();
    },
  },
  {
    name: 'postgres-down-20s',
    description: 'PostgreSQL stopped for 20 s',
    async fault({ postgres, answered }) {
      await answered(IN_FLIGHT);
      postgres.stop();
      await sleep(20_000);
      postgres.start();
    },
  },
  {
    name: 'temporal-down-60s',
    description: 'Temporal server stopped for 60 s',
    fault: (context) => temporalAway(context, 'SIGTERM', 60_000),
  },
  {
    name: 'api-kill-burst',
    description: 'API kill -9 during a burst of POSTs (every other one without Idempotency-Key), restarted 1 s later',
    load: 'burst',
    async fault({ api, answered, restart }) {
      await answered(20);
      await api.kill('SIGKILL');
      await sleep(1000);
      await restart(api);
    },
  },
  {
    name: 'receiver-refuse-then-500',
    description: 'receiver refuses connections for 30 s, then answers 500 for 20 s',
    async fault({ receiver, answered }) {
      await answered(IN_FLIGHT);
      await receiver.refuse();
      await sleep(30_000);
      receiver.set('/main', { status: 500 });
      await receiver.accept();
      await sleep(20_000);
      receiver.set('/main', { status: 204 });
    },
  },
  {
    name: 'receiver-410',
    description: 'a second endpoint starts answering 410 Gone: it is disabled, the first gets everything',
    extraEndpoints: ['/gone'],
    async fault({ receiver, answered }) {
      await answered(IN_FLIGHT);
      receiver.set('/gone', { status: 410 });
    },
  },
  {
    name: 'receiver-slow',
    description: 'receiver answers after 5 s, beyond the 3 s timeout, for 20 s',
    async fault({ receiver, answered }) {
      await answered(IN_FLIGHT);
      receiver.set('/main', { delayMs: 5000 });
      await sleep(20_000);
      receiver.set('/main', { delayMs: RECEIVER_DELAY_MS });
    },
  },
];

/** The CI's short version: a fault of each process and of the receiver, about three minutes in all. */
export const SHORT = ['worker-kill', 'two-workers-one-killed', 'temporal-kill', 'postgres-restart', 'api-kill-burst', 'receiver-410'];
