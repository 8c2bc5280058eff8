import { orgRuntime, type OrgRuntime } from './runtime';
import { orgFailureTask, summaryTask, type SummaryInput } from './org-tasks';

export type NotifyInput =
  | ({ kind: 'summary' } & SummaryInput)
  /** From a Catch (`state` is the state input with `error`) or the execution-status rule. */
  | { kind: 'failure'; state?: { auditId?: string; error?: { Error?: string; Cause?: string } } };

/** The notify task over a runtime (the Lambda's, or a local run's). */
export const notifyHandler =
  (rt: OrgRuntime) =>
  async (input: NotifyInput): Promise<Record<string, unknown>> => {
    if (input.kind === 'failure') {
      const { auditId, error } = input.state ?? {};
      return orgFailureTask(rt.config, rt, { ...(auditId ? { auditId } : {}), ...(error ? { error } : {}) });
    }
    return summaryTask(rt.config, rt, input);
  };

/** Notify task: the org summary (and digest email), or, from the state machine's Catch, the failure email. */
export const handler = (input: NotifyInput): Promise<Record<string, unknown>> => notifyHandler(orgRuntime('sg-auditor-org-notify'))(input);
