import {
  ElastiCacheClient,
  paginateDescribeCacheClusters,
  paginateDescribeReplicationGroups,
  paginateDescribeServerlessCaches,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import type { Scanner } from './types';

/**
 * ElastiCache node-based clusters and serverless caches. Replication groups have no group field:
 * their groups are on the member clusters, which DescribeCacheClusters lists by default (so
 * ShowCacheClustersNotInReplicationGroups stays unset); replication groups are read only to name
 * the evidence after the group a person knows.
 */
export const elasticacheScanner: Scanner = {
  source: 'elasticache',
  service: 'elasticache',
  covers: ['AWS::ElastiCache::CacheCluster', 'AWS::ElastiCache::ReplicationGroup', 'AWS::ElastiCache::ServerlessCache'],
  actions: ['elasticache:DescribeReplicationGroups', 'elasticache:DescribeCacheClusters', 'elasticache:DescribeServerlessCaches'],
  async scan(clients, _region, ctx) {
    const elasticache = clients.get(ElastiCacheClient);

    const replicationGroups = new Map<string, ReplicationGroup>();
    for await (const page of paginateDescribeReplicationGroups({ client: elasticache, pageSize: 100 }, {})) {
      for (const rg of page.ReplicationGroups ?? []) if (rg.ReplicationGroupId) replicationGroups.set(rg.ReplicationGroupId, rg);
    }

    for await (const page of paginateDescribeCacheClusters({ client: elasticache, pageSize: 100 }, {})) {
      for (const cluster of page.CacheClusters ?? []) {
        const groups = (cluster.SecurityGroups ?? []).map((g) => g.SecurityGroupId);
        const engine = [cluster.Engine, cluster.EngineVersion].filter(Boolean).join(' ');
        const status = cluster.CacheClusterStatus ? `status ${cluster.CacheClusterStatus}` : undefined;
        const rgId = cluster.ReplicationGroupId;
        const rg = rgId ? replicationGroups.get(rgId) : undefined;
        if (rgId && rg) {
          ctx.found(groups, {
            resourceType: 'ElastiCache replication group',
            resourceId: rg.ARN ?? rgId,
            resourceName: rgId,
            detail: [`member cluster ${cluster.CacheClusterId ?? '?'}`, engine ? `engine ${engine}` : undefined, status].filter(Boolean).join(', '),
          });
          continue;
        }
        ctx.found(groups, {
          resourceType: 'ElastiCache cluster',
          resourceId: cluster.ARN ?? cluster.CacheClusterId ?? 'unknown',
          resourceName: cluster.CacheClusterId,
          detail: [engine ? `engine ${engine}` : undefined, status, rgId ? `replication group ${rgId}` : undefined].filter(Boolean).join(', '),
        });
      }
    }

    // MaxResults: no maximum is documented; 50 is the documented default, so it is always valid.
    for await (const page of paginateDescribeServerlessCaches({ client: elasticache, pageSize: 50 }, {})) {
      for (const cache of page.ServerlessCaches ?? []) {
        ctx.found(cache.SecurityGroupIds, {
          resourceType: 'ElastiCache serverless cache',
          resourceId: cache.ARN ?? cache.ServerlessCacheName ?? 'unknown',
          resourceName: cache.ServerlessCacheName,
          detail: [cache.Engine ? `engine ${cache.Engine}` : undefined, cache.Status ? `status ${cache.Status}` : undefined].filter(Boolean).join(', '),
        });
      }
    }
  },
};
