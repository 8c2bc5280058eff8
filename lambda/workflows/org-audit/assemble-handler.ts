import { orgRuntime, type OrgRuntime } from './runtime';
import { assembleAccountTask, type AssembleInput } from './org-tasks';

type Output = { accountId: string; auditId: string; status: string };

/** The assemble task over a runtime (the Lambda's, or a local run's). */
export const assembleHandler =
  (rt: OrgRuntime) =>
  async (input: AssembleInput): Promise<Output> => {
    try {
      const result = await assembleAccountTask(rt.config, rt, input);
      return { accountId: result.accountId, auditId: result.auditId, status: result.status };
    } finally {
      rt.metrics.publishStoredMetrics();
    }
  };

/** Assemble task: one account's report.json, sg_log.txt, backup.json, signed link and (per-account mode) email. */
export const handler = (input: AssembleInput): Promise<Output> => assembleHandler(orgRuntime('sg-auditor-org-assemble'))(input);
