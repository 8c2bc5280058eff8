import { Route53ResolverClient, paginateListResolverEndpoints } from '@aws-sdk/client-route53resolver';
import type { Scanner } from './types';

/** Route 53 Resolver inbound and outbound endpoints, whatever their status. */
export const route53ResolverScanner: Scanner = {
  source: 'route53-resolver',
  service: 'route53resolver',
  covers: ['AWS::Route53Resolver::ResolverEndpoint'],
  actions: ['route53resolver:ListResolverEndpoints'],
  async scan(clients, _region, ctx) {
    const resolver = clients.get(Route53ResolverClient);
    for await (const page of paginateListResolverEndpoints({ client: resolver, pageSize: 100 }, {})) {
      for (const endpoint of page.ResolverEndpoints ?? []) {
        const parts = [
          endpoint.Direction ? endpoint.Direction.toLowerCase() : undefined,
          endpoint.HostVPCId ? `VPC ${endpoint.HostVPCId}` : undefined,
          `status ${endpoint.Status ?? 'unknown'}`,
        ];
        ctx.found(endpoint.SecurityGroupIds, {
          resourceType: 'Route 53 Resolver endpoint',
          resourceId: endpoint.Id ?? endpoint.Arn ?? 'rslvr-?',
          ...(endpoint.Name ? { resourceName: endpoint.Name } : {}),
          detail: parts.filter(Boolean).join(', '),
        });
      }
    }
  },
};
