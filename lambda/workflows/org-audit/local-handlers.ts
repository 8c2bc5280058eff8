import type { TaskHandler } from '../local-runner';
import { assembleHandler } from './assemble-handler';
import { notifyHandler } from './notify-handler';
import { planHandler } from './plan-handler';
import { regionItemsHandler } from './region-item-handler';
import type { OrgRuntime } from './runtime';
import { ORG_STATES } from './states';

/** Every task state of the org audit bound to its real handler over `rt` (local runs: tests, demo). */
export function orgAuditLocalHandlers(rt: OrgRuntime): Record<string, TaskHandler> {
  return {
    [ORG_STATES.plan]: planHandler(rt),
    [ORG_STATES.auditItems]: regionItemsHandler(rt),
    [ORG_STATES.assembleAccount]: assembleHandler(rt),
    [ORG_STATES.summarize]: notifyHandler(rt),
    [ORG_STATES.reportFailure]: notifyHandler(rt),
  };
}
