import type { Activity, ActivityWindow } from '../../core/model';
import { cloudTrailListing, DAY_MS, HISTORY_DAYS, RULE_EDIT_EVENT_NAMES, type TrailEvent, type TrailPacing } from './cloudtrail-events';
import { CONFIG_ACTIONS, readConfigHistory, type ConfigHistoryOptions } from './config-history';
import type { Evidence, Scanner } from './types';

/*
 * recent-activity: a group named by a write management event in the last idleDays is in use.
 *
 * What counts as use: a write (readOnly false) event of USE_EVENT_NAMES (cloudtrail-events.ts)
 * naming the group anywhere in its Resources, requestParameters or responseElements, as an id or
 * an ARN: something was launched or configured with it (an Airflow DAG's RunJobFlow, a CI job's
 * RunInstances, a pipeline's CreateFunction). A call that failed (errorCode) counts too: whoever
 * made it means to use the group and will retry. Read-only events never count.
 *
 * What does not count: edits of the group's own rules (Authorize*, Revoke*,
 * ModifySecurityGroupRules). They change the group, they do not put it to work, and in real
 * accounts they are made for every group alike by remediation tooling (auto-revoking 0.0.0.0/0),
 * infrastructure-as-code reconciliation and sg-auditor's own deletion workflow (which revokes
 * references between selected groups): counting them would keep unused groups forever. They are
 * shown as the group's last activity, so a reviewer sees them.
 *
 * Fail closed: the page budget may stop the reading before the window's start. Then the groups
 * this source could not clear (no use found, created before the date every query reached) are
 * `unknown`, naming that date (classify.ts).
 */

export type RecentActivityOptions = TrailPacing & ConfigHistoryOptions;

const day = (iso: string): string => iso.slice(0, 10);

function summarize(event: TrailEvent): string {
  const failed = event.errorCode ? ` (failed: ${event.errorCode})` : '';
  return `${event.eventName} on ${day(event.time)} by ${event.principal}${failed}`;
}

/** Builds the scanner; options change the pacing and budget of the reads (tests). */
export function createRecentActivityScanner(options: RecentActivityOptions = {}): Scanner {
  return {
    source: 'recent-activity',
    service: 'cloudtrail',
    covers: ['place:cloudtrail-event-history', 'place:config-history'],
    actions: ['cloudtrail:LookupEvents', ...CONFIG_ACTIONS],
    prefetch: (window) => (window.idleDays > 0 ? [cloudTrailListing(window, options)] : []),
    async scan(clients, region, ctx) {
      if (ctx.idleDays <= 0) return { note: 'activity check off (idleDays 0)' };
      const days = Math.min(ctx.idleDays, HISTORY_DAYS);
      const from = ctx.now.getTime() - days * DAY_MS;
      const inInventory = new Set(ctx.groups.map((g) => g.groupId));
      const lastUse = new Map<string, TrailEvent>();
      const activity: Record<string, Activity> = {};
      const note = (groupId: string, a: Activity): void => {
        const known = activity[groupId];
        if (!known || Date.parse(a.time) > Date.parse(known.time) || (a.time === known.time && a.use && !known.use)) activity[groupId] = a;
      };
      // The window is fully read after the date every query reached: the latest of their reaches.
      let reached = from;
      let complete = true;

      const listing = cloudTrailListing({ now: ctx.now, minAgeDays: ctx.minAgeDays, idleDays: ctx.idleDays }, options);
      for await (const page of ctx.shared(listing)) {
        for (const item of page) {
          if (item.kind === 'query-end') {
            // Rule edits are shown, never use; creation events only refine (classify.ts): neither bounds the window.
            if ((RULE_EDIT_EVENT_NAMES as readonly string[]).includes(item.query) || item.query === 'CreateSecurityGroup') continue;
            reached = Math.max(reached, Date.parse(item.reached));
            complete &&= item.complete;
            continue;
          }
          const time = Date.parse(item.time);
          // Events outside the window, and reads, are not activity.
          if (Number.isNaN(time) || time < from || time > ctx.now.getTime() || item.readOnly) continue;
          if (item.createdGroupId) {
            if (inInventory.has(item.createdGroupId)) ctx.created(item.createdGroupId, item.time);
            continue;
          }
          if (item.targetGroupId) {
            if (inInventory.has(item.targetGroupId)) {
              note(item.targetGroupId, { time: item.time, summary: `${summarize(item)} (an edit of its own rules: not use)`, use: false });
            }
            continue;
          }
          for (const groupId of item.groupIds) {
            if (!inInventory.has(groupId)) continue;
            const known = lastUse.get(groupId);
            if (!known || time > Date.parse(known.time)) lastUse.set(groupId, item);
          }
        }
      }
      // One usage per group, its latest event: a thousand RunInstances make one line of evidence.
      for (const [groupId, event] of lastUse) {
        const summary = summarize(event);
        const evidence: Evidence = { resourceType: 'CloudTrail event', resourceId: event.eventId || `${event.eventName}@${event.time}`, resourceName: event.eventName, detail: summary };
        ctx.found([groupId], evidence);
        note(groupId, { time: event.time, summary, use: true });
      }
      const window: ActivityWindow = {
        idleDays: ctx.idleDays,
        from: new Date(from).toISOString(),
        reached: new Date(complete ? from : Math.max(reached, from)).toISOString(),
        complete,
      };
      const notes: string[] = [];
      if (ctx.idleDays > HISTORY_DAYS) notes.push(`CloudTrail event history keeps ${HISTORY_DAYS} days: the window is the last ${HISTORY_DAYS}`);
      if (!complete) notes.push(`CloudTrail read back to ${day(window.reached)} of the ${days}-day window (page budget reached)`);

      // AWS Config history: further evidence where a recorder records interfaces or groups.
      const config = await readConfigHistory(clients, region, ctx, new Date(from), options);
      notes.push(config.note);
      for (const hit of config.hits) {
        ctx.found([hit.groupId], hit.evidence);
        note(hit.groupId, { time: hit.time, summary: hit.evidence.detail ?? hit.evidence.resourceId, use: true });
      }
      return { note: notes.join('; '), activity, activityWindow: window };
    },
  };
}

/** recent-activity with the default pacing and page budget. */
export const recentActivityScanner: Scanner = createRecentActivityScanner();
