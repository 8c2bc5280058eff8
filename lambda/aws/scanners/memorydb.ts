import { MemoryDBClient, paginateDescribeClusters } from '@aws-sdk/client-memorydb';
import type { Scanner } from './types';

/** MemoryDB clusters: every cluster's security groups, in one paginated listing. */
export const memorydbScanner: Scanner = {
  source: 'memorydb',
  service: 'memorydb',
  covers: ['AWS::MemoryDB::Cluster'],
  actions: ['memorydb:DescribeClusters'],
  async scan(clients, _region, ctx) {
    const memorydb = clients.get(MemoryDBClient);
    // The model gives MaxResults no range; 100 is the ElastiCache family's documented maximum.
    for await (const page of paginateDescribeClusters({ client: memorydb, pageSize: 100 }, {})) {
      for (const cluster of page.Clusters ?? []) {
        ctx.found(
          (cluster.SecurityGroups ?? []).map((g) => g.SecurityGroupId),
          {
            resourceType: 'MemoryDB cluster',
            resourceId: cluster.ARN ?? cluster.Name ?? 'memorydb-cluster-?',
            resourceName: cluster.Name,
            detail: `status ${cluster.Status ?? 'unknown'}`,
          },
        );
      }
    }
  },
};
