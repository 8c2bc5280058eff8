import { BatchClient, paginateDescribeComputeEnvironments, type ComputeEnvironmentDetail } from '@aws-sdk/client-batch';
import {
  EC2Client,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSpotFleetRequests,
  type NetworkInterface,
  type SpotFleetRequestConfig,
} from '@aws-sdk/client-ec2';
import { DescribeNodegroupCommand, EKSClient, paginateListClusters, paginateListNodegroups, type Nodegroup } from '@aws-sdk/client-eks';
import { chunks, eachLimitUntilFailure } from '../../core/concurrency';
import { isNamed } from '../errors';
import { EC2_FILTER_VALUES } from '../inventory';
import type { SharedListing } from './types';

/*
 * Listings that more than one scanner reads. Each is fetched once per region and audit run
 * (ScanContext.shared): its readers iterate the same pages, and its failure fails each of them.
 */

/** Groups one DescribeNetworkInterfaces query names in its `group-id` filter, as many as one filter takes. */
export const ENI_GROUP_CHUNK = EC2_FILTER_VALUES;
/** Filtered queries of the interface listing in flight at once, per region. */
export const ENI_CHUNKS_AT_ONCE = 4;

/**
 * The region's network interfaces that carry any of the audited groups, AWS-managed ones
 * included, reduced to the fields their readers use (kept for the region's audit):
 * network-interfaces reports them all, efs reads the interfaces of its mount targets.
 *
 * One unfiltered listing is ~15 pages of 1,000 at 10,000 groups, read one after the other
 * (NextToken): ~16 s after the inventory. Instead, the listing asks by `group-id` filter, in
 * chunks of ENI_GROUP_CHUNK of the inventory's groups, ENI_CHUNKS_AT_ONCE chunks at once, each
 * chunk paged to its end. An interface with groups in two chunks comes back twice and is
 * handed over once (again only if its groups changed in between). Nothing a reader needs is lost: every interface that carries an audited
 * group matches that group's chunk, and an interface that carries none of them cannot make an
 * audited group used. Every group is still listed before its interfaces are asked for (the
 * inventory runs first), as with the unfiltered listing. Any chunk's failure fails the listing
 * (and so its readers).
 */
export function networkInterfacesOf(groups: readonly { groupId: string }[]): SharedListing<NetworkInterface> {
  return {
    key: 'ec2:network-interfaces',
    service: 'ec2',
    async fetch(clients, emit) {
      const ec2 = clients.get(EC2Client);
      const ids = [...new Set(groups.map((g) => g.groupId).filter(Boolean))];
      const handed = new Set<string>();
      const listChunk = async (chunk: readonly string[]): Promise<void> => {
        const pages = paginateDescribeNetworkInterfaces(
          { client: ec2, pageSize: 1000 },
          { IncludeManagedResources: true, Filters: [{ Name: 'group-id', Values: [...chunk] }] },
        );
        for await (const page of pages) {
          const fresh = (page.NetworkInterfaces ?? []).filter((eni) => {
            if (!eni.NetworkInterfaceId) return true;
            // The same interface with the same groups is handed over once; one whose groups
            // changed between two queries is handed over again (its readers take the union).
            const seen = `${eni.NetworkInterfaceId} ${interfaceGroupIds(eni).sort().join(',')}`;
            if (handed.has(seen)) return false;
            handed.add(seen);
            return true;
          });
          if (fresh.length > 0) emit(fresh.map(reduceInterface));
        }
      };
      await eachLimitUntilFailure(chunks(ids, ENI_GROUP_CHUNK), ENI_CHUNKS_AT_ONCE, listChunk);
    },
  };
}

/** The group ids an interface carries. */
export function interfaceGroupIds(eni: NetworkInterface): string[] {
  return (eni.Groups ?? []).map((g) => g.GroupId ?? '').filter(Boolean);
}

function reduceInterface(eni: NetworkInterface): NetworkInterface {
  return {
    NetworkInterfaceId: eni.NetworkInterfaceId,
    InterfaceType: eni.InterfaceType,
    RequesterManaged: eni.RequesterManaged,
    RequesterId: eni.RequesterId,
    Description: eni.Description,
    Status: eni.Status,
    ...(eni.Attachment?.InstanceId ? { Attachment: { InstanceId: eni.Attachment.InstanceId } } : {}),
    Groups: (eni.Groups ?? []).map((g) => ({ GroupId: g.GroupId })),
  };
}

/** Every Spot Fleet request, whatever its state: spot-fleets reads their launch specifications, launch-templates their pinned versions. */
export const SPOT_FLEET_REQUESTS: SharedListing<SpotFleetRequestConfig> = {
  key: 'ec2:spot-fleet-requests',
  service: 'ec2',
  async fetch(clients, emit) {
    for await (const page of paginateDescribeSpotFleetRequests({ client: clients.get(EC2Client), pageSize: 1000 }, {})) {
      emit(page.SpotFleetRequestConfigs ?? []);
    }
  },
};

/** Every Batch compute environment: batch reads their groups, launch-templates their launch templates. */
export const BATCH_COMPUTE_ENVIRONMENTS: SharedListing<ComputeEnvironmentDetail> = {
  key: 'batch:compute-environments',
  service: 'batch',
  async fetch(clients, emit) {
    for await (const page of paginateDescribeComputeEnvironments({ client: clients.get(BatchClient), pageSize: 100 }, {})) {
      emit(page.computeEnvironments ?? []);
    }
  },
};

/** One EKS cluster (by name, as ListClusters gives it) or one of its managed node groups. */
export type EksEntry = { cluster: string } | { nodegroup: Nodegroup };

/**
 * EKS clusters, then each cluster's managed node groups (no bulk describe exists: one
 * DescribeNodegroup per node group). A cluster or node group deleted between its listing and its
 * describe is left out. eks describes the clusters and reads the node groups' remote access
 * groups, launch-templates the node groups' launch templates.
 */
export const EKS_NODEGROUPS: SharedListing<EksEntry> = {
  key: 'eks:node-groups',
  service: 'eks',
  async fetch(clients, emit) {
    const eks = clients.get(EKSClient);
    const clusters: string[] = [];
    for await (const page of paginateListClusters({ client: eks, pageSize: 100 }, {})) {
      clusters.push(...(page.clusters ?? []));
      emit((page.clusters ?? []).map((cluster) => ({ cluster })));
    }
    for (const clusterName of clusters) {
      await unlessDeleted(async () => {
        for await (const page of paginateListNodegroups({ client: eks, pageSize: 100 }, { clusterName })) {
          for (const nodegroupName of page.nodegroups ?? []) {
            await unlessDeleted(async () => {
              const { nodegroup } = await eks.send(new DescribeNodegroupCommand({ clusterName, nodegroupName }));
              if (nodegroup) emit([{ nodegroup: { ...nodegroup, clusterName: nodegroup.clusterName ?? clusterName, nodegroupName: nodegroup.nodegroupName ?? nodegroupName } }]);
            });
          }
        }
      });
    }
  },
};

/** Runs `read`, treating ResourceNotFoundException (deleted mid-scan) as nothing to report. */
export async function unlessDeleted(read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return;
    throw error;
  }
}
