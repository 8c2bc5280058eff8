import { AutoScalingClient, paginateDescribeAutoScalingGroups } from '@aws-sdk/client-auto-scaling';
import type { ComputeEnvironmentDetail } from '@aws-sdk/client-batch';
import {
  EC2Client,
  paginateDescribeFleets,
  paginateDescribeLaunchTemplateVersions,
  type BatchState,
  type DescribeLaunchTemplateVersionsRequest,
  type GroupIdentifier,
  type LaunchTemplateVersion,
} from '@aws-sdk/client-ec2';
import type { GroupRecord } from '../../core/model';
import { BATCH_COMPUTE_ENVIRONMENTS, EKS_NODEGROUPS, SPOT_FLEET_REQUESTS, type EksEntry } from './shared-listings';
import type { ScanContext, ScanOutcome, Scanner } from './types';

/** A launch template reference as ASGs, Spot Fleets and EC2 Fleets hold it. */
interface TemplateRef {
  LaunchTemplateId?: string;
  LaunchTemplateName?: string;
  Version?: string;
}

/** What pins one template: numbered versions, and pinners that may use any of its versions. */
interface PinEntry {
  ref: TemplateRef;
  versions: Map<number, Set<string>>;
  anyVersion: Set<string>;
}

/** Pins per template key (id, or `name:` + name when only the name is known). */
type Pins = Map<string, PinEntry>;

// A cancelled or failed Spot Fleet request has no instances and launches none. The
// cancelled_running and cancelled_terminating states still have instances, so they still count.
// (Kept here, not in spot-fleets.ts, so that spot-fleets can use resolveGroupRefs without an
// import cycle.)
const DEAD_SPOT_FLEET_STATES = new Set<string>(['cancelled', 'failed']);

/** Whether a Spot Fleet request can still launch or run instances with its configuration. */
export function isLiveSpotFleet(state: BatchState | string | undefined): boolean {
  return !state || !DEAD_SPOT_FLEET_STATES.has(state);
}

// A fleet that is deleted or failed launches nothing more, so its pins no longer matter.
const DEAD_FLEET_STATES = new Set(['deleted', 'failed']);
// The template or the pinned version vanished between the listing and the describe (or the
// pinner points at something deleted): nothing can launch from it, so it holds no group.
const TEMPLATE_GONE = new Set(['InvalidLaunchTemplateId.NotFound', 'InvalidLaunchTemplateName.NotFoundException']);
const VERSION_GONE = 'InvalidLaunchTemplateId.VersionNotFound';

/**
 * Resolves group references that may be names (launch template `SecurityGroups`, some launch
 * configurations, Spot specifications that give only a GroupName) to ids of the region's groups.
 * The field carries no VPC, so a name shared by several groups marks every one of them (the safe
 * side). An id not in the inventory is kept.
 */
export function resolveGroupRefs(groups: readonly GroupRecord[], refs: readonly (string | undefined)[] | undefined): string[] {
  const ids: string[] = [];
  for (const ref of refs ?? []) {
    if (!ref) continue;
    const byId = groups.filter((g) => g.groupId === ref);
    // Group names are unique per VPC regardless of case (CreateSecurityGroup model doc), and how
    // EC2 matches the case of a referenced name is not documented: matching without case can
    // only mark more groups, never fewer (the safe side).
    const name = ref.toLowerCase();
    const matches = byId.length > 0 ? byId : groups.filter((g) => g.groupName.toLowerCase() === name);
    if (matches.length > 0) ids.push(...matches.map((g) => g.groupId));
    else if (ref.startsWith('sg-')) ids.push(ref);
  }
  return ids;
}

/**
 * The group ids of a Spot launch specification's `SecurityGroups`. A request may name a group
 * by GroupName only (default VPC), so such an entry is resolved like a launch template name.
 */
export function groupIdentifierIds(groups: readonly GroupRecord[], identifiers: readonly GroupIdentifier[] | undefined): string[] {
  const ids: string[] = [];
  for (const identifier of identifiers ?? []) {
    if (identifier.GroupId) ids.push(identifier.GroupId);
    else ids.push(...resolveGroupRefs(groups, [identifier.GroupName]));
  }
  return ids;
}

function groupsOf(version: LaunchTemplateVersion, groups: readonly GroupRecord[]): Array<string | undefined> {
  const data = version.LaunchTemplateData;
  return [
    ...(data?.SecurityGroupIds ?? []),
    ...(data?.NetworkInterfaces ?? []).flatMap((eni) => eni.Groups ?? []),
    ...resolveGroupRefs(groups, data?.SecurityGroups),
  ];
}

function report(ctx: ScanContext, version: LaunchTemplateVersion, detail: string): void {
  ctx.found(groupsOf(version, ctx.groups), {
    resourceType: 'launch template',
    resourceId: version.LaunchTemplateId ?? 'lt-?',
    ...(version.LaunchTemplateName ? { resourceName: version.LaunchTemplateName } : {}),
    detail,
  });
}

