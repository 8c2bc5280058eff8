import { orgRuntime } from './runtime';
import { planTask, type PlanInput, type PlanOutput } from './org-tasks';

/** Plan task: accounts x enabled regions -> items.json and accounts.json in S3; returns their keys. */
export const handler = async (input: PlanInput = {}): Promise<PlanOutput> => {
  const rt = orgRuntime('sg-auditor-org-plan');
  const { auditId, startedAt, itemsKey, accountsKey, accounts, items } = await planTask(rt.config, rt, input);
  return { auditId, startedAt, itemsKey, accountsKey, accounts, items };
};
