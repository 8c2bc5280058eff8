import { DescribeClusterCommand, DescribeNodegroupCommand, EKSClient, paginateListClusters, paginateListNodegroups } from '@aws-sdk/client-eks';
import type { ScanContext, Scanner } from './types';
import { isNamed } from '../errors';


/** Runs `read`, treating ResourceNotFoundException (deleted mid-scan) as nothing to report. */
async function unlessDeleted(read: () => Promise<void>): Promise<void> {
  try {
    await read();
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return;
    throw error;
  }
}

async function scanCluster(eks: EKSClient, name: string, ctx: ScanContext): Promise<void> {
  await unlessDeleted(async () => {
    const { cluster } = await eks.send(new DescribeClusterCommand({ name }));
    const vpc = cluster?.resourcesVpcConfig;
    const evidence = {
      resourceType: 'EKS cluster',
      resourceId: cluster?.arn ?? name,
      resourceName: name,
    };
    const state = [cluster?.status ? `status ${cluster.status}` : undefined, cluster?.version ? `version ${cluster.version}` : undefined];
    ctx.found(vpc?.securityGroupIds, { ...evidence, detail: ['additional security group', ...state].filter(Boolean).join(', ') });
    ctx.found([vpc?.clusterSecurityGroupId], { ...evidence, detail: ['cluster security group (created by EKS)', ...state].filter(Boolean).join(', ') });
  });

  await unlessDeleted(async () => {
    for await (const page of paginateListNodegroups({ client: eks, pageSize: 100 }, { clusterName: name })) {
      // No bulk describe for node groups.
      for (const nodegroupName of page.nodegroups ?? []) {
        await unlessDeleted(async () => {
          const { nodegroup } = await eks.send(new DescribeNodegroupCommand({ clusterName: name, nodegroupName }));
          const evidence = {
            resourceType: 'EKS node group',
            resourceId: nodegroup?.nodegroupArn ?? `${name}/${nodegroupName}`,
            resourceName: `${name}/${nodegroupName}`,
          };
          const status = nodegroup?.status ? `status ${nodegroup.status}` : undefined;
          ctx.found(nodegroup?.remoteAccess?.sourceSecurityGroups, {
            ...evidence,
            detail: ['remote access source group', status].filter(Boolean).join(', '),
          });
          ctx.found([nodegroup?.resources?.remoteAccessSecurityGroup], {
            ...evidence,
            detail: ['remote access security group (created by EKS)', status].filter(Boolean).join(', '),
          });
        });
      }
    }
  });
}

/**
 * EKS clusters (additional and cluster security groups) and managed node groups (remote access
 * groups). Groups chosen inside Kubernetes (node classes, load balancer annotations) are not in
 * the EKS API: running nodes and load balancers show through their ENIs and instances.
 * No bulk describe exists, hence the loop per cluster and per node group.
 */
export const eksScanner: Scanner = {
  source: 'eks',
  service: 'eks',
  actions: ['eks:ListClusters', 'eks:DescribeCluster', 'eks:ListNodegroups', 'eks:DescribeNodegroup'],
  async scan(clients, _region, ctx) {
    const eks = clients.get(EKSClient);
    for await (const page of paginateListClusters({ client: eks, pageSize: 100 }, {})) {
      for (const name of page.clusters ?? []) await scanCluster(eks, name, ctx);
    }
  },
};
