import type { DeletionResult, GroupOutcome } from './deletion-plan';
import type { AuditReport, ClassifiedGroup, RegionReport } from './model';

/**
 * Security Hub findings for candidates, as plain data (AWS Security Finding Format). The audit
 * imports one finding per candidate into the hub of the group's region; a group that is no
 * longer a candidate has its finding archived; the deletion workflow resolves the finding of a
 * deleted group and suppresses (with the reviewer's reason) the finding of a kept one.
 *
 * Findings go to the hub of the account that runs sg-auditor (`hubAccountId`): BatchImportFindings
 * accepts only findings whose AwsAccountId is the caller's own account (for the default product).
 * In organization mode that is the auditor account's hub, one finding per member group, the
 * member account in the finding's Id and in the resource ARN; member roles get no write right.
 *
 * Never a live approval link in a finding: everyone who can read findings (in an organization,
 * the delegated administrator's whole security team) could approve with it. The finding names
 * the report in S3 and says the link went to the reviewers by email.
 */

export const FINDING_GENERATOR_ID = 'sg-auditor/unused-security-group';
export const FINDING_TYPE = 'Software and Configuration Checks/AWS Security Best Practices/Unused security group';
/** ASFF text limits (Title 256, Description 1024, Note.Text 512 characters). */
const TITLE_MAX = 256;
const DESCRIPTION_MAX = 1024;
const NOTE_MAX = 512;
/** Records per BatchImportFindings and per BatchUpdateFindings request (the API's maximum). */
export const FINDINGS_PER_REQUEST = 100;

