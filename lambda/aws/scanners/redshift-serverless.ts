import { RedshiftServerlessClient, paginateListEndpointAccess, paginateListWorkgroups } from '@aws-sdk/client-redshift-serverless';
import type { Scanner } from './types';

/** Redshift Serverless workgroups and their managed VPC endpoints. */
export const redshiftServerlessScanner: Scanner = {
  source: 'redshift-serverless',
  service: 'redshift-serverless',
  covers: ['AWS::RedshiftServerless::Workgroup', 'place:redshift-serverless-endpoint-access'],
  actions: ['redshift-serverless:ListWorkgroups', 'redshift-serverless:ListEndpointAccess'],
  async scan(clients, _region, ctx) {
    const client = clients.get(RedshiftServerlessClient);

    for await (const page of paginateListWorkgroups({ client, pageSize: 100 }, {})) {
      for (const workgroup of page.workgroups ?? []) {
        ctx.found(workgroup.securityGroupIds, {
          resourceType: 'Redshift Serverless workgroup',
          resourceId: workgroup.workgroupArn ?? workgroup.workgroupName ?? 'unknown',
          resourceName: workgroup.workgroupName,
          detail: [workgroup.namespaceName ? `namespace ${workgroup.namespaceName}` : undefined, workgroup.status ? `status ${workgroup.status}` : undefined]
            .filter(Boolean)
            .join(', '),
        });
      }
    }

    // No workgroupName: the endpoints of every workgroup.
    for await (const page of paginateListEndpointAccess({ client, pageSize: 100 }, {})) {
      for (const endpoint of page.endpoints ?? []) {
        ctx.found(
          (endpoint.vpcSecurityGroups ?? []).map((g) => g.vpcSecurityGroupId),
          {
            resourceType: 'Redshift Serverless VPC endpoint',
            resourceId: endpoint.endpointArn ?? endpoint.endpointName ?? 'unknown',
            resourceName: endpoint.endpointName,
            detail: [endpoint.workgroupName ? `workgroup ${endpoint.workgroupName}` : undefined, endpoint.endpointStatus ? `status ${endpoint.endpointStatus}` : undefined]
              .filter(Boolean)
              .join(', '),
          },
        );
      }
    }
  },
};
