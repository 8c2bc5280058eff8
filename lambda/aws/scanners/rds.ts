import {
  RDSClient,
  paginateDescribeDBClusters,
  paginateDescribeDBInstances,
  paginateDescribeDBProxies,
  paginateDescribeDBProxyEndpoints,
  paginateDescribeOptionGroups,
} from '@aws-sdk/client-rds';
import type { Scanner } from './types';

const PAGE = 100;

/** "aurora-postgresql (Aurora)", "docdb (DocumentDB)", "neptune (Neptune)": RDS APIs serve all three. */
export function describeEngine(engine: string | undefined): string {
  if (!engine) return 'engine unknown';
  const family = engine.startsWith('aurora')
    ? 'Aurora'
    : engine.startsWith('docdb')
      ? 'DocumentDB'
      : engine.startsWith('neptune')
        ? 'Neptune'
        : undefined;
  return family ? `engine ${engine} (${family})` : `engine ${engine}`;
}

/**
 * RDS DB instances, DB clusters (Aurora, Neptune, DocumentDB), DB proxies and their endpoints,
 * and option group options that open a port to VPC groups.
 */
export const rdsScanner: Scanner = {
  source: 'rds',
  service: 'rds',
  covers: [
    'AWS::DocDB::DBCluster',
    'AWS::Neptune::DBCluster',
    'AWS::RDS::DBCluster',
    'AWS::RDS::DBInstance',
    'AWS::RDS::DBProxy',
    'AWS::RDS::DBProxyEndpoint',
    'AWS::RDS::OptionGroup',
  ],
  actions: [
    'rds:DescribeDBInstances',
    'rds:DescribeDBClusters',
    'rds:DescribeDBProxies',
    'rds:DescribeDBProxyEndpoints',
    'rds:DescribeOptionGroups',
  ],
  async scan(clients, _region, ctx) {
    const rds = clients.get(RDSClient);

    for await (const page of paginateDescribeDBInstances({ client: rds, pageSize: PAGE }, {})) {
      for (const db of page.DBInstances ?? []) {
        ctx.found(
          (db.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId),
          {
            resourceType: 'RDS DB instance',
            resourceId: db.DBInstanceArn ?? db.DBInstanceIdentifier ?? 'unknown',
            resourceName: db.DBInstanceIdentifier,
            detail: [describeEngine(db.Engine), db.DBInstanceStatus ? `status ${db.DBInstanceStatus}` : undefined, db.DBClusterIdentifier ? `cluster ${db.DBClusterIdentifier}` : undefined]
              .filter(Boolean)
              .join(', '),
          },
        );
      }
    }

    // IncludeShared stays off: clusters shared from other accounts hold that account's groups.
    for await (const page of paginateDescribeDBClusters({ client: rds, pageSize: PAGE }, {})) {
      for (const cluster of page.DBClusters ?? []) {
        ctx.found(
          (cluster.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId),
          {
            resourceType: 'RDS DB cluster',
            resourceId: cluster.DBClusterArn ?? cluster.DBClusterIdentifier ?? 'unknown',
            resourceName: cluster.DBClusterIdentifier,
            detail: [describeEngine(cluster.Engine), cluster.Status ? `status ${cluster.Status}` : undefined].filter(Boolean).join(', '),
          },
        );
      }
    }

    for await (const page of paginateDescribeDBProxies({ client: rds, pageSize: PAGE }, {})) {
      for (const proxy of page.DBProxies ?? []) {
        ctx.found(proxy.VpcSecurityGroupIds, {
          resourceType: 'RDS DB proxy',
          resourceId: proxy.DBProxyArn ?? proxy.DBProxyName ?? 'unknown',
          resourceName: proxy.DBProxyName,
          detail: [proxy.EngineFamily ? `engine family ${proxy.EngineFamily}` : undefined, proxy.Status ? `status ${proxy.Status}` : undefined]
            .filter(Boolean)
            .join(', '),
        });
      }
    }

    // Without DBProxyName this lists every proxy's endpoints in one paginated listing.
    for await (const page of paginateDescribeDBProxyEndpoints({ client: rds, pageSize: PAGE }, {})) {
      for (const endpoint of page.DBProxyEndpoints ?? []) {
        ctx.found(endpoint.VpcSecurityGroupIds, {
          resourceType: 'RDS DB proxy endpoint',
          resourceId: endpoint.DBProxyEndpointArn ?? endpoint.DBProxyEndpointName ?? 'unknown',
          resourceName: endpoint.DBProxyEndpointName,
          detail: [endpoint.DBProxyName ? `proxy ${endpoint.DBProxyName}` : undefined, endpoint.Status ? `status ${endpoint.Status}` : undefined]
            .filter(Boolean)
            .join(', '),
        });
      }
    }

    // Options with a port (Oracle OEM, APEX, MySQL memcached, ...) hold VPC groups of their own
    // (Options[].VpcSecurityGroupMemberships): not in SOURCES.md, but in the RDS model. Deleting
    // such a group breaks the option for every instance that uses the option group.
    for await (const page of paginateDescribeOptionGroups({ client: rds, pageSize: PAGE }, {})) {
      for (const optionGroup of page.OptionGroupsList ?? []) {
        for (const option of optionGroup.Options ?? []) {
          ctx.found(
            (option.VpcSecurityGroupMemberships ?? []).map((g) => g.VpcSecurityGroupId),
            {
              resourceType: 'RDS option group',
              resourceId: optionGroup.OptionGroupArn ?? optionGroup.OptionGroupName ?? 'unknown',
              resourceName: optionGroup.OptionGroupName,
              detail: [`option ${option.OptionName ?? '?'}`, optionGroup.EngineName ? `engine ${optionGroup.EngineName}` : undefined]
                .filter(Boolean)
                .join(', '),
            },
          );
        }
      }
    }
  },
};
