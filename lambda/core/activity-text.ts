import type { AuditReport, ClassifiedGroup, RegionReport } from './model';

/*
 * How the report, log, email and review page state recent activity: each group's last activity
 * or "no activity in N days", how far back the window was read, and that the check is off.
 */

/** The report's idle window (0 = off; reports written before it have none = off). */
export const idleDaysOf = (report: AuditReport): number => report.settings.idleDays ?? 0;

/** One line for the settings: the window, or that the check is off. */
export function activitySettingText(report: AuditReport): string {
  const days = idleDaysOf(report);
  return days > 0
    ? `recent activity: a group named by a launch or configuration in the last ${days} days (CloudTrail, Config history) is in use`
    : 'recent activity check OFF (idleDays 0): a group used only now and then (a monthly job) is not looked for';
}

/** How far back a region's window was read, when the page budget stopped it early. */
export function shortWindowText(region: RegionReport): string | undefined {
  const w = region.scans.find((s) => s.source === 'recent-activity')?.activityWindow;
  if (!w || w.complete) return undefined;
  return `${region.region}: CloudTrail read back only to ${w.reached.slice(0, 10)} of the ${w.idleDays}-day window (page budget); groups it could not clear are unknown. Fix: a smaller idleDays, or a CloudTrail trail queried at scale`;
}

/** "last activity: RunJobFlow on 2026-11-20 by ..." or "no activity in 90 days" (or that the check was off). */
export function lastActivityText(group: ClassifiedGroup, report: AuditReport): string {
  const days = idleDaysOf(report);
  if (group.lastActivity) return `last activity: ${group.lastActivity.summary}`;
  return days > 0 ? `no activity in ${days} days` : 'activity not checked (idleDays 0)';
}

/** Sort key of the page's "last activity" column: the ISO time, or empty (none, sorted oldest). */
export const lastActivitySortKey = (group: ClassifiedGroup): string => group.lastActivity?.time ?? '';
