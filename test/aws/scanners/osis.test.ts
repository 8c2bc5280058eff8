import {
  GetPipelineCommand as GetPipelineSdkCommand,
  ListPipelinesCommand as ListPipelinesSdkCommand,
  OSISClient,
  type GetPipelineCommandInput,
  type GetPipelineCommandOutput,
  type ListPipelinesCommandInput,
  type ListPipelinesCommandOutput,
} from '@aws-sdk/client-osis';
import { mockClient, type AwsCommand } from 'aws-sdk-client-mock';
import { osisScanner } from '../../../lambda/aws/scanners/osis';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

// client-osis is typed against another @smithy/types than aws-sdk-client-mock: cast (as for route53resolver).
const ListPipelinesCommand = ListPipelinesSdkCommand as unknown as new (
  input: ListPipelinesCommandInput,
) => AwsCommand<ListPipelinesCommandInput, ListPipelinesCommandOutput & { $metadata: object }>;
const GetPipelineCommand = GetPipelineSdkCommand as unknown as new (
  input: GetPipelineCommandInput,
) => AwsCommand<GetPipelineCommandInput, GetPipelineCommandOutput & { $metadata: object }>;
const osis = mockClient(OSISClient as unknown as Parameters<typeof mockClient>[0]);
const ARN = 'arn:aws:osis:us-east-1:123456789012:pipeline/logs';

beforeEach(() => osis.reset());

describe('osis scanner', () => {
  it('marks a group held only by a stopped pipeline VPC option as in use, naming the pipeline', async () => {
    // Prepare
    osis.on(ListPipelinesCommand).resolves({ Pipelines: [{ PipelineName: 'logs', PipelineArn: ARN, Status: 'STOPPED' }] });
    osis.on(GetPipelineCommand, { PipelineName: 'logs' }).resolves({
      Pipeline: { PipelineName: 'logs', PipelineArn: ARN, Status: 'STOPPED', VpcEndpoints: [{ VpcEndpointId: 'vpce-1', VpcId: 'vpc-1', VpcOptions: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-pipe'] } }] },
    });

    // Act
    const result = await scanAndClassify(osisScanner, [group('sg-pipe'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-pipe').verdict).toBe('in-use');
    expect(result.verdictOf('sg-pipe').usages[0]).toMatchObject({ source: 'osis', resourceType: 'OpenSearch Ingestion pipeline', resourceId: ARN, resourceName: 'logs', detail: 'status STOPPED' });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
  });

  it('follows NextToken, asking for 100 per page', async () => {
    osis.on(ListPipelinesCommand).resolvesOnce({ Pipelines: [], NextToken: 'p2' }).resolvesOnce({ Pipelines: [{ PipelineName: 'late' }] });
    osis.on(GetPipelineCommand).resolves({ Pipeline: { PipelineName: 'late', VpcEndpoints: [{ VpcOptions: { SubnetIds: ['subnet-1'], SecurityGroupIds: ['sg-late'] } }] } });

    const result = await scanAndClassify(osisScanner, [group('sg-late')]);

    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(osis).toHaveReceivedCommandWith(ListPipelinesCommand, { MaxResults: 100, NextToken: 'p2' });
  });

  it('makes otherwise-unproven groups unknown, never candidates, when access is denied', async () => {
    osis.on(ListPipelinesCommand).rejects(awsError('AccessDeniedException'));

    const result = await scanAndClassify(osisScanner, [group('sg-a')]);

    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-a').verdict).toBe('unknown');
  });
});
