import { LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { lambdaEventSourceMappingsScanner } from '../../../lambda/aws/scanners/lambda-event-source-mappings';
import { awsError, group, scanAndClassify } from '../../helpers/scanner-harness';

const lambda = mockClient(LambdaClient);

const ESM_ARN = 'arn:aws:lambda:us-east-1:123456789012:event-source-mapping:6f1b2c3d-0000-4000-8000-000000000001';

beforeEach(() => {
  lambda.reset();
  lambda.on(ListEventSourceMappingsCommand).resolves({
    EventSourceMappings: [
      {
        UUID: '6f1b2c3d-0000-4000-8000-000000000001',
        EventSourceMappingArn: ESM_ARN,
        FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-consumer',
        State: 'Disabled',
        SelfManagedEventSource: { Endpoints: { KAFKA_BOOTSTRAP_SERVERS: ['b-1.kafka.internal:9092'] } },
        SourceAccessConfigurations: [
          { Type: 'VPC_SUBNET', URI: 'subnet:subnet-1' },
          { Type: 'VPC_SECURITY_GROUP', URI: 'security_group:sg-used' },
        ],
      },
    ],
  });
});

describe('lambda-event-source-mappings scanner', () => {
  it('marks a group used only by a disabled self-managed Kafka mapping as in use, naming the function', async () => {
    // Act
    const result = await scanAndClassify(lambdaEventSourceMappingsScanner, [group('sg-used'), group('sg-free')]);

    // Assess
    expect(result.verdictOf('sg-used').verdict).toBe('in-use');
    expect(result.verdictOf('sg-used').usages[0]).toMatchObject({
      source: 'lambda-event-source-mappings',
      resourceType: 'Lambda event source mapping',
      resourceId: ESM_ARN,
      resourceName: 'orders-consumer',
      detail: 'state Disabled, self-managed Kafka b-1.kafka.internal:9092',
    });
    expect(result.verdictOf('sg-free').verdict).toBe('candidate');
    expect(lambda).toHaveReceivedCommandWith(ListEventSourceMappingsCommand, { MaxItems: 100 });
  });

  it('lists every mapping of the region: no function or event source filter', async () => {
    // Act
    await scanAndClassify(lambdaEventSourceMappingsScanner, [group('sg-free')]);

    // Assess
    const input = lambda.commandCalls(ListEventSourceMappingsCommand)[0]?.args[0].input;
    expect(input?.FunctionName).toBeUndefined();
    expect(input?.EventSourceArn).toBeUndefined();
  });

  it('follows NextMarker to the last page', async () => {
    // Prepare
    lambda
      .on(ListEventSourceMappingsCommand)
      .resolvesOnce({ EventSourceMappings: [], NextMarker: 'page-2' })
      .resolvesOnce({ EventSourceMappings: [{ UUID: 'late', SourceAccessConfigurations: [{ Type: 'VPC_SECURITY_GROUP', URI: 'security_group:sg-late' }] }] });

    // Act
    const result = await scanAndClassify(lambdaEventSourceMappingsScanner, [group('sg-late')]);

    // Assess
    expect(result.verdictOf('sg-late').verdict).toBe('in-use');
    expect(lambda).toHaveReceivedNthCommandWith(2, ListEventSourceMappingsCommand, { Marker: 'page-2', MaxItems: 100 });
  });

  it('makes otherwise-unproven groups unknown when Lambda denies access', async () => {
    // Prepare
    lambda.on(ListEventSourceMappingsCommand).rejects(awsError('AccessDeniedException'));

    // Act
    const result = await scanAndClassify(lambdaEventSourceMappingsScanner, [group('sg-free')]);

    // Assess
    expect(result.scan.status).toBe('failed');
    expect(result.verdictOf('sg-free').verdict).toBe('unknown');
    expect(result.verdictOf('sg-free').failedSources).toEqual(['lambda-event-source-mappings']);
  });
});
