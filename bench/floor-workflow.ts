import { proxyActivities } from '@temporalio/workflow';

/** The no-op activities of the Temporal floor: same count and shape as the real pipeline, no I/O. */
export interface FloorActivities {
  noop(step: string): Promise<string>;
}

const { noop } = proxyActivities<FloorActivities>({ startToCloseTimeout: '30 seconds' });

/**
 * The verification pipeline's shape with nothing inside: four stage steps, extraction and checks,
 * and one delivery per event chained per target — what Temporal itself costs per verification.
 */
export async function floorWorkflow(): Promise<void> {
  let chain: Promise<unknown> = Promise.resolve();
  const deliver = () => {
    chain = chain.then(() => noop('deliver'));
  };
  await noop('submitted');
  deliver();
  await noop('extracting');
  await noop('extract');
  await noop('extraction_completed');
  deliver();
  await noop('checks');
  await noop('authenticity_completed');
  deliver();
  await noop('completed');
  deliver();
  await chain;
}
