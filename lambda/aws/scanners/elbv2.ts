import { ElasticLoadBalancingV2Client, paginateDescribeLoadBalancers } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Scanner } from './types';

const TYPE_LABEL: Record<string, string> = { application: 'ALB', network: 'NLB', gateway: 'GWLB' };

/** Application and network load balancers (gateway load balancers carry no groups). */
export const elbv2Scanner: Scanner = {
  source: 'elbv2',
  service: 'elb',
  covers: ['AWS::ElasticLoadBalancingV2::LoadBalancer'],
  actions: ['elasticloadbalancing:DescribeLoadBalancers'],
  async scan(clients, _region, ctx) {
    const elb = clients.get(ElasticLoadBalancingV2Client);
    // The SDK's ELBv2 paginator has no page-size field name, so `pageSize` would be ignored:
    // PageSize goes in the input instead (model maximum 400).
    const pages = paginateDescribeLoadBalancers({ client: elb }, { PageSize: 400 });
    for await (const page of pages) {
      for (const lb of page.LoadBalancers ?? []) {
        const type = lb.Type ?? 'application';
        ctx.found(lb.SecurityGroups, {
          resourceType: TYPE_LABEL[type] ?? `load balancer (${type})`,
          resourceId: lb.LoadBalancerArn ?? lb.LoadBalancerName ?? 'unknown',
          resourceName: lb.LoadBalancerName,
          detail: [lb.Scheme, lb.State?.Code ? `state ${lb.State.Code}` : undefined, lb.VpcId].filter(Boolean).join(', '),
        });
      }
    }
  },
};
