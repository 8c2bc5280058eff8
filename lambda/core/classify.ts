import type {
  Activity,
  ActivityWindow,
  AuditSettings,
  ClassifiedGroup,
  GroupRecord,
  GroupVerdict,
  ProtectionReason,
  ScanResult,
  SourceId,
  TagSpec,
  Usage,
} from './model';
import { keepStatus } from './keep';
import { compileGlob } from './name-glob';

/** The source whose usages are rule references: they count only through the fixpoint below. */
export const RULE_REFERENCE_SOURCE: SourceId = 'sg-rule-references';
const CLOUDFORMATION_TAGS = ['aws:cloudformation:stack-id', 'aws:cloudformation:stack-name'];
/**
 * Tags by which Kubernetes tooling selects groups (a Karpenter EC2NodeClass, the AWS Load Balancer
 * Controller, the in-tree cloud provider, EKS): the selection lives in the cluster, not in any AWS
 * API a scanner could read. Keys ending in `/` are prefixes.
 */
export const KUBERNETES_TAGS = ['karpenter.sh/discovery', 'kubernetes.io/cluster/', 'elbv2.k8s.aws/cluster', 'aws:eks:cluster-name'] as const;

/**
 * Tags by which a managed service marks a group it created or uses as its own; such a group is
 * `protected`, "managed by <service>": the service, not a person, decides when it goes. Keys match
 * ignoring case; `value` when only that value counts. Any other key with the `aws:` prefix (only
 * AWS can write those) protects too, naming the service of its second segment.
 * - `ManagedByAmazonSageMakerResource`: the NFS groups SageMaker creates for a Studio domain
 *   (value: the domain's ARN), like the domain's EFS file system.
 * - `elasticbeanstalk:environment-name` / `-id`: resources Elastic Beanstalk creates for an environment.
 * - `for-use-with-amazon-emr-managed-policies=true`: a group EMR's v2 managed policies may launch
 *   clusters in (EMR propagates the tag to what it creates).
 * - `AmazonECSManaged`: ECS's marker on what its capacity providers manage.
 * - `alpha.eksctl.io/cluster-name`: groups eksctl creates for a cluster.
 */
export const MANAGED_SERVICE_TAGS: ReadonlyArray<{ key: string; service: string; value?: string }> = [
  { key: 'ManagedByAmazonSageMakerResource', service: 'Amazon SageMaker' },
  { key: 'elasticbeanstalk:environment-name', service: 'Elastic Beanstalk' },
  { key: 'elasticbeanstalk:environment-id', service: 'Elastic Beanstalk' },
  { key: 'for-use-with-amazon-emr-managed-policies', service: 'Amazon EMR', value: 'true' },
  { key: 'AmazonECSManaged', service: 'Amazon ECS' },
  { key: 'alpha.eksctl.io/cluster-name', service: 'eksctl' },
];

/** Names of the services behind `aws:<service>:...` keys, for the reason; others show their code. */
const AWS_TAG_SERVICES: Readonly<Record<string, string>> = {
  eks: 'Amazon EKS',
  ecs: 'Amazon ECS',
  autoscaling: 'EC2 Auto Scaling',
  servicecatalog: 'Service Catalog',
  elasticmapreduce: 'Amazon EMR',
  sagemaker: 'Amazon SageMaker',
  ec2launchtemplate: 'EC2 launch templates',
  ec2: 'Amazon EC2',
};
const DAY_MS = 24 * 60 * 60 * 1000;

export interface ClassifyOptions {
  accountId: string;
  protectTags: readonly TagSpec[];
  productionTags: readonly TagSpec[];
  protectNamePatterns: readonly string[];
  minAgeDays: number;
  /** recent-activity's window (0 or absent = off). */
  idleDays?: number;
  now: Date;
}

/** The classification options an audit's settings describe. */
export function classifyOptionsFor(settings: AuditSettings, accountId: string, now: Date): ClassifyOptions {
  return {
    accountId,
    protectTags: settings.protectTags,
    productionTags: settings.productionTags,
    protectNamePatterns: settings.protectNamePatterns,
    minAgeDays: settings.minAgeDays,
    idleDays: settings.idleDays ?? 0,
    now,
  };
}

/**
 * Compiles name globs once (see name-glob.ts: case ignored, `*` crosses `/`); configuration
 * validation calls it too, so a pattern the settings accept is a pattern classify can use.
 */
