import { DAXClient, DescribeClustersCommand } from '@aws-sdk/client-dax';
import type { Scanner } from './types';

/** DynamoDB Accelerator clusters. SDK v3 has no DAX paginator, so NextToken is followed by hand. */
export const daxScanner: Scanner = {
  source: 'dax',
  service: 'dax',
  covers: ['AWS::DAX::Cluster'],
  actions: ['dax:DescribeClusters'],
  async scan(clients, _region, ctx) {
    const dax = clients.get(DAXClient);
    let nextToken: string | undefined;
    do {
      const page = await dax.send(new DescribeClustersCommand({ MaxResults: 100, NextToken: nextToken }));
      for (const cluster of page.Clusters ?? []) {
        ctx.found(
          // DAX names the id field SecurityGroupIdentifier, unlike MemoryDB and ElastiCache.
          (cluster.SecurityGroups ?? []).map((g) => g.SecurityGroupIdentifier),
          {
            resourceType: 'DAX cluster',
            resourceId: cluster.ClusterArn ?? cluster.ClusterName ?? 'dax-cluster-?',
            resourceName: cluster.ClusterName,
            detail: `status ${cluster.Status ?? 'unknown'}`,
          },
        );
      }
      nextToken = page.NextToken;
    } while (nextToken);
  },
};
