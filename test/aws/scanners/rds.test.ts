import {
  DescribeDBClustersCommand,
  DescribeDBInstancesCommand,
  DescribeDBProxiesCommand,
  DescribeDBProxyEndpointsCommand,
  DescribeOptionGroupsCommand,
  RDSClient,
} from '@aws-sdk/client-rds';
import { mockClient } from 'aws-sdk-client-mock';
import { rdsScanner } from '../../../lambda/aws/scanners/rds';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const rds = mockClient(RDSClient);

beforeEach(() => {
  rds.reset();
  rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
  rds.on(DescribeDBClustersCommand).resolves({ DBClusters: [] });
  rds.on(DescribeDBProxiesCommand).resolves({ DBProxies: [] });
  rds.on(DescribeDBProxyEndpointsCommand).resolves({ DBProxyEndpoints: [] });
  rds.on(DescribeOptionGroupsCommand).resolves({ OptionGroupsList: [] });
});

describe('rds scanner', () => {
  it('marks a group used only by a DB instance as in use, naming the instance and its engine', async () => {
    // Prepare
    rds.on(DescribeDBInstancesCommand).resolves({
      DBInstances: [
        {
          DBInstanceIdentifier: 'billing-db',
          DBInstanceArn: 'arn:aws:rds:us-east-1:123456789012:db:billing-db',
          Engine: 'postgres',
          DBInstanceStatus: 'available',
          VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-used', Status: 'active' }],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(rdsScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'rds',
      resourceType: 'RDS DB instance',
      resourceId: 'arn:aws:rds:us-east-1:123456789012:db:billing-db',
      resourceName: 'billing-db',
      detail: 'engine postgres, status available',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('names DocumentDB and Neptune clusters by their engine', async () => {
    // Prepare
    rds.on(DescribeDBClustersCommand).resolves({
      DBClusters: [
        { DBClusterIdentifier: 'docs', DBClusterArn: 'arn:docs', Engine: 'docdb', Status: 'available', VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-docdb' }] },
        { DBClusterIdentifier: 'graph', DBClusterArn: 'arn:graph', Engine: 'neptune', Status: 'available', VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-neptune' }] },
      ],
    });

    // Act
    const result = await scanAndClassify(rdsScanner, [group('sg-docdb'), group('sg-neptune')]);

    // Assess
    expect(result.verdictOf('sg-docdb').usages[0]).toMatchObject({ resourceType: 'RDS DB cluster', detail: 'engine docdb (DocumentDB), status available' });
    expect(result.verdictOf('sg-neptune').usages[0]?.detail).toContain('(Neptune)');
  });

  it('marks groups of DB proxies and proxy endpoints as in use', async () => {
    // Prepare
    rds.on(DescribeDBProxiesCommand).resolves({
      DBProxies: [{ DBProxyName: 'app-proxy', DBProxyArn: 'arn:proxy', EngineFamily: 'MYSQL', Status: 'available', VpcSecurityGroupIds: ['sg-proxy'] }],
    });
    rds.on(DescribeDBProxyEndpointsCommand).resolves({
      DBProxyEndpoints: [{ DBProxyEndpointName: 'reader', DBProxyEndpointArn: 'arn:endpoint', DBProxyName: 'app-proxy', VpcSecurityGroupIds: ['sg-endpoint'] }],
    });

    // Act
    const result = await scanAndClassify(rdsScanner, [group('sg-proxy'), group('sg-endpoint')]);

    // Assess
    expect(result.verdictOf('sg-proxy').usages[0]).toMatchObject({ resourceType: 'RDS DB proxy', resourceName: 'app-proxy' });
    expect(result.verdictOf('sg-endpoint').usages[0]).toMatchObject({ resourceType: 'RDS DB proxy endpoint', resourceName: 'reader' });
  });

  it('marks a group that an option group option opens its port to as in use, following Marker', async () => {
    // Prepare
    rds
      .on(DescribeOptionGroupsCommand)
      .resolvesOnce({ OptionGroupsList: [{ OptionGroupName: 'no-options', Options: [] }], Marker: 'page-2' })
      .resolvesOnce({
        OptionGroupsList: [
          {
            OptionGroupName: 'oracle-oem',
            OptionGroupArn: 'arn:aws:rds:us-east-1:123456789012:og:oracle-oem',
            EngineName: 'oracle-ee',
            Options: [{ OptionName: 'OEM', Port: 5500, VpcSecurityGroupMemberships: [{ VpcSecurityGroupId: 'sg-oem', Status: 'active' }] }],
          },
        ],
      });

    // Act
    const result = await scanAndClassify(rdsScanner, [group('sg-oem'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-oem').verdict).toBe('in-use');
    expect(result.verdictOf('sg-oem').usages[0]).toMatchObject({
      resourceType: 'RDS option group',
      resourceName: 'oracle-oem',
      detail: 'option OEM, engine oracle-ee',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
    expect(rds).toHaveReceivedCommandTimes(DescribeOptionGroupsCommand, 2);
    expect(rds).toHaveReceivedNthSpecificCommandWith(2, DescribeOptionGroupsCommand, { Marker: 'page-2', MaxRecords: 100 });
  });

  it('follows Marker to the last page, 100 records per page', async () => {
    // Prepare
    rds
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [], Marker: 'page-2' })
      .resolvesOnce({ DBInstances: [{ DBInstanceIdentifier: 'late', VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-late' }] }] });

    // Act
    const result = await scanAndClassify(rdsScanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(rds).toHaveReceivedNthCommandWith(1, DescribeDBInstancesCommand, { MaxRecords: 100 });
    expect(rds).toHaveReceivedNthCommandWith(2, DescribeDBInstancesCommand, { Marker: 'page-2', MaxRecords: 100 });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    // Prepare
    rds.on(DescribeDBProxyEndpointsCommand).rejects(awsError('AccessDenied'));

    // Act
    const result = await scanAndClassify(rdsScanner, [group('sg-a')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['rds']);
  });
});
