import { AutoScalingClient, paginateDescribeAutoScalingGroups } from '@aws-sdk/client-auto-scaling';
import {
  EC2Client,
  paginateDescribeFleets,
  paginateDescribeLaunchTemplateVersions,
  paginateDescribeSpotFleetRequests,
  type BatchState,
  type DescribeLaunchTemplateVersionsRequest,
  type GroupIdentifier,
  type LaunchTemplateVersion,
} from '@aws-sdk/client-ec2';
import type { GroupRecord } from '../../core/model';
import type { ScanContext, Scanner } from './types';

/** A launch template reference as ASGs, Spot Fleets and EC2 Fleets hold it. */
interface TemplateRef {
  LaunchTemplateId?: string;
  LaunchTemplateName?: string;
  Version?: string;
}

/** Numbered versions pinned per template key (id, or `name:` + name when only the name is known). */
type Pins = Map<string, { ref: TemplateRef; versions: Map<number, Set<string>> }>;

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

function addPin(pins: Pins, ref: TemplateRef | undefined, pinnedBy: string): void {
  // $Latest, $Default and an absent version are covered by the account-wide listing.
  const version = Number(ref?.Version);
  if (!ref || !Number.isInteger(version) || version < 1) return;
  const key = ref.LaunchTemplateId ?? (ref.LaunchTemplateName ? `name:${ref.LaunchTemplateName}` : undefined);
  if (!key) return;
  const entry = pins.get(key) ?? { ref, versions: new Map<number, Set<string>>() };
  pins.set(key, entry);
  const by = entry.versions.get(version) ?? new Set<string>();
  entry.versions.set(version, by.add(pinnedBy));
}

async function collectPins(ec2: EC2Client, autoscaling: AutoScalingClient): Promise<Pins> {
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
  for await (const page of paginateDescribeSpotFleetRequests({ client: ec2, pageSize: 1000 }, {})) {
    for (const fleet of page.SpotFleetRequestConfigs ?? []) {
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
  return pins;
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
 * plus the numbered versions that Auto Scaling groups, Spot Fleets and EC2 Fleets pin.
 */
export const launchTemplatesScanner: Scanner = {
  source: 'launch-templates',
  service: 'ec2',
  actions: [
    'autoscaling:DescribeAutoScalingGroups',
    'ec2:DescribeFleets',
    'ec2:DescribeLaunchTemplateVersions',
    'ec2:DescribeSpotFleetRequests',
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

    const pins = await collectPins(ec2, clients.get(AutoScalingClient));
    const byTemplate = new Map<string, { ref: TemplateRef; versions: Map<number, Set<string>> }>();
    for (const { ref, versions } of pins.values()) {
      const id = ref.LaunchTemplateId ?? (ref.LaunchTemplateName ? idsByName.get(ref.LaunchTemplateName) : undefined);
      const key = id ?? `name:${ref.LaunchTemplateName}`;
      const entry = byTemplate.get(key) ?? { ref: id ? { LaunchTemplateId: id } : ref, versions: new Map() };
      byTemplate.set(key, entry);
      for (const [n, by] of versions) entry.versions.set(n, new Set([...(entry.versions.get(n) ?? []), ...by]));
    }
    for (const [key, { ref, versions }] of byTemplate) {
      const wanted = [...versions.keys()].filter((n) => !seen.has(`${key}\u0000${n}`)).sort((a, b) => a - b);
      if (wanted.length === 0) continue;
      const input: DescribeLaunchTemplateVersionsRequest = {
        ...(ref.LaunchTemplateId ? { LaunchTemplateId: ref.LaunchTemplateId } : { LaunchTemplateName: ref.LaunchTemplateName }),
        Versions: wanted.map(String),
        IncludeManagedResources: true,
      };
      for (const version of await describePinned(ec2, input)) {
        const dedupe = `${version.LaunchTemplateId}\u0000${version.VersionNumber}`;
        if (seen.has(dedupe)) continue;
        seen.add(dedupe);
        const by = [...(versions.get(version.VersionNumber ?? 0) ?? [])].sort().join(', ');
        report(ctx, version, `v${version.VersionNumber} pinned by ${by}`);
      }
    }
  },
};
