import { orgRuntime, type OrgRuntime } from './runtime';
import { planTask, type PlanInput, type PlanOutput } from './org-tasks';

/** The plan task over a runtime (the Lambda's, or a local run's). */
export const planHandler =
  (rt: OrgRuntime) =>
  async (input: PlanInput = {}): Promise<PlanOutput> => {
    const { auditId, bucket, startedAt, itemsKey, accountsKey, accounts, items } = await planTask(rt.config, rt, input);
    return { auditId, bucket, startedAt, itemsKey, accountsKey, accounts, items };
  };

/** Plan task: accounts x enabled regions -> items.json and accounts.json in S3; returns their keys. */
export const handler = (input: PlanInput = {}): Promise<PlanOutput> => planHandler(orgRuntime('sg-auditor-org-plan'))(input);
