/**
 * The data model shared by the audit, the deletion path, the renderers and the CLI.
 * Plain data only: no AWS SDK types leak past lambda/aws.
 */

/**
 * Bump on any breaking change to the report JSON (a public contract: `sg-audit audit --json`).
 * 2: settings hold lists of protection and production tags (`protectTags`, `productionTags`)
 * instead of one `protectTag`; report-schema.ts reads version 1 reports by upgrading them.
 */
export const REPORT_SCHEMA_VERSION = 2;

/** Stable source ids (DESIGN.md): used by skipSources, the report and metrics. */
export const SOURCE_IDS = [
  'network-interfaces',
  'ec2-instances',
  'launch-templates',
  'launch-configurations',
  'spot-fleets',
  'elbv2',
  'classic-elb',
  'rds',
  'ecs-services',
  'ecs-scheduled-tasks',
  'lambda',
  'eks',
  'elasticache',
  'redshift',
  'redshift-serverless',
  'opensearch',
  'msk',
  'mq',
  'efs',
  'vpc-endpoints',
  'batch',
  'emr',
  'sagemaker',
  'codebuild',
  'glue',
  'dms',
  'apprunner',
  'route53-resolver',
  'client-vpn',
  'directory-service',
  'mwaa',
  'transfer',
  'apigateway-vpc-links',
  'memorydb',
  'dax',
  'sg-rule-references',
  'peered-references',
  'cloudtrail-age',
  'vpc-associations',
  'spot-instance-requests',
  'instance-connect-endpoints',
  'verified-access',
  'eventbridge-pipes',
  'docdb-elastic',
  'msk-connect',
  'emr-serverless',
  'vpc-lattice',
  'workspaces',
  'ram-shares',
  'step-functions',
  'cloudformation-parameters',
  'image-builder',
  'lambda-event-source-mappings',
  'appstream',
  'managed-flink',
  'drs',
  'mgn',
  'codestar-connections',
  'deadline',
  'device-farm',
  'elastic-beanstalk',
  'groundstation',
  'm2',
  'msk-cross-vpc',
  'mediaconnect',
  'medialive',
  'transfer-web-apps',
  'workspaces-web',
  'application-status-checks',
  's3files',
  'kendra',
  'qbusiness',
  'comprehend',
  'omics',
  'bedrock-agentcore',
  'emr-containers',
  'datasync',
  'datazone',
  'lookoutmetrics',
  'firehose',
  'osis',
  'opensearch-serverless',
  'synthetics',
  'grafana',
  'aps-scrapers',
  'iot-topic-rule-destinations',
  'timestream-influxdb',
  'quicksight',
  'ssm-parameters',
  'resource-tags',
  'batch-job-definitions',
  'ecs-task-definitions',
  'glue-jobs',
  // issue 21: activity in the idle window (CloudTrail, Config history)
  'recent-activity',
] as const;

export type SourceId = (typeof SOURCE_IDS)[number];

export function isSourceId(value: string): value is SourceId {
  return (SOURCE_IDS as readonly string[]).includes(value);
}

/** A group referenced by a rule (DescribeSecurityGroupRules ReferencedGroupInfo). */
export interface ReferencedGroup {
  groupId: string;
  userId?: string;
  vpcId?: string;
  vpcPeeringConnectionId?: string;
}

/** One rule of a group, as DescribeSecurityGroupRules returns it. */
export interface RuleRecord {
  ruleId: string;
  isEgress: boolean;
  /** "tcp" | "udp" | "icmp" | "icmpv6" | "-1" | a protocol number. */
  ipProtocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  prefixListId?: string;
  referencedGroup?: ReferencedGroup;
  description?: string;
  tags?: Record<string, string>;
}

/** One security group with every rule and tag: enough to recreate it. */
export interface GroupRecord {
  region: string;
  groupId: string;
  groupName: string;
  description: string;
  vpcId?: string;
  ownerId: string;
  arn?: string;
  tags: Record<string, string>;
  ingress: RuleRecord[];
  egress: RuleRecord[];
}

