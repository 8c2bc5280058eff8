import { orgRuntime } from './runtime';
import { regionItemsTask, type RegionItemsInput } from './org-tasks';

/** Region-item task: one batch of (account, region) items from the Distributed Map; each region report goes to S3. */
export const handler = async (input: RegionItemsInput): Promise<{ auditId: string; items: number; failed: number }> => {
  const rt = orgRuntime('sg-auditor-org-region');
  return regionItemsTask(rt.config, rt, input);
};
