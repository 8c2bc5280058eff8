import { EC2Client, paginateDescribeVpcEndpoints } from '@aws-sdk/client-ec2';
import type { Scanner } from './types';

/** VPC endpoints (interface, Gateway Load Balancer, resource and service-network endpoints carry groups). */
export const vpcEndpointsScanner: Scanner = {
  source: 'vpc-endpoints',
  service: 'ec2',
  // Neptune Analytics private graph endpoints hold their groups on the interface VPC endpoint they create.
  covers: ['AWS::EC2::VPCEndpoint', 'AWS::NeptuneGraph::PrivateGraphEndpoint'],
  actions: ['ec2:DescribeVpcEndpoints'],
  async scan(clients, _region, ctx) {
    const ec2 = clients.get(EC2Client);
    for await (const page of paginateDescribeVpcEndpoints({ client: ec2, pageSize: 1000 }, {})) {
      for (const endpoint of page.VpcEndpoints ?? []) {
        // A deleted endpoint stays listed for a while but holds nothing; any other state
        // (rejected and failed included) is still an endpoint with its groups attached.
        if (endpoint.State?.toLowerCase() === 'deleted') continue;
        const name = endpoint.Tags?.find((t) => t.Key === 'Name')?.Value;
        const detail = [
          endpoint.VpcEndpointType,
          endpoint.ServiceName,
          endpoint.State ? `state ${endpoint.State}` : undefined,
          endpoint.RequesterManaged ? 'requester-managed' : undefined,
        ];
        ctx.found(
          (endpoint.Groups ?? []).map((g) => g.GroupId),
          {
            resourceType: 'VPC endpoint',
            resourceId: endpoint.VpcEndpointId ?? 'vpce-?',
            ...(name ? { resourceName: name } : {}),
            detail: detail.filter(Boolean).join(', '),
          },
        );
      }
    }
  },
};
