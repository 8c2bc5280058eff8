import { activitySettingText, lastActivityText, shortWindowText } from './activity-text';
import { describeUsage, KUBERNETES_TAGS, unverifiedReason } from './classify';
import { notScannedNotice } from './coverage';
import type { AuditReport, ClassifiedGroup, RegionReport, RuleRecord, ScanError, TagSpec, Totals } from './model';
import { plainText } from './text';

const VERDICT_LABEL: Record<ClassifiedGroup['verdict'], string> = {
  'in-use': 'IN USE',
  candidate: 'CANDIDATE (unused)',
  protected: 'PROTECTED',
  unknown: 'UNKNOWN (kept)',
};

/** "tcp 443 from 10.0.0.0/8": one rule, for people. */
export function describeRule(rule: RuleRecord): string {
  const protocol = rule.ipProtocol === '-1' ? 'all traffic' : rule.ipProtocol;
  const ports =
    rule.ipProtocol === '-1' || rule.fromPort === undefined
      ? ''
      : rule.fromPort === rule.toPort || rule.toPort === undefined
        ? ` ${rule.fromPort}`
        : ` ${rule.fromPort}-${rule.toPort}`;
  const peer =
    rule.cidrIpv4 ??
    rule.cidrIpv6 ??
    rule.prefixListId ??
    (rule.referencedGroup ? `${rule.referencedGroup.groupId}${rule.referencedGroup.userId ? ` (account ${rule.referencedGroup.userId})` : ''}` : '?');
  return `${protocol}${ports} ${rule.isEgress ? 'to' : 'from'} ${peer}`;
}

/** "2 in, 1 out: tcp 443 from 0.0.0.0/0; ...": a group's rules in one line (bounded). */
export function summarizeRules(group: Pick<ClassifiedGroup, 'ingress' | 'egress'>, max = 4): string {
  const all = [...group.ingress, ...group.egress];
  if (all.length === 0) return 'no rules';
  const shown = all.slice(0, max).map(describeRule).join('; ');
  const more = all.length > max ? `; +${all.length - max} more` : '';
  return `${group.ingress.length} in, ${group.egress.length} out: ${shown}${more}`;
}

const tagList = (tags: readonly TagSpec[]) => tags.map((t) => `${t.key}=${t.value}`).join(', ') || 'none';

export function formatTotals(t: Totals): string {
  return `${t.groups} groups: ${t.inUse} in use, ${t.candidates} candidates, ${t.protected} protected, ${t.unknown} unknown`;
}

function regionHeader(region: RegionReport): string[] {
  if (region.status === 'failed') {
    return [`== ${region.region}: FAILED, not audited (${region.error?.code}: ${region.error?.message})`];
  }
  const ok = region.scans.filter((s) => s.status === 'ok').length;
  const failed = region.scans.filter((s) => s.status === 'failed');
  const skipped = region.scans.filter((s) => s.status === 'skipped');
  const lines = [
    `== ${region.region}: ${formatTotals(region.totals)}`,
    `   sources: ${ok} ok, ${failed.length} failed, ${skipped.length} excluded; ${region.apiCalls} API calls`,
  ];
  for (const s of failed) lines.push(`   FAILED source ${s.source}: ${s.error?.code}: ${s.error?.message}`);
  for (const s of region.scans.filter((x) => x.status === 'ok' && x.note)) lines.push(`   note ${s.source}: ${s.note}`);
  if (skipped.length > 0) lines.push(`   excluded by configuration: ${skipped.map((s) => s.source).join(', ')}`);
  return lines;
}

