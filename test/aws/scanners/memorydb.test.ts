import { DescribeClustersCommand, MemoryDBClient } from '@aws-sdk/client-memorydb';
import { mockClient } from 'aws-sdk-client-mock';
import { memorydbScanner } from '../../../lambda/aws/scanners/memorydb';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const memorydb = mockClient(MemoryDBClient);

beforeEach(() => memorydb.reset());

describe('memorydb scanner', () => {
  it('marks a group of a MemoryDB cluster as in use, naming the cluster, and leaves another group a candidate', async () => {
    // Prepare
    memorydb.on(DescribeClustersCommand).resolves({
      Clusters: [
        {
          Name: 'sessions',
          ARN: 'arn:aws:memorydb:us-east-1:123456789012:cluster/sessions',
          Status: 'available',
          SecurityGroups: [{ SecurityGroupId: 'sg-used', Status: 'active' }],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(memorydbScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'memorydb',
      resourceType: 'MemoryDB cluster',
      resourceId: 'arn:aws:memorydb:us-east-1:123456789012:cluster/sessions',
      resourceName: 'sessions',
      detail: 'status available',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks for 100 clusters per page', async () => {
    memorydb.on(DescribeClustersCommand).resolves({ Clusters: [] });

    await scanAndClassify(memorydbScanner, [group('sg-a')]);

    expect(memorydb).toHaveReceivedCommandWith(DescribeClustersCommand, { MaxResults: 100 });
  });

  it('follows NextToken to the last page', async () => {
    memorydb
      .on(DescribeClustersCommand)
      .resolvesOnce({ Clusters: [], NextToken: 'page-2' })
      .resolvesOnce({ Clusters: [{ Name: 'late', ARN: 'arn:late', SecurityGroups: [{ SecurityGroupId: 'sg-late' }] }] });

    const result = await scanAndClassify(memorydbScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(result.apiCalls).toBe(2);
    expect(memorydb).toHaveReceivedNthCommandWith(2, DescribeClustersCommand, { NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    memorydb.on(DescribeClustersCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(memorydbScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['memorydb']);
  });
});
