import { DescribeClusterCommand, EKSClient, type Nodegroup } from '@aws-sdk/client-eks';
import { EKS_NODEGROUPS, unlessDeleted } from './shared-listings';
import type { ScanContext, Scanner } from './types';

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
}

function reportNodegroup(nodegroup: Nodegroup, ctx: ScanContext): void {
  const name = `${nodegroup.clusterName}/${nodegroup.nodegroupName}`;
  const evidence = {
    resourceType: 'EKS node group',
    resourceId: nodegroup.nodegroupArn ?? name,
    resourceName: name,
  };
  const status = nodegroup.status ? `status ${nodegroup.status}` : undefined;
  ctx.found(nodegroup.remoteAccess?.sourceSecurityGroups, {
    ...evidence,
    detail: ['remote access source group', status].filter(Boolean).join(', '),
  });
  ctx.found([nodegroup.resources?.remoteAccessSecurityGroup], {
    ...evidence,
    detail: ['remote access security group (created by EKS)', status].filter(Boolean).join(', '),
  });
}

/**
 * EKS clusters (additional and cluster security groups) and managed node groups (remote access
 * groups). Groups chosen inside Kubernetes (node classes, load balancer annotations) are not in
 * the EKS API: running nodes and load balancers show through their ENIs and instances.
 * No bulk describe exists, hence one DescribeCluster per cluster; the clusters and node groups
 * come from a listing shared with launch-templates (which reads the node groups' launch templates).
 */
export const eksScanner: Scanner = {
  source: 'eks',
  service: 'eks',
  covers: ['AWS::EKS::Cluster', 'AWS::EKS::Nodegroup'],
  actions: ['eks:ListClusters', 'eks:DescribeCluster', 'eks:ListNodegroups', 'eks:DescribeNodegroup'],
  async scan(clients, _region, ctx) {
    const eks = clients.get(EKSClient);
    for await (const page of ctx.shared(EKS_NODEGROUPS)) {
      for (const entry of page) {
        if ('cluster' in entry) await scanCluster(eks, entry.cluster, ctx);
        else reportNodegroup(entry.nodegroup, ctx);
      }
    }
  },
};
