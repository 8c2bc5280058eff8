import { RedshiftClient, paginateDescribeClusters, paginateDescribeEndpointAccess } from '@aws-sdk/client-redshift';
import type { Scanner } from './types';

/** Provisioned Redshift clusters and Redshift-managed VPC endpoints. */
export const redshiftScanner: Scanner = {
  source: 'redshift',
  service: 'redshift',
  covers: ['AWS::Redshift::Cluster', 'AWS::Redshift::EndpointAccess'],
  actions: ['redshift:DescribeClusters', 'redshift:DescribeEndpointAccess'],
  async scan(clients, _region, ctx) {
    const redshift = clients.get(RedshiftClient);

    for await (const page of paginateDescribeClusters({ client: redshift, pageSize: 100 }, {})) {
      for (const cluster of page.Clusters ?? []) {
        ctx.found(
          (cluster.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId),
          {
            resourceType: 'Redshift cluster',
            resourceId: cluster.ClusterNamespaceArn ?? cluster.ClusterIdentifier ?? 'unknown',
            resourceName: cluster.ClusterIdentifier,
            detail: cluster.ClusterStatus ? `status ${cluster.ClusterStatus}` : undefined,
          },
        );
      }
    }

    // MaxRecords: the model states no range; 100 is the maximum of every other Redshift Describe.
    for await (const page of paginateDescribeEndpointAccess({ client: redshift, pageSize: 100 }, {})) {
      for (const endpoint of page.EndpointAccessList ?? []) {
        ctx.found(
          (endpoint.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId),
          {
            resourceType: 'Redshift-managed VPC endpoint',
            resourceId: endpoint.EndpointName ?? 'unknown',
            resourceName: endpoint.EndpointName,
            detail: [endpoint.ClusterIdentifier ? `cluster ${endpoint.ClusterIdentifier}` : undefined, endpoint.EndpointStatus ? `status ${endpoint.EndpointStatus}` : undefined]
              .filter(Boolean)
              .join(', '),
          },
        );
      }
    }
  },
};
