import { orgRuntime } from './runtime';
import { orgFailureTask, summaryTask, type SummaryInput } from './org-tasks';

export type NotifyInput =
  | ({ kind: 'summary' } & SummaryInput)
  /** From a Catch (`state` is the state input with `error`) or the execution-status rule. */
  | { kind: 'failure'; state?: { auditId?: string; error?: { Error?: string; Cause?: string } } };

/** Notify task: the org summary (and digest email), or, from the state machine's Catch, the failure email. */
export const handler = async (input: NotifyInput): Promise<Record<string, unknown>> => {
  const rt = orgRuntime('sg-auditor-org-notify');
  if (input.kind === 'failure') return orgFailureTask(rt.config, rt, { ...(input.state?.auditId ? { auditId: input.state.auditId } : {}), ...(input.state?.error ? { error: input.state.error } : {}) });
  return summaryTask(rt.config, rt, input);
};
