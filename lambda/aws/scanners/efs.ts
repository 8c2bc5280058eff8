import { EFSClient, paginateDescribeFileSystems, paginateDescribeMountTargets, type FileSystemDescription, type MountTargetDescription } from '@aws-sdk/client-efs';
import { DescribeNetworkInterfacesCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { ScanContext, Scanner } from './types';
import { chunks } from '../../core/concurrency';
import { isNamed } from '../errors';
import { interfaceGroupIds, networkInterfacesOf } from './shared-listings';

/** A live mount target whose network interface could not be read: its groups are unknown. */
export class EfsMountTargetInterfaceError extends Error {
  override readonly name = 'EfsMountTargetInterfaceError';
  constructor(readonly mountTargetIds: string[]) {
    super(`no readable network interface for EFS mount target(s) ${mountTargetIds.join(', ')}`);
  }
}


interface MountTarget {
  fileSystem: FileSystemDescription;
  mountTarget: MountTargetDescription;
}

async function listMountTargets(efs: EFSClient): Promise<MountTarget[]> {
  const found: MountTarget[] = [];
  for await (const page of paginateDescribeFileSystems({ client: efs, pageSize: 100 }, {})) {
    for (const fileSystem of page.FileSystems ?? []) {
      if (!fileSystem.FileSystemId || fileSystem.NumberOfMountTargets === 0) continue;
      try {
        // No account-wide form: FileSystemId is required, hence the loop per file system.
        for await (const mtPage of paginateDescribeMountTargets({ client: efs, pageSize: 100 }, { FileSystemId: fileSystem.FileSystemId })) {
          for (const mountTarget of mtPage.MountTargets ?? []) found.push({ fileSystem, mountTarget });
        }
      } catch (error) {
        // Only a file system deleted between the two listings is skipped.
        if (isNamed(error, 'FileSystemNotFound')) continue;
        throw error;
      }
    }
  }
  return found;
}

/** The groups of the given interfaces, from the region's interface listing (shared with network-interfaces). */
async function interfaceGroups(ctx: ScanContext, eniIds: ReadonlySet<string>): Promise<Map<string, string[]>> {
  const groups = new Map<string, string[]>();
  for await (const page of ctx.shared(networkInterfacesOf(ctx.groups))) {
    for (const eni of page) {
      if (eni.NetworkInterfaceId && eniIds.has(eni.NetworkInterfaceId)) {
        // The listing may hand over an interface twice when its groups changed meanwhile: the union.
        const known = groups.get(eni.NetworkInterfaceId) ?? [];
        groups.set(eni.NetworkInterfaceId, [...new Set([...known, ...interfaceGroupIds(eni)])]);
      }
    }
  }
  return groups;
}

/**
 * The groups of interfaces the shared listing did not hold, asked for by id (100 a call): the
 * listing holds only interfaces that carry an audited group, so a mount target whose groups
 * were all created after the inventory is not in it, nor one created after the listing was
 * read. An interface that cannot be read this way is left out (its mount target then fails
 * the scan).
 */
async function interfaceGroupsById(ec2: EC2Client, eniIds: readonly string[]): Promise<Map<string, string[]>> {
  const groups = new Map<string, string[]>();
  for (const batch of chunks(eniIds, 100)) {
    try {
      const { NetworkInterfaces } = await ec2.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: batch, IncludeManagedResources: true }));
      for (const eni of NetworkInterfaces ?? []) {
        if (eni.NetworkInterfaceId) groups.set(eni.NetworkInterfaceId, interfaceGroupIds(eni));
      }
    } catch (error) {
      // One id that no longer exists fails the whole call: those mount targets stay unreadable.
      if (isNamed(error, 'InvalidNetworkInterfaceID.NotFound')) continue;
      throw error;
    }
  }
  return groups;
}

function report(entry: MountTarget, groupIds: string[], ctx: ScanContext): void {
  const { fileSystem, mountTarget } = entry;
  ctx.found(groupIds, {
    resourceType: 'EFS mount target',
    resourceId: mountTarget.MountTargetId ?? 'unknown',
    resourceName: fileSystem.Name ? `${fileSystem.Name} (${fileSystem.FileSystemId})` : fileSystem.FileSystemId,
    detail: [
      `file system ${fileSystem.FileSystemArn ?? fileSystem.FileSystemId}`,
      mountTarget.AvailabilityZoneName,
      mountTarget.LifeCycleState ? `state ${mountTarget.LifeCycleState}` : undefined,
      mountTarget.NetworkInterfaceId ? `interface ${mountTarget.NetworkInterfaceId}` : undefined,
    ]
      .filter(Boolean)
      .join(', '),
  });
}

/**
 * EFS mount targets. A mount target's groups are exactly those of its network interface
 * (ModifyMountTargetSecurityGroups changes that interface), so instead of one
 * DescribeMountTargetSecurityGroups call per mount target (plus elasticfilesystem and
 * ec2:DescribeNetworkInterfaceAttribute grants) they are read from the region's network
 * interface listing, which network-interfaces reads anyway (one shared fetch). That listing
 * holds the interfaces that carry an audited group; the interface of a live mount target not in
 * it is then asked for by id, and one that still cannot be read fails the scan rather than
 * being passed over.
 */
export const efsScanner: Scanner = {
  source: 'efs',
  service: 'efs',
  covers: ['AWS::EFS::MountTarget'],
  actions: ['elasticfilesystem:DescribeFileSystems', 'elasticfilesystem:DescribeMountTargets', 'ec2:DescribeNetworkInterfaces'],
  async scan(clients, _region, ctx) {
    const mountTargets = await listMountTargets(clients.get(EFSClient));
    const eniIds = new Set(mountTargets.map((m) => m.mountTarget.NetworkInterfaceId).filter((id): id is string => !!id));
    const groupsByEni = eniIds.size > 0 ? await interfaceGroups(ctx, eniIds) : new Map<string, string[]>();
    const live = (m: MountTargetDescription): boolean => m.LifeCycleState !== 'deleting' && m.LifeCycleState !== 'deleted';
    const missing = mountTargets
      .map((m) => m.mountTarget)
      .filter((m) => live(m) && m.NetworkInterfaceId && !groupsByEni.has(m.NetworkInterfaceId))
      .map((m) => m.NetworkInterfaceId as string);
    if (missing.length > 0) {
      for (const [eni, groups] of await interfaceGroupsById(clients.get(EC2Client), [...new Set(missing)])) groupsByEni.set(eni, groups);
    }

    const unreadable: string[] = [];
    for (const entry of mountTargets) {
      const groups = entry.mountTarget.NetworkInterfaceId ? groupsByEni.get(entry.mountTarget.NetworkInterfaceId) : undefined;
      if (groups) {
        report(entry, groups, ctx);
      } else if (live(entry.mountTarget)) {
        unreadable.push(entry.mountTarget.MountTargetId ?? '?');
      }
    }
    if (unreadable.length > 0) throw new EfsMountTargetInterfaceError(unreadable);
  },
};
