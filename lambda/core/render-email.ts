import { activitySettingText, lastActivityText, shortWindowText } from './activity-text';
import { unverifiedReason } from './classify';
import { notScannedNotice } from './coverage';
import type { AuditReport, ClassifiedGroup, ProtectionReason, RegionReport, ScanError, TagSpec } from './model';
import { summarizeRules } from './render-log';
import { plainText } from './text';

/**
 * The audit emails, as plain text for SNS email subscriptions. Pure: the caller signs the link
 * and writes the artifacts first, then passes their keys here.
 */

/** SNS rejects messages over 256 KiB; this leaves room for the subject and the SNS envelope. */
export const EMAIL_BODY_LIMIT_BYTES = 240_000;

/** How many entries each list shows before "and N more". */
export const EMAIL_CAPS = {
  candidates: 100,
  protectedPerReason: 10,
  unknownGroups: 50,
  failedSources: 50,
  failedRegions: 50,
  regions: 60,
} as const;

/** Longest text taken from a user-controlled or error string (names, reasons, messages). */
const TEXT_CAPS = { name: 80, reason: 300, rules: 300, error: 300 } as const;

export interface ArtifactKeys {
  report: string;
  log: string;
  backup: string;
}

export interface ApprovalLink {
  url: string;
  expiresAt: Date;
}

export interface AuditEmailInput {
  report: AuditReport;
  bucket: string;
  keys: ArtifactKeys;
  /** Absent in a dry run or when there are no candidates. */
  link?: ApprovalLink;
  dryRun: boolean;
}

export interface FailureEmailInput {
  auditId: string;
  /** Unknown when STS itself failed. */
  accountId?: string;
  regions: string[] | 'all';
  startedAt: Date;
  error: ScanError;
}

export interface Email {
  subject: string;
  body: string;
}