/** The human log (sg_log.txt): every group, its evidence and its verdict with the reason. */
export function renderLog(report: AuditReport): string {
  const lines: string[] = [
    `sg-auditor audit ${report.auditId}`,
    `Account ${report.accountId}; started ${report.startedAt}; finished ${report.finishedAt}`,
    `Regions: ${report.regions.map((r) => r.region).join(', ') || '(none)'}`,
    `Excluded sources: ${
      report.skippedSources.length > 0
        ? `${report.skippedSources.join(', ')} (every candidate is UNVERIFIED by them: a use there was never looked for)`
        : 'none'
    }`,
    ...(report.coverage ? [`Not scanned: ${notScannedNotice(report.coverage)}`] : []),
    `Protection: tags ${tagList(report.settings.protectTags)}; production tags ${tagList(report.settings.productionTags)}; name patterns ${
      report.settings.protectNamePatterns.join(', ') || 'none'
    }; minimum age ${report.settings.minAgeDays} days; Kubernetes tags ${KUBERNETES_TAGS.map((t) => (t.endsWith('/') ? `${t}*` : t)).join(', ')}`,
    `Activity: ${activitySettingText(report)}`,
    ...report.regions.map(shortWindowText).filter((t): t is string => t !== undefined).map((t) => `Activity window cut short: ${t}`),
    `Total: ${formatTotals(report.totals)}; ${report.apiCalls.total} API calls`,
    '',
  ];
  const n = report.totals.groups;
  let i = 0;
  for (const region of report.regions) {
    lines.push(...regionHeader(region), '');
    for (const group of region.groups) {
      i += 1;
      lines.push(`Checking security group (${i}/${n}): ${group.groupId} (${group.groupName}) ${group.region}/${group.vpcId ?? 'no-vpc'}`);
      lines.push(`  rules: ${summarizeRules(group)}`);
      for (const usage of group.usages) lines.push(`  evidence: ${describeUsage(usage)} [${usage.source}]`);
      const unverifiedBy = group.verdict === 'candidate' ? (group.unverifiedBy ?? []) : [];
      if (unverifiedBy.length > 0) lines.push(`  UNVERIFIED by: ${unverifiedBy.join(', ')} (excluded by skipSources, never checked)`);
      const reasons = unverifiedBy.length > 0 ? group.reasons.filter((r) => r !== unverifiedReason(unverifiedBy)) : group.reasons;
      lines.push(`  verdict: ${VERDICT_LABEL[group.verdict]}: ${reasons.join('; ')}`);
      if (group.verdict === 'candidate' || group.lastActivity) lines.push(`  ${lastActivityText(group, report)}`);
    }
    lines.push('');
  }
  // Names, tags and evidence are written by anyone who can create a group: one line each.
  return `${lines.map(plainText).join('\n')}\n`;
}

// JavaScript and SDK class names say nothing to a person; AWS error codes (AccessDenied...) do.
const CLASS_NAME = /^(Error|TypeError|RangeError|SyntaxError|ReferenceError|AbortError|TimeoutError|\w*ProviderError|ZodError)$/;

/** A failed source's or region's reason for people: "AccessDenied: ..." or just the message. */
export function describeScanError(error: ScanError | undefined): string {
  if (!error) return 'failed';
  const message = plainText(error.message.split('\n')[0] ?? '');
  return CLASS_NAME.test(error.code) || message.startsWith(error.code) ? message : `${plainText(error.code)}: ${message}`;
}

/** The CLI's stdout summary: one row per region plus a total, then the failed sources and the candidates. */
export function renderSummaryTable(report: AuditReport): string {
  const header = ['region', 'status', 'groups', 'in-use', 'candidates', 'protected', 'unknown', 'failed sources', 'API calls'];
  const rows = report.regions.map((r) => [
    r.region,
    r.status,
    String(r.totals.groups),
    String(r.totals.inUse),
    String(r.totals.candidates),
    String(r.totals.protected),
    String(r.totals.unknown),
    r.status === 'failed' ? '-' : String(r.scans.filter((s) => s.status === 'failed').length),
    String(r.apiCalls),
  ]);
  const t = report.totals;
  rows.push(['TOTAL', '', String(t.groups), String(t.inUse), String(t.candidates), String(t.protected), String(t.unknown), '', String(report.apiCalls.total)]);
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((row) => (row[c] ?? '').length)));
  const fmt = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join('  ').trimEnd();
  const out = [fmt(header), fmt(widths.map((w) => '-'.repeat(w))), ...rows.map(fmt)];
  if (report.skippedSources.length > 0) out.push('', `Excluded sources: ${report.skippedSources.join(', ')}`);
  const unverified = report.regions.flatMap((r) => r.groups).filter((g) => g.verdict === 'candidate' && (g.unverifiedBy?.length ?? 0) > 0);
  if (unverified.length > 0) {
    const sources = [...new Set(unverified.flatMap((g) => g.unverifiedBy ?? []))].sort();
    out.push(
      `WARNING: ${unverified.length} of ${t.candidates} candidates are UNVERIFIED by: ${sources.join(', ')}`,
      '  (excluded sources were never checked: a group used only there looks unused)',
    );
  }
  const failures = report.regions.flatMap((r) =>
    r.status === 'failed'
      ? [`  ${r.region}: region not audited: ${describeScanError(r.error)}`]
      : r.scans.filter((s) => s.status === 'failed').map((s) => `  ${r.region} ${s.source}: ${describeScanError(s.error)}`),
  );
  if (failures.length > 0) out.push('', 'Failed (their groups are kept as unknown):', ...failures);
  const candidates = report.regions.flatMap((r) => r.groups).filter((g) => g.verdict === 'candidate');
  if (candidates.length > 0) {
    const idWidth = Math.max(...candidates.map((g) => g.groupId.length));
    const regionWidth = Math.max(...candidates.map((g) => g.region.length));
    out.push('', 'Candidates:', ...candidates.map((g) => `  ${g.groupId.padEnd(idWidth)}  ${g.region.padEnd(regionWidth)}  ${plainText(g.groupName)}`));
  }
  return `${out.map(plainText).join('\n')}\n`;
}
