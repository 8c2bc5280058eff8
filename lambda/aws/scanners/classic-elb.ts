import { ElasticLoadBalancingClient, paginateDescribeLoadBalancers } from '@aws-sdk/client-elastic-load-balancing';
import type { Scanner } from './types';

/**
 * Classic load balancers. `SourceSecurityGroup` is ignored on purpose: it names the group ELB
 * uses as the traffic source (a name, often `amazon-elb-sg`), not a group attached to the ELB.
 */
export const classicElbScanner: Scanner = {
  source: 'classic-elb',
  service: 'elb',
  covers: ['AWS::ElasticLoadBalancing::LoadBalancer'],
  actions: ['elasticloadbalancing:DescribeLoadBalancers'],
  async scan(clients, _region, ctx) {
    const elb = clients.get(ElasticLoadBalancingClient);
    // The SDK's paginator has no page-size field name, so `pageSize` would be ignored: PageSize
    // goes in the input instead (model maximum 400).
    const pages = paginateDescribeLoadBalancers({ client: elb }, { PageSize: 400 });
    for await (const page of pages) {
      for (const lb of page.LoadBalancerDescriptions ?? []) {
        ctx.found(lb.SecurityGroups, {
          resourceType: 'Classic ELB',
          resourceId: lb.LoadBalancerName ?? 'unknown',
          resourceName: lb.LoadBalancerName,
          detail: [lb.Scheme, lb.VPCId].filter(Boolean).join(', '),
        });
      }
    }
  },
};
