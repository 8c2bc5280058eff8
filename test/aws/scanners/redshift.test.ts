import { DescribeClustersCommand, DescribeEndpointAccessCommand, RedshiftClient } from '@aws-sdk/client-redshift';
import { mockClient } from 'aws-sdk-client-mock';
import { redshiftScanner } from '../../../lambda/aws/scanners/redshift';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const redshift = mockClient(RedshiftClient);

beforeEach(() => {
  redshift.reset();
  redshift.on(DescribeClustersCommand).resolves({ Clusters: [] });
  redshift.on(DescribeEndpointAccessCommand).resolves({ EndpointAccessList: [] });
});

describe('redshift scanner', () => {
  it('marks a group used only by a Redshift cluster as in use, naming the cluster', async () => {
    // Prepare
    redshift.on(DescribeClustersCommand).resolves({
      Clusters: [
        {
          ClusterIdentifier: 'warehouse',
          ClusterNamespaceArn: 'arn:aws:redshift:us-east-1:123456789012:namespace:abc',
          ClusterStatus: 'available',
          VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-used', Status: 'active' }],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(redshiftScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({ source: 'redshift', resourceType: 'Redshift cluster', resourceName: 'warehouse' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('marks a group used by a Redshift-managed VPC endpoint as in use', async () => {
    // Prepare
    redshift.on(DescribeEndpointAccessCommand).resolves({
      EndpointAccessList: [{ EndpointName: 'bi-access', ClusterIdentifier: 'warehouse', EndpointStatus: 'active', VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-endpoint' }] }],
    });

    // Act
    const result = await scanAndClassify(redshiftScanner, [group('sg-endpoint')]);

    // Assess
    expect(result.verdictOf('sg-endpoint').usages[0]).toMatchObject({ resourceType: 'Redshift-managed VPC endpoint', resourceName: 'bi-access' });
  });

  it('follows Marker to the last page, 100 records per page', async () => {
    // Prepare
    redshift
      .on(DescribeClustersCommand)
      .resolvesOnce({ Clusters: [], Marker: 'page-2' })
      .resolvesOnce({ Clusters: [{ ClusterIdentifier: 'late', VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-late' }] }] });

    // Act
    const result = await scanAndClassify(redshiftScanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(redshift).toHaveReceivedNthCommandWith(2, DescribeClustersCommand, { Marker: 'page-2', MaxRecords: 100 });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    // Prepare
    redshift.on(DescribeEndpointAccessCommand).rejects(awsError('AccessDenied'));

    // Act
    const result = await scanAndClassify(redshiftScanner, [group('sg-a')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
