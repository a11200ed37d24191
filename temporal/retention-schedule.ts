import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleOptionsAction } from '@temporalio/client';
import type { Config } from '../config';
import { TASK_QUEUE } from '../domain/temporal';
import { retentionPurgeWorkflow } from '../workflows';

/** `kycflow-retention` for the default task queue; one per queue otherwise (deployments sharing a namespace). */
export function retentionScheduleId(taskQueue: string): string {
  return taskQueue === TASK_QUEUE ? 'kycflow-retention' : `kycflow-retention-${taskQueue}`;
}
const BATCH_SIZE = 50;

/**
 * Keeps the Temporal Schedule that runs the retention purge as configured: created when missing,
 * updated to the current interval and retention otherwise, deleted when RETENTION_DAYS is 0. Every
 * worker calls it at start (idempotent). Overlapping purges are skipped; a missed one runs on the
 * next tick.
 */
export async function ensureRetentionSchedule(client: Client, config: Config): Promise<'created' | 'updated' | 'deleted' | 'off'> {
  const scheduleId = retentionScheduleId(config.TEMPORAL_TASK_QUEUE);
  const handle = client.schedule.getHandle(scheduleId);
  if (config.RETENTION_DAYS === 0) {
    try {
      await handle.delete();
      return 'deleted';
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return 'off';
      throw error;
    }
  }
  const action: ScheduleOptionsAction = {
    type: 'startWorkflow',
    workflowType: retentionPurgeWorkflow,
    workflowId: `${scheduleId}-purge`,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    args: [{ retentionDays: config.RETENTION_DAYS, batchSize: BATCH_SIZE }],
  };
  const spec = { intervals: [{ every: config.RETENTION_PURGE_INTERVAL_MS }] };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies: { overlap: 'SKIP', catchupWindow: '1 day' } });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
  }
  await handle.update((previous) => ({ ...previous, spec, action }));
  return 'updated';
}
