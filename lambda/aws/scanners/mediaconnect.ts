import { DescribeFlowCommand, MediaConnectClient, paginateListFlows, type Flow } from '@aws-sdk/client-mediaconnect';
import type { Scanner } from './types';
import { isNamed } from '../errors';

// Confirmed in the AWS Elemental MediaConnect API reference and botocore's model:
// - ListFlows: MaxResults 1–1000, NextToken; ListedFlow has no VPC interfaces, so each flow is
//   read with DescribeFlow (no bulk form).
// - DescribeFlow(FlowArn) -> Flow.VpcInterfaces[].{Name, SecurityGroupIds, SubnetId, NetworkInterfaceIds}.
// - IAM: mediaconnect:ListFlows, mediaconnect:DescribeFlow.
// AWS::MediaConnect::FlowVpcInterface is one entry of a flow's VpcInterfaces. Router network
// interfaces (AWS::MediaConnect::RouterNetworkInterface) need ListRouterNetworkInterfaces, which
// the installed @aws-sdk/client-mediaconnect does not have yet: the coverage ledger names them.
const PAGE_SIZE = 1000;

/** AWS Elemental MediaConnect flows' VPC interfaces: a stopped flow keeps its interfaces' groups. */
export const mediaconnectScanner: Scanner = {
  source: 'mediaconnect',
  service: 'mediaconnect',
  covers: ['AWS::MediaConnect::Flow', 'AWS::MediaConnect::FlowVpcInterface'],
  actions: ['mediaconnect:ListFlows', 'mediaconnect:DescribeFlow'],
  async scan(clients, _region, ctx) {
    const mediaconnect = clients.get(MediaConnectClient);
    for await (const page of paginateListFlows({ client: mediaconnect, pageSize: PAGE_SIZE }, {})) {
      for (const listed of page.Flows ?? []) {
        if (!listed.FlowArn) continue;
        const flow = await describeFlow(mediaconnect, listed.FlowArn);
        if (!flow) continue;
        for (const vpcInterface of flow.VpcInterfaces ?? []) {
          ctx.found(vpcInterface.SecurityGroupIds, {
            resourceType: 'MediaConnect flow',
            resourceId: listed.FlowArn,
            resourceName: flow.Name ?? listed.Name,
            detail: [`VPC interface ${vpcInterface.Name ?? '?'}`, `status ${flow.Status ?? listed.Status ?? 'unknown'}`].join(', '),
          });
        }
      }
    }
  },
};

/** Reads one flow; undefined only when it was deleted between the listing and now. */
async function describeFlow(mediaconnect: MediaConnectClient, flowArn: string): Promise<Flow | undefined> {
  try {
    return (await mediaconnect.send(new DescribeFlowCommand({ FlowArn: flowArn }))).Flow;
  } catch (error) {
    if (isNamed(error, 'NotFoundException')) return undefined;
    throw error;
  }
}