/** One line of untrusted text (see plainText), at most `max` code points. */
export function cleanText(value: string, max: number): string {
  const chars = Array.from(plainText(value));
  return chars.length <= max ? chars.join('') : `${chars.slice(0, Math.max(0, max - 3)).join('')}...`;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** ISO time without milliseconds: "2026-12-08T02:00:00Z". */
const isoSeconds = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

const failedScans = (report: AuditReport) =>
  report.regions.flatMap((r) => r.scans.filter((s) => s.status === 'failed').map((s) => ({ region: r.region, scan: s })));

const failedRegions = (report: AuditReport): RegionReport[] => report.regions.filter((r) => r.status === 'failed');

/** Candidates cleared while sources were excluded: a use there was never looked for. */
const unverifiedCandidates = (report: AuditReport): ClassifiedGroup[] =>
  report.regions.flatMap((r) => r.groups.filter((g) => g.verdict === 'candidate' && (g.unverifiedBy?.length ?? 0) > 0));

/** True when there is nothing for anyone to act on: no candidates, no unknowns, no failures. */
export function isAllClear(report: AuditReport): boolean {
  return report.totals.candidates === 0 && report.totals.unknown === 0 && failedRegions(report).length === 0 && failedScans(report).length === 0;
}

/** Lines kept under a byte budget, so the message fits SNS whatever the account's size. */
class Lines {
  readonly lines: string[] = [];
  private used = 0;
  constructor(private readonly limit: number) {}

  static bytes(lines: readonly string[]): number {
    return lines.reduce((n, line) => n + Buffer.byteLength(line, 'utf8') + 1, 0);
  }

  /** Adds the lines if they fit with `reserve` bytes to spare; false when they do not. */
  add(lines: readonly string[], reserve = 0): boolean {
    const size = Lines.bytes(lines);
    if (this.used + size + reserve > this.limit) return false;
    this.lines.push(...lines);
    this.used += size;
    return true;
  }

  /** Adds up to `cap` items, then one "and N more" line for whatever was left out. */
  addList<T>(items: readonly T[], cap: number, render: (item: T) => string[], more: (n: number) => string): void {
    const moreReserve = 200;
    let shown = 0;
    for (const item of items.slice(0, cap)) {
      if (!this.add(render(item), moreReserve)) break;
      shown += 1;
    }
    if (shown < items.length) this.add([more(items.length - shown)]);
  }
}

function groupLine(g: ClassifiedGroup): string {
  return `${g.groupId} "${cleanText(g.groupName, TEXT_CAPS.name)}" ${g.vpcId ?? 'no-vpc'} ${g.region}`;
}

function errorText(error: ScanError | undefined): string {
  if (!error) return 'unknown error';
  return `${cleanText(error.code, 60)}: ${cleanText(error.message, TEXT_CAPS.error)}`;
}

const tagList = (tags: readonly TagSpec[]) => cleanText(tags.map((t) => `${t.key}=${t.value}`).join(', ') || 'none', TEXT_CAPS.name);

const PROTECTION_LABEL: Record<ProtectionReason, (report: AuditReport) => string> = {
  'default-group': () => "the VPC's default group",
  'protect-tag': (r) => `tagged ${tagList(r.settings.protectTags)}`,
  'name-pattern': () => 'name matches a protected pattern',
  'production-tag': (r) => `tagged ${tagList(r.settings.productionTags)} (the stack's IAM refuses to delete these)`,
  cloudformation: () => 'managed by CloudFormation (delete it through its stack)',
  kubernetes: () => 'selected by Kubernetes tooling (karpenter.sh/discovery, kubernetes.io/cluster/*, ...)',
  'managed-service': () => 'managed by an AWS service (an aws: tag, or a service marker tag such as elasticbeanstalk:environment-name)',
  'other-owner': () => 'owned by another account',
  'too-new': (r) => `created less than ${r.settings.minAgeDays} days ago`,
  'kept-by-reviewer': () => 'kept by a reviewer until a date (tag sg-auditor:kept-until)',
};

function subjectFor(report: AuditReport, dryRun: boolean): string {
  const prefix = `[sg-auditor] ${dryRun ? 'DRY RUN ' : ''}${report.accountId}:`;
  const { candidates, unknown } = report.totals;
  const failed = failedRegions(report).length;
  const extras = [unknown > 0 ? `${unknown} unknown` : '', failed > 0 ? `${plural(failed, 'region')} failed` : ''].filter(Boolean);
  if (candidates > 0) {
    const regions = report.regions.filter((r) => r.totals.candidates > 0).length;
    const unverified = unverifiedCandidates(report).length;
    const main =
      `${prefix} ${plural(candidates, 'unused security group')} in ${plural(regions, 'region')}` +
      (unverified > 0 ? ` (${unverified === candidates ? (candidates === 1 ? '' : 'all ') : `${unverified} `}UNVERIFIED)` : '');
    return extras.length > 0 ? `${main}, ${extras.join(', ')}` : main;
  }
  if (extras.length > 0) return `${prefix} no unused security groups confirmed; ${extras.join(', ')}`;
  return `${prefix} all clear, no unused security groups in ${plural(report.regions.length, 'region')}`;
}

function headLines(input: AuditEmailInput): string[] {
  const { report, link, dryRun } = input;
  const t = report.totals;
  const lines = [
    `sg-auditor checked ${plural(t.groups, 'security group')} in ${plural(report.regions.length, 'region')} of AWS account ${report.accountId}.`,
    `Unused (candidates for deletion): ${t.candidates}; in use: ${t.inUse}; protected: ${t.protected}; unknown (kept): ${t.unknown}.`,
    `Audit ${report.auditId}, ${isoSeconds(new Date(report.startedAt))} to ${isoSeconds(new Date(report.finishedAt))}, ${report.apiCalls.total} API calls.`,
    '',
  ];
  lines.push(`Activity: ${activitySettingText(report)}.`);
  for (const short of report.regions.map(shortWindowText).filter((t): t is string => t !== undefined).slice(0, EMAIL_CAPS.regions)) lines.push(`  ${short}`);
  lines.push('');
  const unverified = unverifiedCandidates(report);
  if (unverified.length > 0) {
    const sources = [...new Set(unverified.flatMap((g) => g.unverifiedBy ?? []))].sort();
    lines.push(
      `WARNING: ${plural(unverified.length, 'candidate')} ${unverified.length === 1 ? 'is' : 'are'} UNVERIFIED by: ${sources.join(', ')}.`,
      'Those sources were excluded (skipSources), so a use there was never looked for: a group used only',
      'there (an ECS service scaled to 0, say) looks unused. Check them in those services before approving.',
      '',
    );
  }
  if (dryRun) {
    lines.push('DRY RUN: this audit made no approval link, so nothing can be deleted from this email.', '');
  } else if (link) {
    lines.push(
      `Review and approve deletions (link valid until ${isoSeconds(link.expiresAt)}):`,
      link.url,
      'Nothing is deleted until a person approves on that page; it re-checks every group first.',
      '',
    );
  } else if (t.candidates === 0) {
    lines.push('No approval link: there is nothing to delete.', '');
  }
  lines.push('PER REGION');
  const rows = report.regions.slice(0, EMAIL_CAPS.regions).map((r) =>
    r.status === 'failed'
      ? `  ${r.region}: FAILED, not audited (${cleanText(r.error?.code ?? 'Error', 60)})`
      : `  ${r.region}: ${r.totals.inUse} in use, ${r.totals.candidates} candidates, ${r.totals.protected} protected, ${r.totals.unknown} unknown` +
        `${r.scans.some((s) => s.status === 'failed') ? `; ${plural(r.scans.filter((s) => s.status === 'failed').length, 'source')} failed` : ''}`,
  );
  lines.push(...rows);
  if (report.regions.length > rows.length) lines.push(`  and ${report.regions.length - rows.length} more regions in sg_log.txt`);
  lines.push('');
  return lines;
}

function tailLines(input: AuditEmailInput): string[] {
  const { report, bucket, keys } = input;
  const lines: string[] = [];
  lines.push(`EXCLUDED SOURCES (skipSources): ${report.skippedSources.length > 0 ? report.skippedSources.join(', ') : 'none'}`, '');
  if (report.coverage) lines.push(`PLACES NOT SCANNED: ${cleanText(notScannedNotice(report.coverage), 500)}`, '');
  const failed = failedRegions(report);
  if (failed.length > 0) {
    lines.push(`REGIONS THAT FAILED (not audited, nothing there is a candidate): ${failed.length}`);
    for (const r of failed.slice(0, EMAIL_CAPS.failedRegions)) lines.push(`- ${r.region}: ${errorText(r.error)}`);
    if (failed.length > EMAIL_CAPS.failedRegions) lines.push(`  and ${failed.length - EMAIL_CAPS.failedRegions} more in sg_log.txt`);
    lines.push('');
  }
  const s3 = (key: string) => `s3://${cleanText(bucket, 63)}/${key}`;
  lines.push('FILES', `  report: ${s3(keys.report)}`, `  log:    ${s3(keys.log)}`, `  backup: ${s3(keys.backup)}`);
  return lines;
}

function middleLines(input: AuditEmailInput, limit: number): string[] {
  const { report, link } = input;
  const out = new Lines(limit);
  const groups = report.regions.flatMap((r) => r.groups);

  const candidates = groups.filter((g) => g.verdict === 'candidate');
  if (candidates.length > 0) {
    out.add([`UNUSED SECURITY GROUPS (candidates): ${candidates.length}`]);
    out.addList(
      candidates,
      EMAIL_CAPS.candidates,
      (g) => {
        const unverifiedBy = g.unverifiedBy ?? [];
        // The unverified line stands on its own; the same words are not repeated under "why".
        const why = unverifiedBy.length > 0 ? g.reasons.filter((r) => r !== unverifiedReason(unverifiedBy)) : g.reasons;
        return [
          `- ${groupLine(g)}`,
          ...(unverifiedBy.length > 0 ? [`    UNVERIFIED by: ${unverifiedBy.join(', ')} (excluded by skipSources, never checked)`] : []),
          `    why: ${cleanText(why.join('; '), TEXT_CAPS.reason)}`,
          `    ${cleanText(lastActivityText(g, report), TEXT_CAPS.reason)}`,
          `    rules: ${cleanText(summarizeRules(g), TEXT_CAPS.rules)}`,
        ];
      },
      (n) => `  and ${n} more ${link ? 'on the review page' : 'in sg_log.txt'}`,
    );
    out.add(['']);
  }

  const protectedGroups = groups.filter((g) => g.verdict === 'protected');
  if (protectedGroups.length > 0) {
    out.add([`PROTECTED (never deleted by a link): ${protectedGroups.length}`]);
    const byReason = new Map<ProtectionReason, ClassifiedGroup[]>();
    for (const g of protectedGroups) {
      const reason = g.protection?.[0] ?? 'protect-tag';
      byReason.set(reason, [...(byReason.get(reason) ?? []), g]);
    }
    for (const [reason, list] of byReason) {
      out.add([`  ${PROTECTION_LABEL[reason](report)}: ${list.length}`]);
      out.addList(list, EMAIL_CAPS.protectedPerReason, (g) => [`  - ${groupLine(g)}`], (n) => `    and ${n} more in sg_log.txt`);
    }
    out.add(['']);
  }

  const unknown = groups.filter((g) => g.verdict === 'unknown');
  const failures = failedScans(report);
  if (unknown.length > 0 || failures.length > 0) {
    out.add([`UNKNOWN (kept: a check failed, so these could not be cleared): ${unknown.length}`, '  Sources that failed:']);
    out.addList(
      failures,
      EMAIL_CAPS.failedSources,
      ({ region, scan }) => [`  - ${region} ${scan.source}: ${errorText(scan.error)}`],
      (n) => `    and ${n} more in sg_log.txt`,
    );
    if (unknown.length > 0) {
      out.add(['  Groups:']);
      out.addList(
        unknown,
        EMAIL_CAPS.unknownGroups,
        (g) => [`  - ${groupLine(g)}: ${(g.failedSources ?? []).join(', ') || 'unknown'} failed`],
        (n) => `    and ${n} more in sg_log.txt`,
      );
    }
    out.add(['']);
  }
  return out.lines;
}

/** The audit email: summary, link, per-region totals, bounded lists and the artifact keys. */
export function renderAuditEmail(input: AuditEmailInput): Email {
  const head = headLines(input);
  const tail = tailLines(input);
  const middle = middleLines(input, EMAIL_BODY_LIMIT_BYTES - Lines.bytes(head) - Lines.bytes(tail));
  return { subject: subjectFor(input.report, input.dryRun), body: `${[...head, ...middle, ...tail].join('\n')}\n` };
}

/** The email sent when the audit could not run at all; the Lambda then fails too. */
export function renderFailureEmail(input: FailureEmailInput): Email {
  const account = input.accountId ?? 'unknown account';
  const regions = input.regions === 'all' ? 'all enabled regions' : input.regions.join(', ');
  const body = [
    `sg-auditor could not audit AWS account ${account}: no security group could be inventoried.`,
    'Nothing was classified, nothing was written to S3 and no approval link was made.',
    '',
    `Audit:   ${input.auditId}`,
    `Started: ${isoSeconds(input.startedAt)}`,
    `Regions: ${cleanText(regions, 2000)}`,
    `Error:   ${errorText(input.error)}`,
    '',
    'Check the audit function\'s CloudWatch logs and its IAM role (sts:GetCallerIdentity, ec2:DescribeRegions,',
    'ec2:DescribeSecurityGroups, ec2:DescribeSecurityGroupRules), then run the audit again.',
  ];
  return {
    subject: `[sg-auditor] ${account}: audit FAILED (${cleanText(input.error.code, 40)})`,
    body: `${body.join('\n')}\n`,
  };
}
