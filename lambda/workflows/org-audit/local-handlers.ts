import type { LocalHandler } from '../local-runner';
import { assembleHandler } from './assemble-handler';
import { notifyHandler } from './notify-handler';
import { planHandler } from './plan-handler';
import { regionItemsHandler } from './region-item-handler';
import type { OrgRuntime } from './runtime';
import { ORG_STATES } from './states';

/** Every task state of the org audit bound to its real handler over `rt` (local runs: tests, demo). */
export function orgAuditLocalHandlers(rt: OrgRuntime): Record<string, LocalHandler> {
  const bind =
    <I, O>(fn: (input: I) => Promise<O>): LocalHandler =>
    async (input) =>
      (await fn(input as I)) as never;
  return {
    [ORG_STATES.plan]: bind(planHandler(rt)),
    [ORG_STATES.auditItems]: bind(regionItemsHandler(rt)),
    [ORG_STATES.assembleAccount]: bind(assembleHandler(rt)),
    [ORG_STATES.summarize]: bind(notifyHandler(rt)),
    [ORG_STATES.reportFailure]: bind(notifyHandler(rt)),
  };
}
