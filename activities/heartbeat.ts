import { Context } from '@temporalio/activity';

/**
 * Heartbeats every second while `work` runs: when the worker dies in the middle of an activity,
 * Temporal retries it after the heartbeat timeout (seconds) instead of the start-to-close timeout.
 * The SDK throttles what it sends to the server.
 */
export async function heartbeating<T>(work: () => Promise<T>): Promise<T> {
  const context = Context.current();
  const timer = setInterval(() => context.heartbeat(), 1000);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