/** Evidence that a group is used: shown to people ("ALB my-app-lb", "Lambda fn billing-sync"). */
export interface Usage {
  groupId: string;
  region: string;
  source: SourceId;
  resourceType: string;
  resourceId: string;
  resourceName?: string;
  detail?: string;
}

export interface ScanError {
  /** The AWS error code (SDK v3 `error.name`), e.g. AccessDenied, ThrottlingException. */
  code: string;
  message: string;
}

/** What one scanner found in one region. A failed scan still carries the usages it read. */
export interface ScanResult {
  source: SourceId;
  region: string;
  status: 'ok' | 'failed' | 'skipped';
  error?: ScanError;
  /** e.g. "not offered in ap-east-2", "excluded by skipSources". */
  note?: string;
  usages: Usage[];
  /** Requests this source made itself (shared listings are counted under their own label). */
  apiCalls: number;
  /** Keys of the shared listings it read ("ec2:network-interfaces"), counted as `shared:<key>`. */
  sharedListings?: string[];
  /** Wall time of the scan, waiting on shared listings included (runScanner always sets it). */
  durationMs?: number;
  /** cloudtrail-age only: group id -> ISO time of its CreateSecurityGroup event. */
  createdAt?: Record<string, string>;
  /** recent-activity only: group id -> its latest activity in the idle window (use or not). */
  activity?: Record<string, Activity>;
  /** recent-activity only: how far back the idle window was read. */
  activityWindow?: ActivityWindow;
}

/** The latest activity naming a group: a CloudTrail write event, or a Config history item. */
export interface Activity {
  /** ISO time. */
  time: string;
  /** "RunJobFlow on 2026-11-20 by arn:aws:sts::123456789012:assumed-role/airflow/i-1". */
  summary: string;
  /** A launch or configuration with the group (use), or only shown (an edit of the group's own rules). */
  use: boolean;
}

/** How far back recent-activity read the idle window in a region. */
export interface ActivityWindow {
  idleDays: number;
  /** The window's start (ISO). */
  from: string;
  /** The oldest time every query reached (ISO): `from` when complete. */
  reached: string;
  /** False when the page budget stopped it early: groups it could not clear are `unknown`. */
  complete: boolean;
}

export type VerdictKind = 'in-use' | 'candidate' | 'protected' | 'unknown';

export type ProtectionReason =
  | 'default-group'
  | 'protect-tag'
  | 'name-pattern'
  | 'production-tag'
  | 'cloudformation'
  | 'kubernetes'
  /** Tagged by a managed service as its own (an `aws:` key, or a service's marker tag): see MANAGED_SERVICE_TAGS. */
  | 'managed-service'
  | 'other-owner'
  | 'too-new'
  /** Tagged sg-auditor:kept-until (a reviewer kept it, until that date; a malformed date keeps it too). */
  | 'kept-by-reviewer';

export interface GroupVerdict {
  verdict: VerdictKind;
  /** Human sentences explaining the verdict, most important first. */
  reasons: string[];
  /** Evidence of use (empty for candidates). Rule references count only when their owner is kept. */
  usages: Usage[];
  /** Set for `protected`. */
  protection?: ProtectionReason[];
  /** Set for `unknown`: the sources that failed in the group's region. */
  failedSources?: SourceId[];
  /**
   * Set for a `candidate` cleared while sources were excluded (skipSources) in its region: a use
   * there was never looked for. Every place a person reviews candidates names them.
   */
  unverifiedBy?: SourceId[];
  /**
   * The latest activity naming the group in the idle window (recent-activity), use or not.
   * Absent when none was found, or when the check was off (settings.idleDays 0 or absent).
   */
  lastActivity?: Activity;
}

export type ClassifiedGroup = GroupRecord & GroupVerdict;

