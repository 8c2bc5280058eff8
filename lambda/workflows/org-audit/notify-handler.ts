import { orgRuntime } from './runtime';
import { orgFailureTask, summaryTask, type SummaryInput } from './org-tasks';

export type NotifyInput =
  | ({ kind: 'summary' } & SummaryInput)
  | { kind: 'failure'; auditId?: string; error?: { Error?: string; Cause?: string } };

/** Notify task: the org summary (and digest email), or, from the state machine's Catch, the failure email. */
export const handler = async (input: NotifyInput): Promise<Record<string, unknown>> => {
  const rt = orgRuntime('sg-auditor-org-notify');
  if (input.kind === 'failure') return orgFailureTask(rt.config, rt, input);
  return summaryTask(rt.config, rt, input);
};
