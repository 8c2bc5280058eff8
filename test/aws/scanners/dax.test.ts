import { DAXClient, DescribeClustersCommand } from '@aws-sdk/client-dax';
import { mockClient } from 'aws-sdk-client-mock';
import { daxScanner } from '../../../lambda/aws/scanners/dax';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const dax = mockClient(DAXClient);

beforeEach(() => dax.reset());

describe('dax scanner', () => {
  it('marks a group of a DAX cluster as in use, naming the cluster, and leaves another group a candidate', async () => {
    // Prepare
    dax.on(DescribeClustersCommand).resolves({
      Clusters: [
        {
          ClusterName: 'orders-cache',
          ClusterArn: 'arn:aws:dax:us-east-1:123456789012:cache/orders-cache',
          Status: 'available',
          SecurityGroups: [{ SecurityGroupIdentifier: 'sg-used', Status: 'active' }],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(daxScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'dax',
      resourceType: 'DAX cluster',
      resourceId: 'arn:aws:dax:us-east-1:123456789012:cache/orders-cache',
      resourceName: 'orders-cache',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks for 100 clusters per page', async () => {
    dax.on(DescribeClustersCommand).resolves({ Clusters: [] });

    await scanAndClassify(daxScanner, [group('sg-a')]);

    expect(dax).toHaveReceivedCommandWith(DescribeClustersCommand, { MaxResults: 100 });
  });

  it('follows NextToken by hand to the last page', async () => {
    dax
      .on(DescribeClustersCommand)
      .resolvesOnce({ Clusters: [], NextToken: 'page-2' })
      .resolvesOnce({ Clusters: [{ ClusterName: 'late', SecurityGroups: [{ SecurityGroupIdentifier: 'sg-late' }] }] });

    const result = await scanAndClassify(daxScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(result.apiCalls).toBe(2);
    expect(dax).toHaveReceivedNthCommandWith(2, DescribeClustersCommand, { MaxResults: 100, NextToken: 'page-2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    dax.on(DescribeClustersCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(daxScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