export interface ScanSummary {
  source: SourceId;
  status: 'ok' | 'failed' | 'skipped';
  error?: ScanError;
  note?: string;
  /** Requests this source made itself; a shared listing's are counted once, under `shared:<key>` in AuditReport.apiCalls. */
  apiCalls: number;
  /** Keys of the shared listings the source read ("ec2:network-interfaces"). */
  sharedListings?: string[];
  /** Wall time of the scan, waiting on shared listings included (absent in reports made before it was recorded). */
  durationMs?: number;
  usageCount: number;
  /** recent-activity only: how far back the idle window was read. */
  activityWindow?: ActivityWindow;
}

export interface Totals {
  groups: number;
  inUse: number;
  candidates: number;
  protected: number;
  unknown: number;
}

export interface RegionReport {
  region: string;
  /** `failed` when the region could not be audited at all (no inventory). */
  status: 'ok' | 'failed';
  error?: ScanError;
  scans: ScanSummary[];
  groups: ClassifiedGroup[];
  totals: Totals;
  /** Inventory calls, every scanner's calls and the shared listings' calls. */
  apiCalls: number;
}

/** A `Key=Value` tag as configured; groups match it ignoring case and surrounding spaces. */
export interface TagSpec {
  key: string;
  value: string;
}

export interface AuditSettings {
  regions: string[] | 'all';
  skipSources: SourceId[];
  /** Tags that protect a group (protectTag; the deletion re-audit may hold several). */
  protectTags: TagSpec[];
  /** Tags the stack's IAM refuses to delete (productionTag): protected, as a deletion could only fail. */
  productionTags: TagSpec[];
  protectNamePatterns: string[];
  minAgeDays: number;
  /**
   * recent-activity: a group named by a write event (or a Config history item) in the last
   * idleDays is in use. 0 = off; absent in reports written before it (read as off).
   */
  idleDays?: number;
}

export interface AuditReport {
  schemaVersion: typeof REPORT_SCHEMA_VERSION;
  auditId: string;
  accountId: string;
  startedAt: string;
  finishedAt: string;
  settings: AuditSettings;
  /** Sources excluded on purpose (skipSources): named everywhere, never silent. */
  skippedSources: SourceId[];
  regions: RegionReport[];
  totals: Totals;
  /** bySource: per source id, plus "inventory" and one "shared:<key>" per shared listing; each request counted once. */
  apiCalls: { total: number; bySource: Record<string, number> };
  /**
   * Hex SHA-256 of the exact backup.json bytes written with this report (additive: absent in
   * reports written before it). The link signs the report, so it signs the backup through this.
   */
  backupSha256?: string;
  /**
   * The coverage ledger's figure when the audit ran (additive: absent in reports written before
   * it): places read by a source, held only while a network interface exists, and not scanned,
   * with where the not-scanned list is, so no reviewer mistakes "not seen" for "not used".
   */
  coverage?: ReportCoverage;
}

/** The coverage ledger's figure, as the report carries it (lambda/core/coverage.ts). */
export interface ReportCoverage {
  scanned: number;
  interfaces: number;
  notScanned: number;
  /** Where the list of places not scanned, with why, is documented. */
  listUrl: string;
}

export function emptyTotals(): Totals {
  return { groups: 0, inUse: 0, candidates: 0, protected: 0, unknown: 0 };
}

export function addToTotals(totals: Totals, verdict: VerdictKind): void {
  totals.groups += 1;
  if (verdict === 'in-use') totals.inUse += 1;
  else if (verdict === 'candidate') totals.candidates += 1;
  else if (verdict === 'protected') totals.protected += 1;
  else totals.unknown += 1;
}

export function sumTotals(parts: Totals[]): Totals {
  const total = emptyTotals();
  for (const p of parts) {
    total.groups += p.groups;
    total.inUse += p.inUse;
    total.candidates += p.candidates;
    total.protected += p.protected;
    total.unknown += p.unknown;
  }
  return total;
}
