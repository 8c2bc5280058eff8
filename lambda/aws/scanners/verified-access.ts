import { EC2Client, paginateDescribeVerifiedAccessEndpoints } from '@aws-sdk/client-ec2';
import type { Scanner } from './types';

/** AWS Verified Access endpoints. */
export const verifiedAccessScanner: Scanner = {
  source: 'verified-access',
  service: 'verified-access',
  covers: ['AWS::EC2::VerifiedAccessEndpoint'],
  actions: ['ec2:DescribeVerifiedAccessEndpoints'],
  async scan(clients, _region, ctx) {
    const ec2 = clients.get(EC2Client);
    for await (const page of paginateDescribeVerifiedAccessEndpoints({ client: ec2, pageSize: 1000 }, {})) {
      for (const endpoint of page.VerifiedAccessEndpoints ?? []) {
        // A deleted endpoint stays listed for a while but holds nothing.
        if (endpoint.Status?.Code === 'deleted') continue;
        const name = endpoint.Tags?.find((t) => t.Key === 'Name')?.Value ?? endpoint.ApplicationDomain;
        const detail = [endpoint.EndpointType, endpoint.Description, `status ${endpoint.Status?.Code ?? 'unknown'}`];
        ctx.found(endpoint.SecurityGroupIds, {
          resourceType: 'Verified Access endpoint',
          resourceId: endpoint.VerifiedAccessEndpointId ?? 'vae-?',
          ...(name ? { resourceName: name } : {}),
          detail: detail.filter(Boolean).join(', '),
        });
      }
    }
  },
};
