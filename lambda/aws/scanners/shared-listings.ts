import { BatchClient, paginateDescribeComputeEnvironments, type ComputeEnvironmentDetail } from '@aws-sdk/client-batch';
import {
  EC2Client,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSpotFleetRequests,
  type NetworkInterface,
  type SpotFleetRequestConfig,
} from '@aws-sdk/client-ec2';
import { DescribeNodegroupCommand, EKSClient, paginateListClusters, paginateListNodegroups, type Nodegroup } from '@aws-sdk/client-eks';
import { isNamed } from '../errors';
import type { SharedListing } from './types';

/*
 * Listings that more than one scanner reads. Each is fetched once per region and audit run
 * (ScanContext.shared): its readers iterate the same pages, and its failure fails each of them.
 */

/**
 * Every network interface of the region, AWS-managed ones included, reduced to the fields its
 * readers use (the listing is kept for the region's audit): network-interfaces reports them all,
 * efs reads the interfaces of its mount targets.
 */
export const NETWORK_INTERFACES: SharedListing<NetworkInterface> = {
  key: 'ec2:network-interfaces',
  service: 'ec2',
  async fetch(clients, emit) {
    const pages = paginateDescribeNetworkInterfaces({ client: clients.get(EC2Client), pageSize: 1000 }, { IncludeManagedResources: true });
    for await (const page of pages) {
      emit(
        (page.NetworkInterfaces ?? []).map((eni) => ({
          NetworkInterfaceId: eni.NetworkInterfaceId,
          InterfaceType: eni.InterfaceType,
          RequesterManaged: eni.RequesterManaged,
          RequesterId: eni.RequesterId,
          Description: eni.Description,
          Status: eni.Status,
          ...(eni.Attachment?.InstanceId ? { Attachment: { InstanceId: eni.Attachment.InstanceId } } : {}),
          Groups: (eni.Groups ?? []).map((g) => ({ GroupId: g.GroupId })),
        })),
      );
    }
  },
};

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