export function compileNamePatterns(patterns: readonly string[]): Array<{ pattern: string; test: (name: string) => boolean }> {
  return patterns.map((pattern) => ({ pattern, test: compileGlob(pattern) }));
}

/** Tag keys and values as people write them: case and surrounding spaces do not matter. */
export const normalizeTagText = (text: string): string => text.trim().toLowerCase();

/**
 * "tagged K=V" for each of the group's tags that matches one of `specs`, adding the configured
 * spelling when the group's differs ("tagged donotdelete= TRUE (matches DoNotDelete=true)").
 */
function matchingTags(tags: Readonly<Record<string, string>>, specs: readonly TagSpec[]): string[] {
  const found = new Set<string>();
  for (const spec of specs) {
    const key = normalizeTagText(spec.key);
    const value = normalizeTagText(spec.value);
    for (const [k, v] of Object.entries(tags)) {
      if (normalizeTagText(k) !== key || normalizeTagText(v) !== value) continue;
      const same = k === spec.key && v === spec.value;
      found.add(same ? `${k}=${v}` : `${k}=${v} (matches ${spec.key}=${spec.value})`);
    }
  }
  return [...found];
}

/** The group's Kubernetes selector tags (see KUBERNETES_TAGS). */
function kubernetesTags(tags: Readonly<Record<string, string>>): Array<[string, string]> {
  return Object.entries(tags).filter(([k]) => {
    const key = normalizeTagText(k);
    return KUBERNETES_TAGS.some((t) => (t.endsWith('/') ? key.startsWith(t) : key === t));
  });
}

/**
 * "managed by Elastic Beanstalk (tag elasticbeanstalk:environment-name=web)" for each service
 * whose marker tags the group carries; CloudFormation's and the Kubernetes selectors' tags are
 * their own protections and are left out here.
 */
function managedServiceReasons(tags: Readonly<Record<string, string>>): string[] {
  const byService = new Map<string, string[]>();
  const add = (service: string, tag: string): void => {
    const list = byService.get(service);
    if (list) list.push(tag);
    else byService.set(service, [tag]);
  };
  for (const [k, v] of Object.entries(tags)) {
    const key = normalizeTagText(k);
    if (CLOUDFORMATION_TAGS.includes(key) || KUBERNETES_TAGS.some((t) => (t.endsWith('/') ? key.startsWith(t) : key === t))) continue;
    const marker = MANAGED_SERVICE_TAGS.find((m) => normalizeTagText(m.key) === key && (m.value === undefined || normalizeTagText(v) === m.value));
    if (marker) add(marker.service, `${k}=${v}`);
    else if (key.startsWith('aws:')) {
      const code = key.split(':')[1] ?? '';
      add(AWS_TAG_SERVICES[code] ?? (code ? `AWS (${code})` : 'AWS'), `${k}=${v}`);
    }
  }
  return [...byService].map(([service, found]) => `managed by ${service} (tag ${found.join(', ')}): the service created or uses it; remove it through ${service}`);
}

/** The reason a candidate gives when sources were excluded in its region. */
export function unverifiedReason(sources: readonly SourceId[]): string {
  return `unverified by: ${sources.join(', ')} (excluded by skipSources, so a use there was never looked for)`;
}

interface Protection {
  kind: ProtectionReason;
  reason: string;
}

