import { proxyActivities, proxyLocalActivities } from '@temporalio/workflow';

/** The no-op activities of the Temporal floor: same count and shape as the real pipeline, no I/O. */
export interface FloorActivities {
  noop(step: string): Promise<string>;
}

// Same kinds as the real pipeline: stage transitions are local activities, the rest are activities.
const { noop: stage } = proxyLocalActivities<FloorActivities>({ startToCloseTimeout: '30 seconds' });
const { noop } = proxyActivities<FloorActivities>({ startToCloseTimeout: '30 seconds' });

/**
 * The verification pipeline's shape with nothing inside: four stage transitions, extraction and checks,
 * and one delivery per event chained per target — what Temporal itself costs per verification.
 */
export async function floorWorkflow(): Promise<void> {
  let chain: Promise<unknown> = Promise.resolve();
  const deliver = () => {
    chain = chain.then(() => noop('deliver'));
  };
  await stage('submitted');
  deliver();
  await noop('extract');
  await stage('extraction_completed');
  deliver();
  await noop('checks');
  await stage('authenticity_completed');
  deliver();
  await stage('completed');
  deliver();
  await chain;
}