/** The subset of ASFF the tool writes and reads back (a structural match of the SDK's AwsSecurityFinding). */
export interface Finding {
  SchemaVersion: '2018-10-08';
  Id: string;
  ProductArn: string;
  GeneratorId: string;
  AwsAccountId: string;
  Region: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  Title: string;
  Description: string;
  ProductName?: string;
  CompanyName?: string;
  SourceUrl?: string;
  FindingProviderFields: { Severity: { Label: 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL' }; Types: string[] };
  Compliance: { Status: 'PASSED' | 'FAILED' | 'WARNING' | 'NOT_AVAILABLE' };
  RecordState: 'ACTIVE' | 'ARCHIVED';
  Resources: Array<{
    Type: 'AwsEc2SecurityGroup';
    Id: string;
    Partition: string;
    Region: string;
    Details?: { AwsEc2SecurityGroup: { GroupName?: string; GroupId: string; VpcId?: string; OwnerId?: string } };
  }>;
  ProductFields?: Record<string, string>;
  Workflow?: { Status?: string };
}

/** A finding to update with BatchUpdateFindings (the customer's workflow fields). */
export interface WorkflowUpdate {
  Id: string;
  ProductArn: string;
  status: 'RESOLVED' | 'SUPPRESSED';
  note: string;
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The account's own "default" product: what a finding provider that is not a partner imports under. */
export function productArn(region: string, accountId: string): string {
  return `arn:${partitionOf(region)}:securityhub:${region}:${accountId}:product/${accountId}/default`;
}

/** Stable across audits, so each audit updates the group's finding instead of adding one. */
export function findingId(accountId: string, region: string, groupId: string): string {
  return `sg-auditor/${accountId}/${region}/${groupId}`;
}

export function groupArn(region: string, accountId: string, groupId: string): string {
  return `arn:${partitionOf(region)}:ec2:${region}:${accountId}:security-group/${groupId}`;
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function candidateDescription(group: ClassifiedGroup, report: AuditReport, reportUrl: string): string {
  const evidence = group.reasons.join(' ');
  const tail = ` Audit ${report.auditId}; report: ${reportUrl}. The approval link was emailed to the reviewers; it is never stored in a finding.`;
  return clip(`No use found by sg-auditor for ${group.groupId} (${group.groupName}) in VPC ${group.vpcId ?? '-'}. ${evidence}`, DESCRIPTION_MAX - tail.length) + tail;
}

/** One candidate's finding: ACTIVE, compliance FAILED, severity LOW (an unused group is hygiene, not an exposure). */
export function candidateFinding(report: AuditReport, group: ClassifiedGroup, now: Date, reportUrl: string, hubAccountId = report.accountId): Finding {
  const at = now.toISOString();
  return {
    SchemaVersion: '2018-10-08',
    Id: findingId(report.accountId, group.region, group.groupId),
    ProductArn: productArn(group.region, hubAccountId),
    GeneratorId: FINDING_GENERATOR_ID,
    AwsAccountId: hubAccountId,
    Region: group.region,
    Types: [FINDING_TYPE],
    CreatedAt: at,
    UpdatedAt: at,
    Title: clip(`Unused security group ${group.groupId} (${group.groupName})`, TITLE_MAX),
    Description: candidateDescription(group, report, reportUrl),
    ProductName: 'sg-auditor',
    CompanyName: 'sg-auditor',
    SourceUrl: reportUrl,
    FindingProviderFields: { Severity: { Label: 'LOW' }, Types: [FINDING_TYPE] },
    Compliance: { Status: 'FAILED' },
    RecordState: 'ACTIVE',
    Resources: [
      {
        Type: 'AwsEc2SecurityGroup',
        Id: groupArn(group.region, report.accountId, group.groupId),
        Partition: partitionOf(group.region),
        Region: group.region,
        Details: {
          AwsEc2SecurityGroup: {
            GroupId: group.groupId,
            GroupName: group.groupName,
            ...(group.vpcId ? { VpcId: group.vpcId } : {}),
            ...(group.ownerId ? { OwnerId: group.ownerId } : {}),
          },
        },
      },
    ],
    ProductFields: { 'sg-auditor/AuditId': report.auditId, 'sg-auditor/AccountId': report.accountId, 'sg-auditor/GroupId': group.groupId },
  };
}

/** The finding archived: the group is no longer a candidate (or is gone), with why. CreatedAt is kept. */
export function archivedFinding(existing: Finding, why: string, now: Date, compliance: Finding['Compliance']['Status'] = 'PASSED'): Finding {
  const note = ` Archived ${now.toISOString().slice(0, 10)}: ${why}`;
  return {
    ...existing,
    UpdatedAt: now.toISOString(),
    Description: clip(existing.Description, DESCRIPTION_MAX - note.length) + note,
    Compliance: { Status: compliance },
    RecordState: 'ARCHIVED',
  };
}

/** The group id a finding of ours is about (its Id: sg-auditor/<account>/<region>/<group>). */
export function groupOfFinding(finding: Pick<Finding, 'Id'>): string | undefined {
  return /\/(sg-[0-9a-f]+)$/.exec(finding.Id)?.[1];
}

export interface RegionFindingPlan {
  /** Candidates' findings (created, or refreshed: a re-import keeps the customer's workflow fields). */
  upsert: Finding[];
  /** Active findings of groups that are no longer candidates, archived with why. */
  archive: Finding[];
}

/**
 * What one region's audit does to the hub: every candidate gets its finding; an active finding
 * whose group is now in use, protected or gone is archived. A group that is `unknown` (a source
 * failed) keeps its finding as it is: the audit could not tell either way. A failed region
 * changes nothing.
 */
export function planRegionFindings(
  report: AuditReport,
  region: RegionReport,
  active: readonly Finding[],
  now: Date,
  reportUrl: string,
  hubAccountId = report.accountId,
): RegionFindingPlan {
  if (region.status === 'failed') return { upsert: [], archive: [] };
  const byId = new Map(region.groups.map((g) => [g.groupId, g]));
  const upsert = region.groups.filter((g) => g.verdict === 'candidate').map((g) => candidateFinding(report, g, now, reportUrl, hubAccountId));
  const upserted = new Set(upsert.map((f) => f.Id));
  // Only this account's findings in this region: in organization mode one hub holds every member's.
  const ours = `sg-auditor/${report.accountId}/${region.region}/`;
  const archive: Finding[] = [];
  for (const finding of active) {
    if (upserted.has(finding.Id) || !finding.Id.startsWith(ours)) continue;
    const groupId = groupOfFinding(finding);
    const group = groupId ? byId.get(groupId) : undefined;
    if (!group) archive.push(archivedFinding(finding, `the group no longer exists (audit ${report.auditId})`, now));
    else if (group.verdict === 'in-use') archive.push(archivedFinding(finding, `the group is in use (${clip(group.reasons[0] ?? 'in use', 200)}; audit ${report.auditId})`, now));
    else if (group.verdict === 'protected') archive.push(archivedFinding(finding, `the group is protected (${clip(group.reasons[0] ?? 'protected', 200)}; audit ${report.auditId})`, now));
  }
  return { upsert, archive };
}

export interface DeletionFindingPlan {
  /** Deleted (or already gone) groups' findings to archive, then resolve. */
  resolved: Array<{ Id: string; ProductArn: string; region: string; groupId: string; note: string }>;
  /** Groups the reviewer kept: suppressed with the reviewer's reason. */
  suppressed: Array<{ Id: string; ProductArn: string; region: string; groupId: string; note: string }>;
}

function outcomeRef(result: DeletionResult, hubAccountId: string, o: GroupOutcome, note: string) {
  return { Id: findingId(result.accountId, o.region, o.groupId), ProductArn: productArn(o.region, hubAccountId), region: o.region, groupId: o.groupId, note: clip(note, NOTE_MAX) };
}

/** What a finished deletion does to the findings: deleted -> resolved; kept by the reviewer -> suppressed with the reason. */
export function planDeletionFindings(result: DeletionResult, hubAccountId = result.accountId): DeletionFindingPlan {
  const resolved = result.outcomes
    .filter((o) => o.outcome === 'deleted')
    .map((o) => outcomeRef(result, hubAccountId, o, `Deleted by sg-auditor on ${result.finishedAt.slice(0, 10)} (audit ${result.auditId}): ${o.reason}`));
  const suppressed = result.outcomes
    .filter((o) => o.outcome === 'kept-by-reviewer')
    .map((o) => outcomeRef(result, hubAccountId, o, `Kept by the reviewer (audit ${result.auditId}): ${o.reason}${result.requester.note ? `; note: ${result.requester.note}` : ''}`));
  return { resolved, suppressed };
}

/** Splits a list into the API's request sizes. */
export function chunks<T>(items: readonly T[], size = FINDINGS_PER_REQUEST): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