/**
 * Records who pins which version of a template. Auto Scaling and EC2/Spot Fleets resolve
 * $Latest, $Default or an absent version at each launch, so those are the account-wide listing's.
 * Batch compute environments and EKS node groups resolve them only when they are created or
 * updated (the Batch API reference: an infrastructure update "re-evaluates the launch template
 * version"), so such a pinner may still launch any older version: `resolvedOnUpdate` marks every
 * version of the template as possibly in use.
 */
function addPin(pins: Pins, ref: TemplateRef | undefined, pinnedBy: string, resolvedOnUpdate = false): void {
  const key = ref?.LaunchTemplateId ?? (ref?.LaunchTemplateName ? `name:${ref.LaunchTemplateName}` : undefined);
  if (!ref || !key) return;
  const version = Number(ref.Version);
  const numbered = ref.Version !== undefined && Number.isInteger(version) && version >= 1;
  if (!numbered && !resolvedOnUpdate) return;
  const entry = pins.get(key) ?? { ref, versions: new Map<number, Set<string>>(), anyVersion: new Set<string>() };
  pins.set(key, entry);
  if (!numbered) {
    entry.anyVersion.add(pinnedBy);
    return;
  }
  const by = entry.versions.get(version) ?? new Set<string>();
  entry.versions.set(version, by.add(pinnedBy));
}

/** The launch templates of Batch compute environments (and their per-instance-type overrides). */
function addBatchPins(pins: Pins, environments: readonly ComputeEnvironmentDetail[]): void {
  for (const env of environments) {
    if (env.status === 'DELETED') continue;
    const template = env.computeResources?.launchTemplate;
    const by = `Batch compute environment ${env.computeEnvironmentName ?? env.computeEnvironmentArn}`;
    for (const spec of [template, ...(template?.overrides ?? [])]) {
      if (!spec) continue;
      // An absent version is $Default (Batch API reference).
      addPin(pins, { LaunchTemplateId: spec.launchTemplateId, LaunchTemplateName: spec.launchTemplateName, Version: spec.version ?? '$Default' }, by, true);
    }
  }
}

/** The launch templates of EKS managed node groups. */
function addEksPins(pins: Pins, entries: readonly EksEntry[]): void {
  for (const entry of entries) {
    if (!('nodegroup' in entry)) continue;
    const { nodegroup } = entry;
    const template = nodegroup.launchTemplate;
    if (!template) continue;
    const by = `EKS node group ${nodegroup.clusterName}/${nodegroup.nodegroupName}`;
    addPin(pins, { LaunchTemplateId: template.id, LaunchTemplateName: template.name, Version: template.version }, by, true);
  }
}

async function collectPins(ec2: EC2Client, autoscaling: AutoScalingClient, ctx: ScanContext): Promise<Pins> {
  const pins: Pins = new Map();
  for await (const page of paginateDescribeAutoScalingGroups({ client: autoscaling, pageSize: 100 }, {})) {
    for (const asg of page.AutoScalingGroups ?? []) {
      const by = `ASG ${asg.AutoScalingGroupName}`;
      const mixed = asg.MixedInstancesPolicy?.LaunchTemplate;
      addPin(pins, asg.LaunchTemplate, by);
      addPin(pins, mixed?.LaunchTemplateSpecification, by);
      for (const override of mixed?.Overrides ?? []) addPin(pins, override.LaunchTemplateSpecification, by);
    }
  }
  for await (const page of ctx.shared(SPOT_FLEET_REQUESTS)) {
    for (const fleet of page) {
      if (!isLiveSpotFleet(fleet.SpotFleetRequestState)) continue;
      for (const config of fleet.SpotFleetRequestConfig?.LaunchTemplateConfigs ?? []) {
        addPin(pins, config.LaunchTemplateSpecification, `Spot Fleet ${fleet.SpotFleetRequestId}`);
      }
    }
  }
  for await (const page of paginateDescribeFleets({ client: ec2, pageSize: 1000 }, {})) {
    for (const fleet of page.Fleets ?? []) {
      if (fleet.FleetState && DEAD_FLEET_STATES.has(fleet.FleetState)) continue;
      for (const config of fleet.LaunchTemplateConfigs ?? []) {
        addPin(pins, config.LaunchTemplateSpecification, `EC2 Fleet ${fleet.FleetId}`);
      }
    }
  }
  // Excluding batch or eks (a service an SCP denies) leaves their pins out too: their usages are
  // unverified either way, and reading them would fail this ground-truth source.
  if (!ctx.isSkipped('batch')) for await (const page of ctx.shared(BATCH_COMPUTE_ENVIRONMENTS)) addBatchPins(pins, page);
  if (!ctx.isSkipped('eks')) for await (const page of ctx.shared(EKS_NODEGROUPS)) addEksPins(pins, page);
  return pins;
}