function protectionsOf(
  group: GroupRecord,
  options: ClassifyOptions,
  namePatterns: ReturnType<typeof compileNamePatterns>,
  createdAt: ReadonlyMap<string, string>,
): Protection[] {
  const found: Protection[] = [];
  if (group.groupName === 'default') {
    found.push({ kind: 'default-group', reason: "the VPC's default group (AWS does not allow deleting it)" });
  }
  const protectedBy = matchingTags(group.tags, options.protectTags);
  if (protectedBy.length > 0) {
    found.push({ kind: 'protect-tag', reason: `tagged ${protectedBy.join(', ')}` });
  }
  for (const { pattern, test } of namePatterns) {
    if (test(group.groupName)) {
      found.push({ kind: 'name-pattern', reason: `name matches protected pattern ${pattern}` });
      break;
    }
  }
  const production = matchingTags(group.tags, options.productionTags);
  if (production.length > 0) {
    found.push({
      kind: 'production-tag',
      reason: `tagged ${production.join(', ')}, the production tag: the deployed IAM policy refuses to delete it`,
    });
  }
  const stackTag = CLOUDFORMATION_TAGS.find((tag) => group.tags[tag] !== undefined);
  if (stackTag) {
    const stack = group.tags['aws:cloudformation:stack-name'] ?? group.tags[stackTag];
    found.push({ kind: 'cloudformation', reason: `managed by CloudFormation stack ${stack}: delete it through its stack` });
  }
  const selectors = kubernetesTags(group.tags);
  if (selectors.length > 0) {
    found.push({
      kind: 'kubernetes',
      reason: `selected by Kubernetes tooling (tag ${selectors.map(([k, v]) => `${k}=${v}`).join(', ')}): a NodeClass or controller in the cluster, not any AWS API, holds that selection`,
    });
  }
  for (const reason of managedServiceReasons(group.tags)) found.push({ kind: 'managed-service', reason });
  if (group.ownerId !== options.accountId) {
    found.push({ kind: 'other-owner', reason: `owned by another account (${group.ownerId})` });
  }
  const keep = keepStatus(group.tags, options.now);
  if (keep.state === 'kept' || keep.state === 'malformed') found.push({ kind: 'kept-by-reviewer', reason: keep.reason });
  const created = createdAt.get(group.groupId);
  if (created !== undefined && options.minAgeDays > 0) {
    const ageMs = options.now.getTime() - Date.parse(created);
    if (ageMs < options.minAgeDays * DAY_MS) {
      found.push({ kind: 'too-new', reason: `created ${created}, less than ${options.minAgeDays} days ago` });
    }
  }
  return found;
}

/**
 * Classifies the groups of one region from the scan results of that region.
 *
 * Order of the rules (DESIGN.md): protected first; then in-use by direct evidence; then rule
 * references as a fixpoint (a reference keeps its target only while the referencing group is
 * itself kept, so unused groups that only reference each other are all candidates); then fail
 * closed (any failed scan makes every group without positive evidence `unknown`, and an unknown
 * group's references cannot free anything since everything undecided is unknown too); the rest
 * are candidates.
 */
