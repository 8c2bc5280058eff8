import { SyntheticsClient, paginateDescribeCanaries } from '@aws-sdk/client-synthetics';
import { groupRefsIn } from './group-fields';
import type { Scanner } from './types';

// CloudWatch Synthetics API reference and botocore 1.43.11's model:
// - DescribeCanaries: MaxResults 1–20, NextToken; Canaries[] with full details, VpcConfig.SecurityGroupIds
//   included (no per-canary call). A stopped canary keeps its VPC configuration.
// - IAM: synthetics:DescribeCanaries.

/** CloudWatch Synthetics canaries that run inside a VPC. */
export const syntheticsScanner: Scanner = {
  source: 'synthetics',
  service: 'synthetics',
  covers: ['AWS::Synthetics::Canary'],
  actions: ['synthetics:DescribeCanaries'],
  async scan(clients, _region, ctx) {
    const synthetics = clients.get(SyntheticsClient);
    for await (const page of paginateDescribeCanaries({ client: synthetics, pageSize: 20 }, {})) {
      for (const canary of page.Canaries ?? []) {
        ctx.found(groupRefsIn(canary.VpcConfig), {
          resourceType: 'Synthetics canary',
          resourceId: canary.Id ?? canary.Name ?? 'canary-?',
          ...(canary.Name ? { resourceName: canary.Name } : {}),
          detail: `state ${canary.Status?.State ?? 'unknown'}`,
        });
      }
    }
  },
};
