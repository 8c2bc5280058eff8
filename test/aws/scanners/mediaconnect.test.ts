import {
  DescribeFlowCommand,
  ListFlowsCommand,
  MediaConnectClient,
  type DescribeFlowCommandInput,
  type DescribeFlowCommandOutput,
  type ListFlowsCommandInput,
  type ListFlowsCommandOutput,
} from '@aws-sdk/client-mediaconnect';
import { mockClient, type AwsCommand } from 'aws-sdk-client-mock';
import { mediaconnectScanner } from '../../../lambda/aws/scanners/mediaconnect';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

// package.json pins @aws-sdk/client-mediaconnect at 3.654, which bundles its own @smithy/types
// that aws-sdk-client-mock's types reject (the runtime works): these casts only re-type the classes.
type CommandCtor<I extends object, O extends object> = new (input: I) => AwsCommand<I, O & { $metadata: object }>;
const ListFlows = ListFlowsCommand as unknown as CommandCtor<ListFlowsCommandInput, ListFlowsCommandOutput>;
const DescribeFlow = DescribeFlowCommand as unknown as CommandCtor<DescribeFlowCommandInput, DescribeFlowCommandOutput>;
const mediaconnect = mockClient(MediaConnectClient as unknown as Parameters<typeof mockClient>[0]);
const FLOW_ARN = 'arn:aws:mediaconnect:us-east-1:123456789012:flow:1-23aBC45dEF67hiJ8-12AbC34DE5fG:news';

function listed(name: string, status: 'STANDBY' | 'ACTIVE' = 'STANDBY') {
  return { AvailabilityZone: 'us-east-1a', Description: '', FlowArn: FLOW_ARN, Name: name, SourceType: 'OWNED' as const, Status: status };
}

function flow(name: string, groups: string[]) {
  return {
    Flow: {
      AvailabilityZone: 'us-east-1a',
      Entitlements: [],
      FlowArn: FLOW_ARN,
      Name: name,
      Outputs: [],
      Source: { Name: 'in', SourceArn: 'arn:source' },
      Status: 'STANDBY' as const,
      VpcInterfaces: [{ Name: 'vpc-in', NetworkInterfaceIds: [], NetworkInterfaceType: 'ena' as const, RoleArn: 'arn:role', SecurityGroupIds: groups, SubnetId: 'subnet-1' }],
    },
  };
}

beforeEach(() => mediaconnect.reset());

describe('mediaconnect scanner', () => {
  it("marks a group used only by a stopped flow's VPC interface as in use, naming the flow", async () => {
    // Prepare
    mediaconnect.on(ListFlows).resolves({ Flows: [listed('news')] });
    mediaconnect.on(DescribeFlow, { FlowArn: FLOW_ARN }).resolves(flow('news', ['sg-used']));

    // Act
    const result = await scanAndClassify(mediaconnectScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'mediaconnect',
      resourceType: 'MediaConnect flow',
      resourceId: FLOW_ARN,
      resourceName: 'news',
      detail: 'VPC interface vpc-in, status STANDBY',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks for 1000 flows per page and follows NextToken', async () => {
    mediaconnect
      .on(ListFlows)
      .resolvesOnce({ Flows: [], NextToken: 'page-2' })
      .resolvesOnce({ Flows: [listed('late')] });
    mediaconnect.on(DescribeFlow).resolves(flow('late', ['sg-late']));

    const result = await scanAndClassify(mediaconnectScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(mediaconnect).toHaveReceivedNthCommandWith(1, ListFlows, { MaxResults: 1000 });
    expect(mediaconnect).toHaveReceivedNthCommandWith(2, ListFlows, { MaxResults: 1000, NextToken: 'page-2' });
  });

  it('skips a flow deleted between the listing and its description', async () => {
    mediaconnect.on(ListFlows).resolves({ Flows: [listed('gone')] });
    mediaconnect.on(DescribeFlow).rejects(awsError('NotFoundException'));

    const result = await scanAndClassify(mediaconnectScanner, [group('sg-free')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    mediaconnect.on(ListFlows).resolves({ Flows: [listed('news')] });
    mediaconnect.on(DescribeFlow).rejects(awsError('ForbiddenException'));

    const result = await scanAndClassify(mediaconnectScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['mediaconnect']);
  });
});
