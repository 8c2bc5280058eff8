import {
  DatabaseMigrationServiceClient,
  paginateDescribeInstanceProfiles,
  paginateDescribeReplicationConfigs,
  paginateDescribeReplicationInstances,
} from '@aws-sdk/client-database-migration-service';
import type { Scanner } from './types';

/**
 * DMS pages hold at most 100 records (DescribeReplicationInstances doc: 20–100; the other two
 * state no range, and 100 is DMS's documented default and maximum elsewhere: unverified).
 */
const PAGE_SIZE = 100;

/**
 * DMS replication instances, DMS Serverless replication configs and DMS instance profiles (used
 * by DMS Schema Conversion and homogeneous migrations). moto 5.2.1: with a replication instance
 * present SDK v3 cannot parse moto's InstanceCreateTime, and the other two calls are not
 * implemented, so against moto this source fails (and fails closed).
 */
export const dmsScanner: Scanner = {
  source: 'dms',
  service: 'dms',
  covers: ['AWS::DMS::InstanceProfile', 'AWS::DMS::ReplicationConfig', 'AWS::DMS::ReplicationInstance'],
  actions: ['dms:DescribeReplicationInstances', 'dms:DescribeReplicationConfigs', 'dms:DescribeInstanceProfiles'],
  async scan(clients, _region, ctx) {
    const dms = clients.get(DatabaseMigrationServiceClient);
    const paging = { client: dms, pageSize: PAGE_SIZE };

    for await (const page of paginateDescribeReplicationInstances(paging, {})) {
      for (const instance of page.ReplicationInstances ?? []) {
        ctx.found(
          (instance.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId),
          {
            resourceType: 'DMS replication instance',
            resourceId: instance.ReplicationInstanceArn ?? instance.ReplicationInstanceIdentifier ?? 'replication-instance-?',
            ...(instance.ReplicationInstanceIdentifier ? { resourceName: instance.ReplicationInstanceIdentifier } : {}),
            detail: `status ${instance.ReplicationInstanceStatus ?? 'unknown'}`,
          },
        );
      }
    }

    for await (const page of paginateDescribeReplicationConfigs(paging, {})) {
      for (const config of page.ReplicationConfigs ?? []) {
        ctx.found(config.ComputeConfig?.VpcSecurityGroupIds, {
          resourceType: 'DMS Serverless replication config',
          resourceId: config.ReplicationConfigArn ?? config.ReplicationConfigIdentifier ?? 'replication-config-?',
          ...(config.ReplicationConfigIdentifier ? { resourceName: config.ReplicationConfigIdentifier } : {}),
          ...(config.ReplicationType ? { detail: config.ReplicationType } : {}),
        });
      }
    }

    for await (const page of paginateDescribeInstanceProfiles(paging, {})) {
      for (const profile of page.InstanceProfiles ?? []) {
        ctx.found(profile.VpcSecurityGroups, {
          resourceType: 'DMS instance profile',
          resourceId: profile.InstanceProfileArn ?? profile.InstanceProfileName ?? 'instance-profile-?',
          ...(profile.InstanceProfileName ? { resourceName: profile.InstanceProfileName } : {}),
          ...(profile.SubnetGroupIdentifier ? { detail: `subnet group ${profile.SubnetGroupIdentifier}` } : {}),
        });
      }
    }
  },
};
