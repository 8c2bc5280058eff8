import { EC2Client, paginateDescribeInstanceConnectEndpoints } from '@aws-sdk/client-ec2';
import type { Scanner } from './types';

/** EC2 Instance Connect endpoints. */
export const instanceConnectEndpointsScanner: Scanner = {
  source: 'instance-connect-endpoints',
  service: 'ec2',
  covers: ['AWS::EC2::InstanceConnectEndpoint'],
  actions: ['ec2:DescribeInstanceConnectEndpoints'],
  async scan(clients, _region, ctx) {
    const ec2 = clients.get(EC2Client);
    for await (const page of paginateDescribeInstanceConnectEndpoints({ client: ec2, pageSize: 50 }, {})) {
      for (const endpoint of page.InstanceConnectEndpoints ?? []) {
        // A deleted endpoint stays listed for a while but holds nothing; a failed delete still does.
        if (endpoint.State === 'delete-complete') continue;
        const name = endpoint.Tags?.find((t) => t.Key === 'Name')?.Value;
        ctx.found(endpoint.SecurityGroupIds, {
          resourceType: 'EC2 Instance Connect endpoint',
          resourceId: endpoint.InstanceConnectEndpointId ?? 'eice-?',
          ...(name ? { resourceName: name } : {}),
          detail: [`state ${endpoint.State ?? 'unknown'}`, endpoint.SubnetId].filter(Boolean).join(', '),
        });
      }
    }
  },
};