export function classifyRegion(
  groups: readonly GroupRecord[],
  scans: readonly ScanResult[],
  options: ClassifyOptions,
): ClassifiedGroup[] {
  const namePatterns = compileNamePatterns(options.protectNamePatterns);
  const createdAt = new Map<string, string>();
  const direct = new Map<string, Usage[]>();
  /** referenced group id -> usages whose resourceId is the referencing group. */
  const referencedBy = new Map<string, Usage[]>();
  for (const scan of scans) {
    for (const [groupId, time] of Object.entries(scan.createdAt ?? {})) createdAt.set(groupId, time);
    for (const usage of scan.usages) {
      const target = usage.source === RULE_REFERENCE_SOURCE ? referencedBy : direct;
      const list = target.get(usage.groupId);
      if (list) list.push(usage);
      else target.set(usage.groupId, [usage]);
    }
  }
  const activity = new Map<string, Activity>();
  let shortWindow: ActivityWindow | undefined;
  for (const scan of scans) {
    for (const [groupId, a] of Object.entries(scan.activity ?? {})) activity.set(groupId, a);
    if (scan.status === 'ok' && scan.activityWindow && !scan.activityWindow.complete) shortWindow = scan.activityWindow;
  }
  const failedSources = [...new Set(scans.filter((s) => s.status === 'failed').map((s) => s.source))].sort();
  const skippedSources = [...new Set(scans.filter((s) => s.status === 'skipped').map((s) => s.source))].sort();
  const checkedSources = scans.filter((s) => s.status !== 'skipped').length;

  const verdicts = new Map<string, GroupVerdict>();
  for (const group of groups) {
    const protections = protectionsOf(group, options, namePatterns, createdAt);
    const usages = direct.get(group.groupId) ?? [];
    if (protections.length > 0) {
      verdicts.set(group.groupId, {
        verdict: 'protected',
        reasons: protections.map((p) => p.reason),
        protection: protections.map((p) => p.kind),
        usages: [...usages],
      });
    } else if (usages.length > 0) {
      verdicts.set(group.groupId, { verdict: 'in-use', reasons: [describeUsages(usages)], usages: [...usages] });
    }
  }

  // Fixpoint over rule references, as a worklist: a group referenced by a kept group is kept.
  // Referrers outside this region's inventory (another region or account) count as kept.
  // Linear in groups + references, so long chains stay cheap at 50k groups.
  const inRegion = new Set(groups.map((g) => g.groupId));
  const targetsOf = new Map<string, string[]>();
  for (const [target, refs] of referencedBy) {
    for (const u of refs) {
      if (u.resourceId === target) continue; // self-references never count
      const list = targetsOf.get(u.resourceId);
      if (list) list.push(target);
      else targetsOf.set(u.resourceId, [target]);
    }
  }
  const kept = new Set<string>(verdicts.keys());
  const queue = [...kept, ...[...targetsOf.keys()].filter((id) => !inRegion.has(id))];
  const reached: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    for (const target of targetsOf.get(queue[i] as string) ?? []) {
      if (kept.has(target) || !inRegion.has(target)) continue;
      kept.add(target);
      reached.push(target);
      queue.push(target);
    }
  }
  for (const groupId of reached) {
    const keeping = (referencedBy.get(groupId) ?? []).filter(
      (u) => u.resourceId !== groupId && (kept.has(u.resourceId) || !inRegion.has(u.resourceId)),
    );
    const referrers = [...new Set(keeping.map((u) => u.resourceId))];
    verdicts.set(groupId, { verdict: 'in-use', reasons: [`referenced by rules of ${referrers.join(', ')}, which are kept`], usages: keeping });
  }

  const withActivity = (g: ClassifiedGroup): ClassifiedGroup => {
    const last = activity.get(g.groupId);
    return last ? { ...g, lastActivity: last } : g;
  };
  return groups.map((group) => withActivity(decide(group)));

  function decide(group: GroupRecord): ClassifiedGroup {
    const decided = verdicts.get(group.groupId);
    if (decided) return { ...group, ...decided };
    const created = createdAt.get(group.groupId);
    if (failedSources.length === 0 && shortWindow && !(created !== undefined && Date.parse(created) >= Date.parse(shortWindow.reached))) {
      // Fail closed: the unread part of the idle window might hold the one use of this group.
      return {
        ...group,
        verdict: 'unknown',
        reasons: [activityWindowReason(shortWindow)],
        failedSources: [ACTIVITY_SOURCE],
        usages: [],
      };
    }
    if (failedSources.length > 0) {
      // Fail closed: without positive evidence, a failed source might have been the one user.
      return {
        ...group,
        verdict: 'unknown',
        reasons: [`could not be cleared: ${failedSources.join(', ')} failed in ${group.region}`],
        failedSources,
        usages: [],
      };
    }
    const selfOrCandidateRefs = (referencedBy.get(group.groupId) ?? []).map((u) => u.resourceId);
    // Most important first: a candidate nobody checked against the excluded sources says so.
    const reasons = skippedSources.length > 0 ? [unverifiedReason(skippedSources)] : [];
    reasons.push(`no usage found by ${checkedSources} sources checked in ${group.region}`);
    const others = [...new Set(selfOrCandidateRefs.filter((id) => id !== group.groupId))];
    if (others.length > 0) reasons.push(`referenced only by rules of unused groups: ${others.join(', ')}`);
    if (selfOrCandidateRefs.includes(group.groupId)) reasons.push('its own rules reference itself (does not count)');
    const keep = keepStatus(group.tags, options.now);
    if (keep.state === 'expired') reasons.push(keep.note);
    return { ...group, verdict: 'candidate', reasons, usages: [], ...(skippedSources.length > 0 ? { unverifiedBy: skippedSources } : {}) };
  }
}

/** The source whose window, read only in part, keeps groups `unknown`. */
export const ACTIVITY_SOURCE: SourceId = 'recent-activity';

/** Why a group stays `unknown` when the page budget stopped the activity reading early. */
export function activityWindowReason(window: ActivityWindow): string {
  return (
    `could not be cleared: CloudTrail activity was read back only to ${window.reached.slice(0, 10)} of the ${window.idleDays}-day window ` +
    `(page budget reached); fix: a smaller idleDays, or a CloudTrail trail queried at scale`
  );
}

function describeUsages(usages: readonly Usage[]): string {
  const first = usages.slice(0, 3).map(describeUsage);
  const more = usages.length > 3 ? ` and ${usages.length - 3} more` : '';
  return `used by ${first.join('; ')}${more}`;
}

/** "ALB my-app-lb (arn:...)": the short evidence line shown in logs, emails and pages. */
export function describeUsage(usage: Usage): string {
  const name = usage.resourceName && usage.resourceName !== usage.resourceId ? ` ${usage.resourceName}` : '';
  const detail = usage.detail ? ` (${usage.detail})` : '';
  return `${usage.resourceType}${name} ${usage.resourceId}${detail}`;
}