/** The note for pinners left out because their source is excluded. */
function skippedPinnersNote(ctx: ScanContext): ScanOutcome {
  const skipped = (['batch', 'eks'] as const).filter((source) => ctx.isSkipped(source));
  return skipped.length > 0 ? { note: `launch templates of ${skipped.join(' and ')} not read (excluded by skipSources)` } : {};
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

/** Reads the given numbered versions of one template; a vanished template or version reads as none. */
async function describePinned(ec2: EC2Client, input: DescribeLaunchTemplateVersionsRequest): Promise<LaunchTemplateVersion[]> {
  const out: LaunchTemplateVersion[] = [];
  try {
    for await (const page of paginateDescribeLaunchTemplateVersions({ client: ec2, pageSize: 200 }, input)) {
      out.push(...(page.LaunchTemplateVersions ?? []));
    }
    return out;
  } catch (error) {
    const code = errorName(error);
    if (code && TEMPLATE_GONE.has(code)) return [];
    const versions = input.Versions ?? [];
    if (code !== VERSION_GONE) throw error;
    if (versions.length <= 1) return [];
    // One missing version fails the whole call: read the rest one by one so none is lost.
    for (const v of versions) out.push(...(await describePinned(ec2, { ...input, Versions: [v] })));
    return out;
  }
}

/**
 * Launch templates: every template's $Latest and $Default version (one account-wide listing),
 * plus the numbered versions that Auto Scaling groups, Spot Fleets, EC2 Fleets, Batch compute
 * environments and EKS node groups pin (every version where a Batch or EKS pinner names an
 * alias). Spot Fleets, Batch environments and EKS node groups come from listings shared with
 * spot-fleets, batch and eks.
 */
export const launchTemplatesScanner: Scanner = {
  source: 'launch-templates',
  service: 'ec2',
  covers: ['AWS::EC2::LaunchTemplate', 'place:launch-template-pinned-versions'],
  actions: [
    'autoscaling:DescribeAutoScalingGroups',
    'batch:DescribeComputeEnvironments',
    'ec2:DescribeFleets',
    'ec2:DescribeLaunchTemplateVersions',
    'ec2:DescribeSpotFleetRequests',
    'eks:DescribeNodegroup',
    'eks:ListClusters',
    'eks:ListNodegroups',
  ],
  async scan(clients, _region, ctx) {
    const ec2 = clients.get(EC2Client);
    const seen = new Set<string>();
    const idsByName = new Map<string, string>();
    // Without a template id or name the call covers every template; it can only name aliases.
    const listing = paginateDescribeLaunchTemplateVersions(
      { client: ec2, pageSize: 200 },
      { Versions: ['$Latest', '$Default'], IncludeManagedResources: true },
    );
    for await (const page of listing) {
      for (const version of page.LaunchTemplateVersions ?? []) {
        const key = `${version.LaunchTemplateId}\u0000${version.VersionNumber}`;
        if (seen.has(key)) continue;
        seen.add(key);
        if (version.LaunchTemplateName && version.LaunchTemplateId) idsByName.set(version.LaunchTemplateName, version.LaunchTemplateId);
        // The listing holds only the latest and the default version, so a non-default row is $Latest.
        report(ctx, version, `${version.DefaultVersion ? '$Default' : '$Latest'} v${version.VersionNumber}`);
      }
    }

    const pins = await collectPins(ec2, clients.get(AutoScalingClient), ctx);
    const byTemplate: Pins = new Map();
    for (const { ref, versions, anyVersion } of pins.values()) {
      const id = ref.LaunchTemplateId ?? (ref.LaunchTemplateName ? idsByName.get(ref.LaunchTemplateName) : undefined);
      const key = id ?? `name:${ref.LaunchTemplateName}`;
      const entry = byTemplate.get(key) ?? { ref: id ? { LaunchTemplateId: id } : ref, versions: new Map(), anyVersion: new Set() };
      byTemplate.set(key, entry);
      for (const [n, by] of versions) entry.versions.set(n, new Set([...(entry.versions.get(n) ?? []), ...by]));
      for (const by of anyVersion) entry.anyVersion.add(by);
    }
    for (const [key, { ref, versions, anyVersion }] of byTemplate) {
      const wanted = [...versions.keys()].filter((n) => !seen.has(`${key}\u0000${n}`)).sort((a, b) => a - b);
      if (wanted.length === 0 && anyVersion.size === 0) continue;
      const input: DescribeLaunchTemplateVersionsRequest = {
        ...(ref.LaunchTemplateId ? { LaunchTemplateId: ref.LaunchTemplateId } : { LaunchTemplateName: ref.LaunchTemplateName }),
        // Without Versions the call returns every version of the template.
        ...(anyVersion.size > 0 ? {} : { Versions: wanted.map(String) }),
        IncludeManagedResources: true,
      };
      const mayUse = [...anyVersion].sort().join(', ');
      for (const version of await describePinned(ec2, input)) {
        const dedupe = `${version.LaunchTemplateId}\u0000${version.VersionNumber}`;
        if (seen.has(dedupe)) continue;
        seen.add(dedupe);
        const by = [...(versions.get(version.VersionNumber ?? 0) ?? [])].sort().join(', ');
        const detail = [
          by ? `pinned by ${by}` : undefined,
          mayUse ? `any version may be launched by ${mayUse} (it resolves $Latest/$Default only when updated)` : undefined,
        ];
        report(ctx, version, `v${version.VersionNumber} ${detail.filter(Boolean).join('; ')}`);
      }
    }
    return skippedPinnersNote(ctx);
  },
};
