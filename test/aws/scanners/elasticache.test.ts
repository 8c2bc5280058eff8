import { DescribeCacheClustersCommand, DescribeReplicationGroupsCommand, DescribeServerlessCachesCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { mockClient } from 'aws-sdk-client-mock';
import { elasticacheScanner } from '../../../lambda/aws/scanners/elasticache';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const elasticache = mockClient(ElastiCacheClient);

beforeEach(() => {
  elasticache.reset();
  elasticache.on(DescribeReplicationGroupsCommand).resolves({ ReplicationGroups: [] });
  elasticache.on(DescribeCacheClustersCommand).resolves({ CacheClusters: [] });
  elasticache.on(DescribeServerlessCachesCommand).resolves({ ServerlessCaches: [] });
});

describe('elasticache scanner', () => {
  it('marks a group used only by a standalone cache cluster as in use, naming the cluster', async () => {
    // Prepare
    elasticache.on(DescribeCacheClustersCommand).resolves({
      CacheClusters: [
        {
          CacheClusterId: 'sessions',
          ARN: 'arn:aws:elasticache:us-east-1:123456789012:cluster:sessions',
          Engine: 'memcached',
          EngineVersion: '1.6.22',
          CacheClusterStatus: 'available',
          SecurityGroups: [{ SecurityGroupId: 'sg-used', Status: 'active' }],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(elasticacheScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'elasticache',
      resourceType: 'ElastiCache cluster',
      resourceId: 'arn:aws:elasticache:us-east-1:123456789012:cluster:sessions',
      resourceName: 'sessions',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('names the replication group of a member cluster, and lists clusters without hiding members', async () => {
    // Prepare
    elasticache.on(DescribeReplicationGroupsCommand).resolves({
      ReplicationGroups: [{ ReplicationGroupId: 'orders', ARN: 'arn:aws:elasticache:us-east-1:123456789012:replicationgroup:orders', MemberClusters: ['orders-001'] }],
    });
    elasticache.on(DescribeCacheClustersCommand).resolves({
      CacheClusters: [{ CacheClusterId: 'orders-001', ReplicationGroupId: 'orders', Engine: 'redis', SecurityGroups: [{ SecurityGroupId: 'sg-redis' }] }],
    });

    // Act
    const result = await scanAndClassify(elasticacheScanner, [group('sg-redis')]);

    // Assess
    expect(result.verdictOf('sg-redis').usages[0]).toMatchObject({
      resourceType: 'ElastiCache replication group',
      resourceId: 'arn:aws:elasticache:us-east-1:123456789012:replicationgroup:orders',
      resourceName: 'orders',
    });
    expect(result.verdictOf('sg-redis').usages[0]?.detail).toContain('member cluster orders-001');
    expect(elasticache).not.toHaveReceivedCommandWith(DescribeCacheClustersCommand, { ShowCacheClustersNotInReplicationGroups: true });
  });

  it('marks a group used by a serverless cache as in use', async () => {
    // Prepare
    elasticache.on(DescribeServerlessCachesCommand).resolves({
      ServerlessCaches: [{ ServerlessCacheName: 'edge', ARN: 'arn:aws:elasticache:us-east-1:123456789012:serverlesscache:edge', Engine: 'valkey', Status: 'available', SecurityGroupIds: ['sg-serverless'] }],
    });

    // Act
    const result = await scanAndClassify(elasticacheScanner, [group('sg-serverless')]);

    // Assess
    expect(result.verdictOf('sg-serverless').usages[0]).toMatchObject({ resourceType: 'ElastiCache serverless cache', resourceName: 'edge' });
  });

  it('follows Marker and NextToken to the last page', async () => {
    // Prepare
    elasticache
      .on(DescribeCacheClustersCommand)
      .resolvesOnce({ CacheClusters: [], Marker: 'clusters-2' })
      .resolvesOnce({ CacheClusters: [{ CacheClusterId: 'late', SecurityGroups: [{ SecurityGroupId: 'sg-late' }] }] });
    elasticache
      .on(DescribeServerlessCachesCommand)
      .resolvesOnce({ ServerlessCaches: [], NextToken: 'caches-2' })
      .resolvesOnce({ ServerlessCaches: [{ ServerlessCacheName: 'late-sl', SecurityGroupIds: ['sg-late-sl'] }] });

    // Act
    const result = await scanAndClassify(elasticacheScanner, [group('sg-late'), group('sg-late-sl')]);

    // Assess
    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(result.verdictOf('sg-late-sl').verdict).toBe('in-use');
    expect(elasticache).toHaveReceivedCommandWith(DescribeCacheClustersCommand, { Marker: 'clusters-2', MaxRecords: 100 });
    expect(elasticache).toHaveReceivedCommandWith(DescribeServerlessCachesCommand, { NextToken: 'caches-2', MaxResults: 50 });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    // Prepare
    elasticache.on(DescribeServerlessCachesCommand).rejects(awsError('AccessDenied'));

    // Act
    const result = await scanAndClassify(elasticacheScanner, [group('sg-a')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['elasticache']);
  });
});
