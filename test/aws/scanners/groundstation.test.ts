import {
  GetDataflowEndpointGroupCommand,
  GroundStationClient,
  ListDataflowEndpointGroupsCommand,
  type GetDataflowEndpointGroupCommandInput,
  type GetDataflowEndpointGroupCommandOutput,
  type ListDataflowEndpointGroupsCommandInput,
  type ListDataflowEndpointGroupsCommandOutput,
} from '@aws-sdk/client-groundstation';
import { mockClient, type AwsCommand } from 'aws-sdk-client-mock';
import { groundstationScanner } from '../../../lambda/aws/scanners/groundstation';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

// package.json pins @aws-sdk/client-groundstation at 3.523, which bundles its own @smithy/types
// that aws-sdk-client-mock's types reject (the runtime works): these casts only re-type the classes.
type CommandCtor<I extends object, O extends object> = new (input: I) => AwsCommand<I, O & { $metadata: object }>;
const ListGroups = ListDataflowEndpointGroupsCommand as unknown as CommandCtor<ListDataflowEndpointGroupsCommandInput, ListDataflowEndpointGroupsCommandOutput>;
const GetGroup = GetDataflowEndpointGroupCommand as unknown as CommandCtor<GetDataflowEndpointGroupCommandInput, GetDataflowEndpointGroupCommandOutput>;
const groundstation = mockClient(GroundStationClient as unknown as Parameters<typeof mockClient>[0]);
const ID = 'a1b2c3d4-5678-90ab-cdef-EXAMPLE11111';
const ARN = `arn:aws:groundstation:us-east-1:123456789012:dataflow-endpoint-group/${ID}`;

beforeEach(() => groundstation.reset());

describe('groundstation scanner', () => {
  it('marks a group used only by a dataflow endpoint group as in use, naming the endpoint', async () => {
    // Prepare
    groundstation.on(ListGroups).resolves({ dataflowEndpointGroupList: [{ dataflowEndpointGroupId: ID, dataflowEndpointGroupArn: ARN }] });
    groundstation.on(GetGroup, { dataflowEndpointGroupId: ID }).resolves({
      dataflowEndpointGroupId: ID,
      dataflowEndpointGroupArn: ARN,
      endpointsDetails: [
        {
          endpoint: { name: 'downlink', address: { name: '10.0.0.5', port: 55888 } },
          securityDetails: { subnetIds: ['subnet-1'], securityGroupIds: ['sg-used'], roleArn: 'arn:aws:iam::123456789012:role/gs' },
        },
      ],
    });

    // Act
    const result = await scanAndClassify(groundstationScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'groundstation',
      resourceType: 'Ground Station dataflow endpoint group',
      resourceId: ARN,
      detail: 'endpoint downlink',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('asks for 100 groups per page and follows nextToken', async () => {
    groundstation
      .on(ListGroups)
      .resolvesOnce({ dataflowEndpointGroupList: [], nextToken: 'page-2' })
      .resolvesOnce({ dataflowEndpointGroupList: [{ dataflowEndpointGroupId: ID }] });
    groundstation.on(GetGroup).resolves({
      dataflowEndpointGroupId: ID,
      endpointsDetails: [{ securityDetails: { subnetIds: [], securityGroupIds: ['sg-late'], roleArn: 'arn:role' } }],
    });

    const result = await scanAndClassify(groundstationScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(groundstation).toHaveReceivedNthCommandWith(1, ListGroups, { maxResults: 100 });
    expect(groundstation).toHaveReceivedNthCommandWith(2, ListGroups, { maxResults: 100, nextToken: 'page-2' });
  });

  it('skips a group deleted between the listing and its description', async () => {
    groundstation.on(ListGroups).resolves({ dataflowEndpointGroupList: [{ dataflowEndpointGroupId: ID }] });
    groundstation.on(GetGroup).rejects(awsError('ResourceNotFoundException'));

    const result = await scanAndClassify(groundstationScanner, [group('sg-free')]);

    expect(result.scan.status).toBe('ok');
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    groundstation.on(ListGroups).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(groundstationScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
    expect(result.verdictOf('sg-a').failedSources).toEqual(['groundstation']);
  });
});
