import { DocDBElasticClient, GetClusterCommand, paginateListClusters, type Cluster } from '@aws-sdk/client-docdb-elastic';
import type { Scanner } from './types';
import { isNamed } from '../errors';

/**
 * DocumentDB elastic clusters (a separate API from the rds source's DocumentDB clusters). The
 * listing carries no groups, so each cluster is read (no bulk form).
 */
export const docdbElasticScanner: Scanner = {
  source: 'docdb-elastic',
  // SSM lists no code of its own for elastic clusters; they are offered under DocumentDB's.
  service: 'docdb',
  covers: ['AWS::DocDBElastic::Cluster'],
  actions: ['docdb-elastic:ListClusters', 'docdb-elastic:GetCluster'],
  async scan(clients, _region, ctx) {
    const docdb = clients.get(DocDBElasticClient);
    for await (const page of paginateListClusters({ client: docdb, pageSize: 100 }, {})) {
      for (const summary of page.clusters ?? []) {
        if (!summary.clusterArn) continue;
        const cluster = await getCluster(docdb, summary.clusterArn);
        if (!cluster) continue;
        ctx.found(cluster.vpcSecurityGroupIds, {
          resourceType: 'DocumentDB elastic cluster',
          resourceId: cluster.clusterArn ?? summary.clusterArn,
          resourceName: cluster.clusterName ?? summary.clusterName,
          detail: `status ${cluster.status ?? 'unknown'}`,
        });
      }
    }
  },
};

/** Reads one cluster; undefined only when it was deleted between ListClusters and now. */
async function getCluster(docdb: DocDBElasticClient, clusterArn: string): Promise<Cluster | undefined> {
  try {
    return (await docdb.send(new GetClusterCommand({ clusterArn }))).cluster;
  } catch (error) {
    if (isNamed(error, 'ResourceNotFoundException')) return undefined;
    throw error;
  }
}
