import { orgRuntime } from './runtime';
import { assembleAccountTask, type AssembleInput } from './org-tasks';

/** Assemble task: one account's report.json, sg_log.txt, backup.json, signed link and (per-account mode) email. */
export const handler = async (input: AssembleInput): Promise<{ accountId: string; auditId: string; status: string }> => {
  const rt = orgRuntime('sg-auditor-org-assemble');
  try {
    const result = await assembleAccountTask(rt.config, rt, input);
    return { accountId: result.accountId, auditId: result.auditId, status: result.status };
  } finally {
    rt.metrics.publishStoredMetrics();
  }
};
