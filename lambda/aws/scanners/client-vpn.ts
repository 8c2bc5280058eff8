import { EC2Client, paginateDescribeClientVpnEndpoints } from '@aws-sdk/client-ec2';
import type { Scanner } from './types';

/** Client VPN endpoints: the groups applied to their target networks. */
export const clientVpnScanner: Scanner = {
  source: 'client-vpn',
  service: 'ec2',
  covers: ['AWS::EC2::ClientVpnEndpoint'],
  actions: ['ec2:DescribeClientVpnEndpoints'],
  async scan(clients, _region, ctx) {
    const ec2 = clients.get(EC2Client);
    for await (const page of paginateDescribeClientVpnEndpoints({ client: ec2, pageSize: 1000 }, {})) {
      for (const endpoint of page.ClientVpnEndpoints ?? []) {
        // A deleted endpoint is listed for a while after deletion but holds nothing.
        if (endpoint.Status?.Code === 'deleted') continue;
        const name = endpoint.Tags?.find((t) => t.Key === 'Name')?.Value ?? endpoint.Description;
        ctx.found(endpoint.SecurityGroupIds, {
          resourceType: 'Client VPN endpoint',
          resourceId: endpoint.ClientVpnEndpointId ?? 'cvpn-endpoint-?',
          ...(name ? { resourceName: name } : {}),
          detail: [`status ${endpoint.Status?.Code ?? 'unknown'}`, endpoint.VpcId].filter(Boolean).join(', '),
        });
      }
    }
  },
};
