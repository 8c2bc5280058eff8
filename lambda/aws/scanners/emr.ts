import {
  DescribeClusterCommand,
  DescribeStudioCommand,
  EMRClient,
  paginateListClusters,
  paginateListStudios,
  type Cluster,
  type ClusterState,
} from '@aws-sdk/client-emr';
import type { ScanContext, Scanner } from './types';

/** Clusters that still hold instances or may start them; TERMINATED ones keep no groups in use. */
const ACTIVE_STATES: ClusterState[] = ['STARTING', 'BOOTSTRAPPING', 'RUNNING', 'WAITING', 'TERMINATING'];

function reportCluster(cluster: Cluster, ctx: ScanContext): void {
  const attrs = cluster.Ec2InstanceAttributes;
  if (!attrs) return;
  const base = {
    resourceType: 'EMR cluster',
    resourceId: cluster.Id ?? cluster.ClusterArn ?? 'j-?',
    ...(cluster.Name ? { resourceName: cluster.Name } : {}),
  };
  const state = `state ${cluster.Status?.State ?? 'unknown'}`;
  const roles: [string, (string | undefined)[] | undefined][] = [
    ['EMR-managed primary group', [attrs.EmrManagedMasterSecurityGroup]],
    ['EMR-managed core/task group', [attrs.EmrManagedSlaveSecurityGroup]],
    ['service access group', [attrs.ServiceAccessSecurityGroup]],
    ['additional primary group', attrs.AdditionalMasterSecurityGroups],
    ['additional core/task group', attrs.AdditionalSlaveSecurityGroups],
  ];
  for (const [role, ids] of roles) ctx.found(ids, { ...base, detail: `${state}, ${role}` });
}

/**
 * Active EMR clusters and EMR Studios. Neither list carries groups and neither API has a bulk
 * describe, so there is one Describe per cluster and per studio (SOURCES.md). ListClusters has no
 * page-size parameter (50 per page, fixed by the service).
 */
export const emrScanner: Scanner = {
  source: 'emr',
  service: 'emr',
  covers: ['AWS::EMR::Cluster', 'AWS::EMR::Studio'],
  actions: [
    'elasticmapreduce:ListClusters',
    'elasticmapreduce:DescribeCluster',
    'elasticmapreduce:ListStudios',
    'elasticmapreduce:DescribeStudio',
  ],
  async scan(clients, _region, ctx) {
    const emr = clients.get(EMRClient);

    for await (const page of paginateListClusters({ client: emr }, { ClusterStates: ACTIVE_STATES })) {
      for (const summary of page.Clusters ?? []) {
        if (!summary.Id) continue;
        const { Cluster: cluster } = await emr.send(new DescribeClusterCommand({ ClusterId: summary.Id }));
        if (cluster) reportCluster(cluster, ctx);
      }
    }

    for await (const page of paginateListStudios({ client: emr }, {})) {
      for (const summary of page.Studios ?? []) {
        if (!summary.StudioId) continue;
        const { Studio: studio } = await emr.send(new DescribeStudioCommand({ StudioId: summary.StudioId }));
        if (!studio) continue;
        const base = {
          resourceType: 'EMR Studio',
          resourceId: studio.StudioId ?? summary.StudioId,
          ...(studio.Name ? { resourceName: studio.Name } : {}),
        };
        ctx.found([studio.WorkspaceSecurityGroupId], { ...base, detail: 'workspace group' });
        ctx.found([studio.EngineSecurityGroupId], { ...base, detail: 'engine group' });
      }
    }
  },
};
