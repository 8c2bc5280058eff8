import type { OrgItem } from '../../core/org';
import { orgRuntime } from './runtime';
import { regionItemsTask } from './org-tasks';

/** One batch of the Distributed Map: its BatchInput's auditId and the items as the ItemSelector shaped them. */
export interface RegionItemsEvent {
  auditId: string;
  items: Array<{ item: OrgItem }>;
}

/** Region-item task: one batch of (account, region) items; each region report goes to S3. */
export const handler = async (event: RegionItemsEvent): Promise<{ auditId: string; items: number; failed: number }> => {
  const rt = orgRuntime('sg-auditor-org-region');
  return regionItemsTask(rt.config, rt, { auditId: event.auditId, items: event.items.map((i) => i.item) });
};
