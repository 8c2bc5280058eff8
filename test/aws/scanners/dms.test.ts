import {
  DatabaseMigrationServiceClient,
  DescribeInstanceProfilesCommand,
  DescribeReplicationConfigsCommand,
  DescribeReplicationInstancesCommand,
} from '@aws-sdk/client-database-migration-service';
import { mockClient } from 'aws-sdk-client-mock';
import { dmsScanner } from '../../../lambda/aws/scanners/dms';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const dms = mockClient(DatabaseMigrationServiceClient);
const ARN = 'arn:aws:dms:us-east-1:123456789012';

beforeEach(() => {
  dms.reset();
  dms.on(DescribeReplicationInstancesCommand).resolves({ ReplicationInstances: [] });
  dms.on(DescribeReplicationConfigsCommand).resolves({ ReplicationConfigs: [] });
  dms.on(DescribeInstanceProfilesCommand).resolves({ InstanceProfiles: [] });
});

describe('dms scanner', () => {
  it('marks the group of a replication instance as in use, naming the instance', async () => {
    // Prepare
    dms.on(DescribeReplicationInstancesCommand).resolves({
      ReplicationInstances: [
        {
          ReplicationInstanceIdentifier: 'orders-migration',
          ReplicationInstanceArn: `${ARN}:rep:ABC`,
          ReplicationInstanceStatus: 'available',
          VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-used', Status: 'active' }],
        },
      ],
    });

    // Act
    const result = await scanAndClassify(dmsScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'dms',
      resourceType: 'DMS replication instance',
      resourceId: `${ARN}:rep:ABC`,
      resourceName: 'orders-migration',
      detail: 'status available',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks every listing for 100 records per page', async () => {
    await scanAndClassify(dmsScanner, [group('sg-a')]);

    expect(dms).toHaveReceivedCommandWith(DescribeReplicationInstancesCommand, { MaxRecords: 100 });
    expect(dms).toHaveReceivedCommandWith(DescribeReplicationConfigsCommand, { MaxRecords: 100 });
    expect(dms).toHaveReceivedCommandWith(DescribeInstanceProfilesCommand, { MaxRecords: 100 });
  });

  it('follows Marker to the last page of replication instances', async () => {
    dms
      .on(DescribeReplicationInstancesCommand)
      .resolvesOnce({ ReplicationInstances: [], Marker: 'page-2' })
      .resolvesOnce({ ReplicationInstances: [{ ReplicationInstanceIdentifier: 'late', VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-late' }] }] });

    const result = await scanAndClassify(dmsScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(dms).toHaveReceivedNthCommandWith(2, DescribeReplicationInstancesCommand, { Marker: 'page-2' });
  });

  it('marks the group of a DMS Serverless replication config as in use', async () => {
    dms.on(DescribeReplicationConfigsCommand).resolves({
      ReplicationConfigs: [
        {
          ReplicationConfigIdentifier: 'cdc-serverless',
          ReplicationConfigArn: `${ARN}:replication-config:XYZ`,
          ReplicationType: 'cdc',
          ComputeConfig: { MaxCapacityUnits: 16, VpcSecurityGroupIds: ['sg-serverless'] },
        },
      ],
    });

    const result = await scanAndClassify(dmsScanner, [group('sg-serverless')]);

    expect(result.verdictOf('sg-serverless').usages[0]).toMatchObject({
      resourceType: 'DMS Serverless replication config',
      resourceName: 'cdc-serverless',
      detail: 'cdc',
    });
  });

  it('marks the group of a DMS instance profile as in use', async () => {
    dms.on(DescribeInstanceProfilesCommand).resolves({
      InstanceProfiles: [
        {
          InstanceProfileName: 'schema-conversion',
          InstanceProfileArn: `${ARN}:instance-profile:P1`,
          SubnetGroupIdentifier: 'dms-subnets',
          VpcSecurityGroups: ['sg-profile'],
        },
      ],
    });

    const result = await scanAndClassify(dmsScanner, [group('sg-profile')]);

    expect(result.verdictOf('sg-profile').usages[0]).toMatchObject({
      resourceType: 'DMS instance profile',
      resourceId: `${ARN}:instance-profile:P1`,
      resourceName: 'schema-conversion',
    });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    dms.on(DescribeReplicationConfigsCommand).rejects(awsError('AccessDeniedFault'));

    const result = await scanAndClassify(dmsScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['dms']);
  });
});
