import type { OrgItem } from '../../core/org';
import { orgRuntime, type OrgRuntime } from './runtime';
import { regionItemsTask } from './org-tasks';

/** One batch of the Distributed Map: its BatchInput's auditId and the items as the ItemSelector shaped them. */
export interface RegionItemsEvent {
  auditId: string;
  items: Array<{ item: OrgItem }>;
}

type Output = { auditId: string; items: number; failed: number };

/** The region-item task over a runtime (the Lambda's, or a local run's). */
export const regionItemsHandler =
  (rt: OrgRuntime) =>
  (event: RegionItemsEvent): Promise<Output> =>
    regionItemsTask(rt.config, rt, { auditId: event.auditId, items: event.items.map((i) => i.item) });

/** Region-item task: one batch of (account, region) items; each region report goes to S3. */
export const handler = (event: RegionItemsEvent): Promise<Output> => regionItemsHandler(orgRuntime('sg-auditor-org-region'))(event);
